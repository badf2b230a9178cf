"""Every environment variable Panah reads, declared once: name, type, default and one line of doc.

Settings modules import the typed values from here; nothing else calls os.environ. `.env.example` lists the
same names (a test keeps the two in step).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str
    default: Any
    doc: str
    required_in_production: bool


REGISTRY: dict[str, Variable] = {}


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def _parse_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


_PARSERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": _parse_bool,
    "list": _parse_list,
}


def declare(name: str, kind: str, default: Any, doc: str, *, required_in_production: bool = False) -> Any:
    """Declare one variable and return its typed value from the environment (or the default)."""
    if name in REGISTRY:
        raise RuntimeError(f"environment variable {name} declared twice")
    REGISTRY[name] = Variable(name, kind, default, doc, required_in_production)
    raw = os.environ.get(name)
    if raw is None or not raw.strip():  # set but empty counts as unset (DATABASE_URL= make test)
        return default
    try:
        return _PARSERS[kind](raw)
    except ValueError as exc:
        raise RuntimeError(f"environment variable {name}: {exc}") from exc


def is_set(name: str) -> bool:
    return bool(os.environ.get(name, "").strip())


VAR_DIR = Path(
    declare("PANAH_VAR_DIR", "str", str(BASE_DIR / "var"), "Folder for the embedded database, keys and uploads.")
)
DATABASE_URL: str = declare(
    "DATABASE_URL",
    "str",
    f"sqlite:///{VAR_DIR / 'panah.sqlite3'}",
    "Database: embedded SQLite by default, postgres://user:pass@host/db in production.",
    required_in_production=True,
)
SECRET_KEY: str = declare(
    "SECRET_KEY",
    "str",
    "",
    "Django secret key; generated under PANAH_VAR_DIR outside production.",
    required_in_production=True,
)
DEBUG: bool = declare("PANAH_DEBUG", "bool", False, "Django debug pages; never in production.")
ALLOWED_HOSTS: list[str] = declare(
    "ALLOWED_HOSTS",
    "list",
    ["127.0.0.1", "localhost"],
    "Host names the app answers to (comma-separated).",
    required_in_production=True,
)
CSRF_TRUSTED_ORIGINS: list[str] = declare(
    "CSRF_TRUSTED_ORIGINS", "list", [], "Origins (https://host) trusted for form posts behind a proxy."
)
DEMO_MODE: bool = declare(
    "PANAH_DEMO_MODE",
    "bool",
    False,
    "Demo mode: demo users exist and two-factor sign-in is relaxed. Refused in production.",
)
DEMO_PASSWORD: str = declare("PANAH_DEMO_PASSWORD", "str", "", "Password for the demo users; generated when empty.")
FIELD_ENCRYPTION_KEYS: list[str] = declare(
    "PANAH_FIELD_ENCRYPTION_KEYS",
    "list",
    [],
    "Fernet keys for sensitive fields at rest, newest first, comma-separated; generated under var/ outside production.",
    required_in_production=True,
)
LOG_LEVEL: str = declare("PANAH_LOG_LEVEL", "str", "INFO", "Log level of the panah loggers.")
LOG_FORMAT: str = declare("PANAH_LOG_FORMAT", "str", "json", "Log format: json (one object a line) or console.")
SESSION_HOURS: int = declare(
    "PANAH_SESSION_HOURS", "int", 8, "A browser session expires this many hours after sign-in."
)
LOCKOUT_ATTEMPTS: int = declare(
    "PANAH_LOCKOUT_ATTEMPTS", "int", 5, "Failed sign-ins in a row before an account is locked."
)
LOCKOUT_MINUTES: int = declare("PANAH_LOCKOUT_MINUTES", "int", 15, "How long a locked account stays locked.")
TOKEN_DAYS: int = declare("PANAH_TOKEN_DAYS", "int", 90, "Default lifetime of a personal API token, in days.")
SECURE_SSL_REDIRECT: bool = declare(
    "PANAH_SECURE_SSL_REDIRECT",
    "bool",
    True,
    "Production: redirect plain HTTP to HTTPS (off when TLS ends elsewhere and says so).",
)
SOURCE_URL: str = declare(
    "PANAH_SOURCE_URL", "str", "", "Where users get the source of this deployment (AGPL); shown on the About page."
)
PUBLIC_MIN_COUNT: int = declare(
    "PANAH_PUBLIC_MIN_COUNT", "int", 5, "Disclosure control: public counts from 1 to this minus 1 are suppressed."
)
OPENROSA_MAX_SUBMISSION_BYTES: int = declare(
    "PANAH_OPENROSA_MAX_SUBMISSION_BYTES",
    "int",
    10 * 1024 * 1024,
    "Largest OpenRosa submission (bytes); larger is 413.",
)
PSEA_ENCRYPTION_KEYS: list[str] = declare(
    "PANAH_PSEA_ENCRYPTION_KEYS",
    "list",
    [],
    "Fernet keys of the sealed (PSEA) compartment, newest first; kept apart from the field keys; generated under "
    "var/ outside production.",
    required_in_production=True,
)
CFM_WEBHOOK_SECRET: str = declare(
    "PANAH_CFM_WEBHOOK_SECRET",
    "str",
    "",
    "Shared secret that signs inbound SMS/WhatsApp webhook messages (HMAC-SHA256); generated under var/ outside "
    "production.",
    required_in_production=True,
)
CFM_WEBHOOK_MAX_SKEW_SECONDS: int = declare(
    "PANAH_CFM_WEBHOOK_MAX_SKEW_SECONDS", "int", 300, "A webhook message older or newer than this is refused."
)
CFM_PUBLIC_SUBMISSIONS_PER_HOUR: int = declare(
    "PANAH_CFM_PUBLIC_SUBMISSIONS_PER_HOUR",
    "int",
    5,
    "Public feedback form: submissions accepted from one network address per hour.",
)
CFM_STATUS_CHECKS_PER_HOUR: int = declare(
    "PANAH_CFM_STATUS_CHECKS_PER_HOUR",
    "int",
    20,
    "Public status page: failed reference/PIN checks allowed from one network address per hour.",
)
CFM_HOTLINE: str = declare(
    "PANAH_CFM_HOTLINE", "str", "", "The complaints hotline number shown on the public feedback pages (empty: none)."
)
TRUSTED_PROXIES: int = declare(
    "PANAH_TRUSTED_PROXIES",
    "int",
    0,
    "Reverse proxies in front of the app that append to X-Forwarded-For; the client address is read from that many "
    "entries from the right (0: the connecting address).",
)
EMAIL_HOST: str = declare(
    "PANAH_EMAIL_HOST", "str", "", "SMTP server for notifications; empty prints mail to the console."
)
EMAIL_PORT: int = declare("PANAH_EMAIL_PORT", "int", 587, "SMTP port.")
EMAIL_HOST_USER: str = declare("PANAH_EMAIL_HOST_USER", "str", "", "SMTP user name.")
EMAIL_HOST_PASSWORD: str = declare("PANAH_EMAIL_HOST_PASSWORD", "str", "", "SMTP password.")
EMAIL_USE_TLS: bool = declare("PANAH_EMAIL_USE_TLS", "bool", True, "SMTP with STARTTLS.")
DEFAULT_FROM_EMAIL: str = declare(
    "PANAH_DEFAULT_FROM_EMAIL", "str", "panah@localhost", "Sender address of notification e-mails."
)
PORT: int = declare("PORT", "int", 8000, "Port `make run` serves on.")
CHROMIUM_PATH: str = declare("PANAH_CHROMIUM", "str", "/usr/bin/chromium", "Chromium used by the browser tests.")
REQUIRE_BROWSER_TESTS: bool = declare(
    "PANAH_REQUIRE_BROWSER_TESTS",
    "bool",
    False,
    "Tests: fail instead of skipping when Chromium is missing (set in CI).",
)

# Deduplication of the household registry (defaults chosen from bench/registry_link_bench.py: see the issue 4 note).
LINK_UPPER: float | None = declare(
    "PANAH_LINK_UPPER", "float", None, "Match probability at or above which two registry records are linked."
)
LINK_LOWER: float | None = declare(
    "PANAH_LINK_LOWER", "float", None, "Match probability from which a pair goes to the adjudication queue."
)
DUPLICATE_RATE_STOP: float = declare(
    "PANAH_DUPLICATE_RATE_STOP",
    "float",
    0.5,
    "An imported batch whose share of duplicates exceeds this stops for review.",
)
