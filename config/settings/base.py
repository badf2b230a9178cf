"""Settings shared by every environment. Values come from config.env, never from os.environ directly."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR
VAR_DIR: Path = env.VAR_DIR


def _local_secret(name: str, make: object) -> str:
    """A secret kept under var/ for development and demo use; production passes it in the environment."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())  # type: ignore[operator]
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.SECRET_KEY or _local_secret("secret_key", lambda: secrets.token_urlsafe(50))
FIELD_ENCRYPTION_KEYS = env.FIELD_ENCRYPTION_KEYS or [
    _local_secret("field_encryption_key", lambda: Fernet.generate_key().decode())
]
PSEA_ENCRYPTION_KEYS = env.PSEA_ENCRYPTION_KEYS or [
    _local_secret("psea_encryption_key", lambda: Fernet.generate_key().decode())
]
PANAH_CFM_WEBHOOK_SECRET = env.CFM_WEBHOOK_SECRET or _local_secret(
    "cfm_webhook_secret", lambda: secrets.token_urlsafe(32)
)
PANAH_CFM_WEBHOOK_MAX_SKEW_SECONDS = env.CFM_WEBHOOK_MAX_SKEW_SECONDS
PANAH_CFM_PUBLIC_SUBMISSIONS_PER_HOUR = env.CFM_PUBLIC_SUBMISSIONS_PER_HOUR
PANAH_CFM_STATUS_CHECKS_PER_HOUR = env.CFM_STATUS_CHECKS_PER_HOUR
PANAH_CFM_HOTLINE = env.CFM_HOTLINE
PANAH_TRUSTED_PROXIES = env.TRUSTED_PROXIES
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env.EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.EMAIL_HOST
EMAIL_PORT = env.EMAIL_PORT
EMAIL_HOST_USER = env.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = env.EMAIL_USE_TLS
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS
PANAH_DEMO_MODE = env.DEMO_MODE
PANAH_DEMO_PASSWORD = env.DEMO_PASSWORD
PANAH_LOCKOUT_ATTEMPTS = env.LOCKOUT_ATTEMPTS
PANAH_LOCKOUT_MINUTES = env.LOCKOUT_MINUTES
PANAH_TOKEN_DAYS = env.TOKEN_DAYS
PANAH_SOURCE_URL = env.SOURCE_URL
PANAH_PUBLIC_MIN_COUNT = env.PUBLIC_MIN_COUNT
# Keep grouped figures of published (frozen) rounds in memory; tests turn it off because they write rows into
# published rounds directly, which the services never allow.
PANAH_CACHE_PUBLISHED_FIGURES = True
PANAH_LINK_UPPER = env.LINK_UPPER
PANAH_LINK_LOWER = env.LINK_LOWER
PANAH_DUPLICATE_RATE_STOP = env.DUPLICATE_RATE_STOP
PANAH_OPENROSA_MAX_SUBMISSION_BYTES = env.OPENROSA_MAX_SUBMISSION_BYTES

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from local static files instead of a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "panah.core",
    "panah.geo",
    "panah.accounts",
    "panah.intake",
    "panah.dtm",
    "panah.registry",
    "panah.feedback",
    "panah.demo",
]

MIDDLEWARE = [
    "panah.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "panah.accounts.middleware.UserLanguageMiddleware",
    "panah.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "panah.core.middleware.ContentSecurityPolicyMiddleware",
    "panah.core.middleware.SingleValuedApiQueryMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "panah" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "panah.accounts.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock on a lock upgrade and the
        # audit chain head is read and advanced by one writer at a time; WAL lets readers go on meanwhile.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = int(timedelta(hours=env.SESSION_HOURS).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own static files (no inline code). Styles allow inline attributes because Leaflet
# positions map panes with style attributes. Images may come from OpenStreetMap's tile servers: the optional
# base map of the map pages, loaded only when the browser is online.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https://tile.openstreetmap.org",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ur", _("Urdu"))]
LOCALE_PATHS = [BASE_DIR / "src" / "panah" / "locale"]
TIME_ZONE = "Asia/Karachi"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "src" / "panah" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

OTP_TOTP_ISSUER = "Panah"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "panah.core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "panah.core.logging.JsonFormatter"},
        "console": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "default": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env.LOG_FORMAT == "json" else "console",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["default"], "level": "WARNING"},
    "loggers": {
        "panah": {"level": env.LOG_LEVEL, "propagate": True},
        # django.request logs the full URL of failing requests; URLs carry no personal data in Panah (ids are
        # opaque), and the formatter drops request objects, so the access path stays out of the logs.
        "django.request": {"level": "ERROR", "propagate": True},
        # Splink narrates each step at INFO and can log SQL with record values at DEBUG: keep it to warnings.
        "splink": {"level": "WARNING", "propagate": True},
    },
}
