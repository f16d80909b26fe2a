"""Configuration: defaults, then GRIDROSTER_* environment variables, then the caller's overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app

from scheduler.clock import Clock
from scheduler.db import default_database_url

# Only for development and tests: production refuses to start with it (see check_config).
DEV_SECRET_KEY = "gridroster-development-key-not-secret"
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The app is configured in a way that must not run (a default secret key in production)."""


class DefaultConfig:
    ENV = "development"  # development | testing | production  (GRIDROSTER_ENV)
    SECRET_KEY = DEV_SECRET_KEY
    DATABASE_URL: str | None = None  # None: GRIDROSTER_DATABASE_URL or the instance folder's SQLite file
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans_CN", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 12 * 3600  # a coordinator keeps a form open over lunch
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    MAX_FORM_PARTS = 2000
    CLOCK: Clock = Clock()
    # Roster solves: "thread" runs them in this process (embedded default), "inline" inside the request
    # (tests), "none" leaves them queued for a worker. SOLVE_SECONDS is each solve's time limit;
    # None: by the street's size (SolveParams.time_limit: 10 s up to a few hundred people, 60 s
    # for 3,000).
    JOB_RUNNER = "thread"
    SOLVE_SECONDS: float | None = None
    # City scale (GRIDROSTER_REDIS_URL): solves go to the RQ "solve" queue for `gridroster worker`s
    # and the web process runs no dispatcher thread (a `gridroster cron` sweep sends notifications).
    REDIS_URL: str | None = None


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("GRIDROSTER")
    app.config.update(overrides or {})
    if not app.config.get("DATABASE_URL") and "SESSION_FACTORY" not in app.config:
        app.config["DATABASE_URL"] = default_database_url()
    explicit = (
        "SESSION_COOKIE_SECURE" in (overrides or {}) or "GRIDROSTER_SESSION_COOKIE_SECURE" in os.environ
    )
    if app.config["ENV"] == "production" and not explicit:
        app.config["SESSION_COOKIE_SECURE"] = True  # behind HTTPS; set it false only for a LAN test box
    app.config["TESTING"] = bool(app.config.get("TESTING")) or app.config["ENV"] == "testing"
    check_config(app.config)


def check_config(config: Mapping[str, Any]) -> None:
    """Refuse to run in production with the development secret key, no key, or a short one."""
    if config.get("ENV") not in {"development", "testing", "production"}:
        raise ConfigError(
            f"GRIDROSTER_ENV must be development, testing or production, not {config.get('ENV')!r}"
        )
    if config.get("ENV") != "production":
        return
    key = config.get("SECRET_KEY")
    if not key or key == DEV_SECRET_KEY or len(str(key)) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            "refusing to start in production without a secret key: set GRIDROSTER_SECRET_KEY to a random "
            f"string of at least {MIN_SECRET_KEY_LENGTH} characters (python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')"
        )


def now() -> datetime:
    """The configured clock's reading, once per operation (STYLE rule 13); tests configure a FixedClock."""
    clock: Clock = current_app.config["CLOCK"]
    return clock.now()
