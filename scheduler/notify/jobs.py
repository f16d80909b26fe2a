"""The dispatcher as a background job: plain arguments, its own engine, the same pass as the CLI runs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from notifications.config import mailer_from_env, sms_sender_from_env
from notifications.email.base import Mailer
from notifications.sms.base import SmsSender
from scheduler.clock import Clock
from scheduler.db import default_instance_path, own_sessions
from scheduler.notify.dispatch import reoffer_pass, run_pass
from scheduler.notify.settings import NotifySettings, settings_from_env

STATUS_CALLBACK_PATH = "/hooks/twilio/status"


def parts_from_env(env: Mapping[str, str], *, instance_dir: Path) -> tuple[NotifySettings, SmsSender, Mailer]:
    """Settings, SMS sender and mailer; raises ConfigError / SettingsError naming the bad variable.

    With GRIDROSTER_PUBLIC_URL set and no GRIDROSTER_TWILIO_STATUS_CALLBACK, Twilio is asked to
    report delivery to this app's own status webhook.
    """
    settings = settings_from_env(env)
    effective = dict(env)
    if env.get("GRIDROSTER_PUBLIC_URL") and not env.get("GRIDROSTER_TWILIO_STATUS_CALLBACK"):
        effective["GRIDROSTER_TWILIO_STATUS_CALLBACK"] = settings.link(STATUS_CALLBACK_PATH)
    return (
        settings,
        sms_sender_from_env(effective, instance_dir=instance_dir),
        mailer_from_env(effective, instance_dir=instance_dir),
    )


def dispatch_job(database_url: str | None = None, replan: bool = True) -> dict[str, Any]:
    """One dispatch pass; enqueue this function on RQ (or call it from a timer thread). ``replan``
    False: the re-offers are left to ``reoffer_job`` on the solve queue."""
    settings, sms_sender, mailer = parts_from_env(os.environ, instance_dir=default_instance_path())
    with own_sessions(database_url) as sessions:
        report = run_pass(
            sessions=sessions, clock=Clock(), sms_sender=sms_sender, mailer=mailer, settings=settings,
            replan=replan,
        )
    return {
        "expired": report.expired,
        "reoffered": report.reoffered_rosters,
        "reminders": report.reminders,
        "outcomes": dict(report.outcomes),
    }


def reoffer_job(database_url: str | None = None) -> dict[str, Any]:
    """Re-plan the declined shifts of every published roster (a solve each): for the solve queue."""
    settings = settings_from_env(os.environ)
    with own_sessions(database_url) as sessions:
        done = reoffer_pass(sessions=sessions, clock=Clock(), settings=settings)
    return {"reoffered": done}
