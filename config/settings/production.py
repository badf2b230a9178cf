"""Production: every required variable must be set, demo mode is refused, transport security is on."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from config import env

missing = sorted(name for name, var in env.REGISTRY.items() if var.required_in_production and not env.is_set(name))
if missing:
    raise ImproperlyConfigured(f"production settings need these environment variables: {', '.join(missing)}")
if env.DEMO_MODE:
    raise ImproperlyConfigured(
        "PANAH_DEMO_MODE is refused in production: demo users and relaxed sign-in are for demos only"
    )
if env.DEBUG:
    raise ImproperlyConfigured("PANAH_DEBUG is refused in production")
if set(env.PSEA_ENCRYPTION_KEYS) & set(env.FIELD_ENCRYPTION_KEYS):
    # The sealed compartment is only apart if its keys are: one shared key would open it with the field keys.
    raise ImproperlyConfigured("PANAH_PSEA_ENCRYPTION_KEYS must not share a key with PANAH_FIELD_ENCRYPTION_KEYS")
if env.DATABASE_URL.startswith("sqlite"):
    raise ImproperlyConfigured("production needs PostgreSQL: set DATABASE_URL=postgres://...")

from config.settings.base import *  # noqa: E402,F403

DEBUG = False
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
