"""Notification settings and the Twilio auth token as the web app sees them."""

from __future__ import annotations

import os
from dataclasses import replace

from flask import current_app

from scheduler.notify.settings import NotifySettings, settings_from_env


def notify_settings() -> NotifySettings:
    """NOTIFY_SETTINGS from the app config (tests), else the GRIDROSTER_* environment."""
    given = current_app.config.get("NOTIFY_SETTINGS")
    if isinstance(given, NotifySettings):
        return given
    settings = settings_from_env(os.environ)
    public_url = current_app.config.get("PUBLIC_URL")
    return replace(settings, public_url=str(public_url)) if public_url else settings


def twilio_auth_token() -> str:
    return str(current_app.config.get("TWILIO_AUTH_TOKEN") or os.environ.get("TWILIO_AUTH_TOKEN") or "")
