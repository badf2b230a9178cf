"""Production settings fail fast: each test starts a fresh interpreter with an environment it controls."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = [
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "PANAH_CFM_WEBHOOK_SECRET",
    "PANAH_FIELD_ENCRYPTION_KEYS",
    "PANAH_PSEA_ENCRYPTION_KEYS",
    "SECRET_KEY",
]
MISSING_MESSAGE = "production settings need these environment variables: "


def production_values() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "panah.example.org",
        # Only parsed at import: nothing connects to this server.
        "DATABASE_URL": "postgres://panah:not-a-real-password@127.0.0.1:5432/panah",
        "PANAH_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PANAH_PSEA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PANAH_CFM_WEBHOOK_SECRET": secrets.token_urlsafe(32),
    }


def run(args: list[str], variables: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run Python in the checkout with only these variables set (nothing inherited from the test run)."""
    environment = {
        "PATH": os.defpath,
        "HOME": str(var_dir),
        "LANG": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "PANAH_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        **variables,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def import_production(variables: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    return run(["-c", "import config.settings.production"], variables, var_dir)


def import_production_then(script: str, variables: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    return run(["-c", f"import django; django.setup(); {script}"], variables, var_dir)


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_production_refuses_to_start_with_no_environment(tmp_path: Path) -> None:
    # when production settings load with none of the required variables
    result = import_production({}, tmp_path)

    # then they stop, naming every missing variable, and write nothing (no generated secret under var/)
    assert result.returncode == 1
    assert last_line(result) == (
        "django.core.exceptions.ImproperlyConfigured: " + MISSING_MESSAGE + ", ".join(REQUIRED)
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_names_the_one_missing_variable(tmp_path: Path, missing: str) -> None:
    variables = production_values()
    del variables[missing]

    result = import_production(variables, tmp_path)

    assert result.returncode == 1
    assert last_line(result) == f"django.core.exceptions.ImproperlyConfigured: {MISSING_MESSAGE}{missing}"


def test_production_counts_a_blank_value_as_missing(tmp_path: Path) -> None:
    result = import_production({**production_values(), "SECRET_KEY": "   "}, tmp_path)

    assert result.returncode == 1
    assert last_line(result) == f"django.core.exceptions.ImproperlyConfigured: {MISSING_MESSAGE}SECRET_KEY"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"PANAH_DEMO_MODE": "1"},
            "PANAH_DEMO_MODE is refused in production: demo users and relaxed sign-in are for demos only",
        ),
        ({"PANAH_DEBUG": "true"}, "PANAH_DEBUG is refused in production"),
        (
            {"DATABASE_URL": "sqlite:////srv/panah/panah.sqlite3"},
            "production needs PostgreSQL: set DATABASE_URL=postgres://...",
        ),
    ],
    ids=["demo-mode", "debug", "sqlite"],
)
def test_production_refuses_unsafe_values(tmp_path: Path, variables: dict[str, str], message: str) -> None:
    result = import_production({**production_values(), **variables}, tmp_path)

    assert result.returncode == 1
    assert last_line(result) == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_a_malformed_value_is_refused_with_its_name(tmp_path: Path) -> None:
    result = import_production({**production_values(), "PANAH_SESSION_HOURS": "eight"}, tmp_path)

    assert result.returncode == 1
    assert last_line(result) == (
        "RuntimeError: environment variable PANAH_SESSION_HOURS: invalid literal for int() with base 10: 'eight'"
    )


def test_production_with_every_required_value_loads_with_transport_security_on(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], s.PANAH_DEMO_MODE)"
    )

    result = import_production_then(script, production_values(), tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False True True True 31536000 ['panah.example.org'] django.db.backends.postgresql False"
    )


def test_production_passes_check_deploy_without_warnings(tmp_path: Path) -> None:
    # given every required value, as a deployment sets them
    variables = production_values()

    # when Django's deployment checklist runs, failing on warnings too
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], variables, tmp_path)

    # then it finds nothing
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
