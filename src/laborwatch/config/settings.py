"""Django settings, driven by the environment.

Embedded default: SQLite in WAL mode under LABORWATCH_DATA_DIR (default ./var).
Production: PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from laborwatch.lib.secrets import load_or_create_secret

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LABORWATCH_DATA_DIR", "var")).resolve()

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
    "laborwatch.core",
    "laborwatch.enterprises",
    "laborwatch.workers",
    "laborwatch.cases",
    "laborwatch.warnings",
    "laborwatch.opinion",
    "laborwatch.reports",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "laborwatch.core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
