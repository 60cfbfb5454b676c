"""Django settings, driven by the environment.

Embedded default: SQLite in WAL mode under LABORWATCH_DATA_DIR (default ./var).
Production: PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from laborwatch.lib.secrets import load_or_create_secret

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LABORWATCH_DATA_DIR", "var")).resolve()
# The registry's linking index, built once and opened memory-mapped by every process.
LINK_INDEX_DIR = DATA_DIR / "text" / "link_index"

DEBUG = os.environ.get("LABORWATCH_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create_secret(DATA_DIR / "secret_key")
# Key for personal-data field encryption; kept apart from SECRET_KEY so either can rotate.
FIELD_ENCRYPTION_KEY = os.environ.get("LABORWATCH_FIELD_KEY") or load_or_create_secret(
    DATA_DIR / "field_key"
)
# Warning policy overrides (sign-for deadline by grade, clean days before auto-resolution):
# JSON, checked by laborwatch.warnings.policy; e.g. {"acknowledge": {"red": {"hours": 1}}}.
try:
    LABORWATCH_WARNINGS = json.loads(os.environ.get("LABORWATCH_WARNINGS") or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"LABORWATCH_WARNINGS 不是有效的 JSON：{error}") from error
# The day's schedule (laborwatch.schedule): the local time of the morning run, the day of the
# month the previous month's report is issued, and the folder feed files are dropped into.
try:
    LABORWATCH_MORNING_AT = dt.time.fromisoformat(os.environ.get("LABORWATCH_MORNING_AT", "07:30"))
    LABORWATCH_MONTHLY_REPORT_DAY = int(os.environ.get("LABORWATCH_MONTHLY_REPORT_DAY", "3"))
except ValueError as error:
    raise ImproperlyConfigured(
        "LABORWATCH_MORNING_AT 应为 HH:MM，"
        f"LABORWATCH_MONTHLY_REPORT_DAY 应为 1 至 28 的整数：{error}"
    ) from error
if not 1 <= LABORWATCH_MONTHLY_REPORT_DAY <= 28:
    raise ImproperlyConfigured("LABORWATCH_MONTHLY_REPORT_DAY 应为 1 至 28 的整数")
LABORWATCH_INBOX = Path(os.environ.get("LABORWATCH_INBOX") or DATA_DIR / "inbox")
# The schedule's task queue (huey, laborwatch.schedule.tasks): empty for the embedded default,
# a SQLite file under LABORWATCH_DATA_DIR; redis://host:port/db or postgres://… for several
# servers sharing one queue.
LABORWATCH_TASKS_URL = os.environ.get("LABORWATCH_TASKS_URL", "")
# Public-opinion grade thresholds: JSON, checked by laborwatch.opinion.policy; e.g.
# {"thresholds": {"major": 40, "grave": 150}}.
try:
    LABORWATCH_OPINION = json.loads(os.environ.get("LABORWATCH_OPINION") or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"LABORWATCH_OPINION 不是有效的 JSON：{error}") from error
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "laborwatch.core",
    "laborwatch.enterprises",
    "laborwatch.workers",
    "laborwatch.cases",
    "laborwatch.warnings",
    "laborwatch.opinion",
    "laborwatch.reports",
    "laborwatch.dashboard",
    "laborwatch.schedule",
    "laborwatch.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "laborwatch.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "laborwatch.core.middleware.NoStoreMiddleware",
    "laborwatch.core.middleware.SessionKeptAliveMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "laborwatch.config.urls"
WSGI_APPLICATION = "laborwatch.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "laborwatch.core.context_processors.navigation",
                "laborwatch.notifications.views.unread_badge",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "laborwatch.sqlite3",
        # Each server thread keeps its connection (opening one and setting its pragmas on
        # every request costs more than many a request's own queries).
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            # WAL lets the web server read while the daily jobs write.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "laborwatch.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before the password is
    # checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} 必须是整数：{raw!r}") from error


# Sign-in throttling (django-axes): after LABORWATCH_LOGIN_FAILURES wrong passwords for one
# account, or from one address, both are refused for LABORWATCH_LOGIN_LOCKOUT_MINUTES. Failures
# during the lock do not prolong it, so nobody can keep the real user out for good; an
# administrator unlocks at once (admin → 访问尝试, or `laborwatch django axes_reset_username`).
AXES_FAILURE_LIMIT = _int("LABORWATCH_LOGIN_FAILURES", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_int("LABORWATCH_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "laborwatch.core.views.login_locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["laborwatch.config.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Email of the notifications (Django's SMTP backend); without a host, messages are written to
# the console instead (development).
EMAIL_HOST = os.environ.get("LABORWATCH_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("LABORWATCH_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("LABORWATCH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LABORWATCH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("LABORWATCH_EMAIL_TLS", "") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("LABORWATCH_EMAIL_FROM", "laborwatch@localhost")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Signed out after LABORWATCH_SESSION_HOURS without a request (SessionKeptAliveMiddleware
# renews the session as it is used).
SESSION_COOKIE_AGE = _int("LABORWATCH_SESSION_HOURS", 8) * 3600
# HTTPS deployments (README "Security settings"): Secure cookies, HSTS, and the header a
# TLS-terminating proxy sets. The default is a laptop on plain http://127.0.0.1.
HTTPS = os.environ.get("LABORWATCH_HTTPS", "") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = _int("LABORWATCH_HSTS_SECONDS", 0) if HTTPS else 0
SECURE_SSL_REDIRECT = HTTPS and os.environ.get("LABORWATCH_SSL_REDIRECT", "") == "1"
if os.environ.get("LABORWATCH_PROXY_HTTPS_HEADER", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Everything the pages load is served by the app itself, and no page runs inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page uses a device or a browser feature of this kind.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
CSRF_FAILURE_VIEW = "laborwatch.core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"

# Tracebacks without exception messages and phones and ID numbers masked: no personal data in
# a log (laborwatch.core.log_format says why).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "safe": {
            "()": "laborwatch.core.log_format.PersonalDataSafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "safe"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
