"""Write .env.example from config/env.py's REGISTRY: every variable, its doc, its default.

    .venv/bin/python scripts/env_example.py            # rewrites .env.example
    .venv/bin/python scripts/env_example.py --check    # exits 1 when .env.example is out of date

Defaults that depend on where the checkout lives (the var/ folder, the SQLite file in it) are written as
commented-out lines, so that loading the file as it is changes nothing.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHECKOUT = "<checkout>"
HEADER = """\
# Panah's environment variables, written by scripts/env_example.py from config/env.py (edit those, not this).
# Copy it to the service's environment file and fill in the values; never commit real secrets.
# Production settings refuse to start while a variable marked "Required in production" is unset.
"""


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def render(registry: dict[str, Any], base_dir: Path) -> str:
    blocks = [HEADER]
    for var in registry.values():
        lines = [f"# {var.doc}"]
        if var.required_in_production:
            lines.append("# Required in production.")
        value = format_value(var.default)
        if str(base_dir) in value:
            lines.append(f"# {var.name}={value.replace(str(base_dir), CHECKOUT)}")
        else:
            lines.append(f"{var.name}={value}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def load_env_module() -> Any:
    """config.env with none of its variables set, so the file shows the real defaults."""
    sys.path.insert(0, str(ROOT))
    module = importlib.import_module("config.env")
    for name in list(module.REGISTRY):
        os.environ.pop(name, None)
    return importlib.reload(module)


def main() -> int:
    module = load_env_module()
    text = render(module.REGISTRY, module.BASE_DIR)
    target = ROOT / ".env.example"
    if "--check" in sys.argv[1:]:
        if target.read_text() != text:
            print(".env.example is out of date: run .venv/bin/python scripts/env_example.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
