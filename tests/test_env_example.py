"""`.env.example` lists exactly the variables of config/env.py, and nothing else reads the environment."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import Any

from config import env

ROOT = Path(__file__).resolve().parent.parent
# `NAME=value`, or `# NAME=value` for defaults that depend on where the checkout lives.
ASSIGNMENT = re.compile(r"^(?P<commented>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")
SECRETS = {"SECRET_KEY", "PANAH_FIELD_ENCRYPTION_KEYS", "PANAH_DEMO_PASSWORD"}
ENVIRON_NAMES = {"environ", "getenv", "putenv", "environb", "getenvb"}
ALLOWED_LINE = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")'
GENERATOR_HINT = "regenerate it: .venv/bin/python scripts/env_example.py"


def parse_env_example() -> dict[str, dict[str, Any]]:
    """name -> {value, commented, doc}: doc is the first comment line of the variable's block."""
    entries: dict[str, dict[str, Any]] = {}
    block: list[str] = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = ASSIGNMENT.match(line)
        if match:
            name = match["name"]
            assert name not in entries, f"{name} appears twice in .env.example"
            doc = block[0].removeprefix("#").strip() if block else ""
            entries[name] = {"value": match["value"], "commented": bool(match["commented"]), "doc": doc}
            block = []
        elif line.startswith("#"):
            block.append(line)
        else:
            block = []
    return entries


def environment_access(source: str) -> list[tuple[int, str]]:
    """(line number, line) of each `os.environ`/`os.getenv`/... and `from os import environ`, in code only."""
    tokens = [
        tok
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type in {tokenize.NAME, tokenize.OP, tokenize.NEWLINE}
    ]
    found = []
    for i, tok in enumerate(tokens):
        attribute = (
            tok.string == "os"
            and i + 2 < len(tokens)
            and tokens[i + 1].string == "."
            and tokens[i + 2].string in ENVIRON_NAMES
        )
        from_import = tok.string == "from" and [t.string for t in tokens[i + 1 : i + 3]] == ["os", "import"]
        if from_import:
            imported = []
            for later in tokens[i + 3 :]:
                if later.type == tokenize.NEWLINE:
                    break
                imported.append(later.string)
            from_import = bool(ENVIRON_NAMES & set(imported))
        if attribute or from_import:
            found.append((tok.start[0], tok.line.strip()))
    return found


def formatted_default(default: Any) -> str:
    if isinstance(default, bool):
        return "1" if default else "0"
    if isinstance(default, list):
        return ",".join(default)
    return str(default)


def test_env_example_names_exactly_the_declared_variables() -> None:
    # given the committed .env.example and the registry
    listed = set(parse_env_example())
    declared = set(env.REGISTRY)

    # then they name the same variables
    assert sorted(declared - listed) == [], f"missing from .env.example; {GENERATOR_HINT}"
    assert sorted(listed - declared) == [], f"in .env.example but not declared in config/env.py; {GENERATOR_HINT}"


def test_env_example_gives_each_variable_its_doc_and_default() -> None:
    entries = parse_env_example()

    for name, var in env.REGISTRY.items():
        entry = entries.get(name)
        assert entry is not None, f"{name} is missing from .env.example; {GENERATOR_HINT}"
        assert entry["doc"] == var.doc, f"{name}: doc differs from config/env.py; {GENERATOR_HINT}"
        if not entry["commented"]:
            assert entry["value"] == formatted_default(var.default), f"{name}: default differs; {GENERATOR_HINT}"


def test_env_example_leaves_every_secret_empty() -> None:
    entries = parse_env_example()

    assert {name: entries[name]["value"] for name in SECRETS} == dict.fromkeys(SECRETS, "")
    assert all(not entries[name]["commented"] for name in SECRETS)


def test_environment_access_is_found_in_code_but_not_in_comments_or_strings() -> None:
    source = '''"""Values come from config.env, never from os.environ directly."""
import os  # not os.getenv either
from os import path, getenv
a = os.environ["A"]
b = os.getenv("B", "")
c = os . environ.get("C")
d = "os.environ"
'''

    assert [number for number, _ in environment_access(source)] == [3, 4, 5, 6]


def test_only_config_env_reads_the_environment() -> None:
    # given every Python file of the settings and the application (and the entry points)
    files = [*sorted((ROOT / "config").rglob("*.py")), *sorted((ROOT / "src").rglob("*.py")), ROOT / "manage.py"]
    assert len(files) > 10

    # when we look for environment access outside config/env.py (comments and strings do not count)
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line}"
        for path in files
        if path != ROOT / "config" / "env.py"
        for number, line in environment_access(path.read_text())
        if line != ALLOWED_LINE
    ]

    # then there is none: declare the variable in config/env.py and import its value from there
    assert offenders == []
