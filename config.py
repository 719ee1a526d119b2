"""Configuration classes.

Each class holds defaults; :func:`settings_from_env` overlays the ``VAE_*``
environment variables, read when the app is created (never at import time),
so a test or a server can set them just before calling ``create_app``.
"""
from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY: str | None = None  # VAE_SECRET_KEY; unset outside production: drawn once, kept in instance/secret_key
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: SQLite under instance/
    # hide_parameters: an error never prints the values of its statement (password hashes, names) into a log
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    VAE_TODAY: date | None = None
    VAE_RULES_DIR = str(PROJECT_ROOT / "rules")
    VAE_PAGE_SIZE = 25
    VAE_DOCUMENTS_MAX_COUNT = 40  # supporting documents per candidacy
    VAE_DOCUMENTS_MAX_TOTAL_MB = 100  # their total size per candidacy (each file: 10 Mo at most)
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # and the life of the device's token behind it
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # read whole so a too-large file is refused beside its field (each file: 10 Mo); beyond this, a 413
    VAE_API_TOKEN_HOURS = 12
    VAE_REMINDER_DAYS = (180, 90, 30)
    VAE_RETENTION_YEARS = 5  # finished files are anonymised after this many years without change
    VAE_REDIS_URL: str | None = None  # set: planning runs go through RQ, rate limits are shared
    VAE_LOGIN_LIMIT = "10 per minute;100 per hour"
    VAE_PICKER_LIMIT = 100  # options offered at once in a drop-down list; a search narrows longer lists
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI: str | None = None  # None: Redis when VAE_REDIS_URL is set, else the database (shared by workers)
    VAE_TRUSTED_PROXIES = 0  # proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed
    RATELIMIT_HEADERS_ENABLED = True
    VAE_PLANNER_SYNC = False  # tests: run the planner inside the request
    VAE_FRANCEVAE_INLINE = False  # tests: a pull asked for from the page runs inside the request
    VAE_FRANCEVAE_TIMEOUT = 15.0  # seconds France VAE has to answer one request
    VAE_PLANNER_TIMEOUT = 900  # seconds a run may wait for a worker (and an RQ job may last) before it is given up
    VAE_PLANNER_SILENCE = 120  # seconds without a sign of life from its worker before a running run is given up
    VAE_SMTP_HOST: str | None = None
    VAE_SMTP_PORT = 587
    VAE_SMTP_USER: str | None = None
    VAE_SMTP_PASSWORD: str | None = None
    VAE_SMTP_STARTTLS = True
    VAE_MAIL_FROM = "Suivi VAE <ne-pas-repondre@suivi-vae.fr>"
    VAE_BASE_URL = "http://127.0.0.1:5000"  # the app's public address: links in e-mails sent from a command (reminders)


class DevelopmentConfig(Config):
    """``make run``: SQLite under instance/, debug off by default, a key of its own in instance/."""


class TestingConfig(Config):
    """The test suite; the database comes from ``VAE_TEST_DATABASE_URL``."""

    TESTING = True
    SECRET_KEY = "testing-only"
    WTF_CSRF_ENABLED = False  # tests that exercise CSRF turn it back on
    VAE_PLANNER_SYNC = True
    VAE_FRANCEVAE_INLINE = True
    RATELIMIT_ENABLED = False  # the rate-limit test turns it on
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    """Behind gunicorn on PostgreSQL: secrets must come from the environment."""

    SECRET_KEY = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

SECRETS = frozenset({"VAE_SECRET_KEY", "VAE_SMTP_PASSWORD", "VAE_FRANCEVAE_TOKENS"})


def _json_object(raw: str) -> dict:
    """A JSON object of strings (certifier code -> token); anything else is refused at start-up."""
    import json

    value = json.loads(raw)
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("un objet JSON {\"code du certificateur\": \"jeton\"} est attendu")
    return value


def _seconds(raw: str) -> float:
    """A timeout in seconds, between 0.1 and 300."""
    value = float(raw)
    if not 0.1 <= value <= 300:  # also refuses nan and inf
        raise ValueError("un nombre de secondes entre 0,1 et 300 est attendu")
    return value


# name of the environment variable -> (config key, parser)
ENV_SETTINGS = {
    "VAE_SECRET_KEY": ("SECRET_KEY", str),
    "VAE_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "VAE_TODAY": ("VAE_TODAY", date.fromisoformat),
    "VAE_RULES_DIR": ("VAE_RULES_DIR", str),
    "VAE_PAGE_SIZE": ("VAE_PAGE_SIZE", int),
    "VAE_DOCUMENTS_MAX_COUNT": ("VAE_DOCUMENTS_MAX_COUNT", int),
    "VAE_DOCUMENTS_MAX_TOTAL_MB": ("VAE_DOCUMENTS_MAX_TOTAL_MB", int),
    "VAE_PICKER_LIMIT": ("VAE_PICKER_LIMIT", int),
    "VAE_API_TOKEN_HOURS": ("VAE_API_TOKEN_HOURS", int),
    "VAE_REDIS_URL": ("VAE_REDIS_URL", str),
    "VAE_LOGIN_LIMIT": ("VAE_LOGIN_LIMIT", str),
    "VAE_TRUSTED_PROXIES": ("VAE_TRUSTED_PROXIES", int),
    "VAE_PLANNER_TIMEOUT": ("VAE_PLANNER_TIMEOUT", int),
    "VAE_PLANNER_SILENCE": ("VAE_PLANNER_SILENCE", int),
    "VAE_RETENTION_YEARS": ("VAE_RETENTION_YEARS", int),
    "VAE_SMTP_HOST": ("VAE_SMTP_HOST", str),
    "VAE_SMTP_PORT": ("VAE_SMTP_PORT", int),
    "VAE_SMTP_USER": ("VAE_SMTP_USER", str),
    "VAE_SMTP_PASSWORD": ("VAE_SMTP_PASSWORD", str),
    "VAE_FRANCEVAE_URL": ("VAE_FRANCEVAE_URL", str),
    "VAE_FRANCEVAE_TOKENS": ("VAE_FRANCEVAE_TOKENS", _json_object),
    "VAE_FRANCEVAE_CONTRACT": ("VAE_FRANCEVAE_CONTRACT", str),
    "VAE_FRANCEVAE_TIMEOUT": ("VAE_FRANCEVAE_TIMEOUT", _seconds),
    "VAE_SMTP_STARTTLS": ("VAE_SMTP_STARTTLS", lambda v: v.lower() in ("1", "true", "yes", "oui")),
    "VAE_MAIL_FROM": ("VAE_MAIL_FROM", str),
    "VAE_BASE_URL": ("VAE_BASE_URL", str),
}


class ConfigError(ValueError):
    """A configuration value is missing or malformed."""


def settings_from_env(environ: os._Environ | dict | None = None) -> dict:
    """Return the config keys set by ``VAE_*`` variables, parsed and checked."""
    environ = os.environ if environ is None else environ
    settings = {}
    for var, (key, parse) in ENV_SETTINGS.items():
        raw = environ.get(var)
        if raw is None or raw == "":
            continue
        try:
            settings[key] = parse(raw)
        except ValueError as exc:
            shown = "***" if var in SECRETS else repr(raw)  # a secret is never printed, even when it is malformed
            raise ConfigError(f"{var}={shown}: {exc}") from None
    return settings
