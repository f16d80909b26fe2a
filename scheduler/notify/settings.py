"""Notification settings read once from the environment (GRIDROSTER_* names documented in the README)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta

from notifications.sms.quiet import QuietHours, quiet_hours_from_env
from notifications.sms.templates import Lang

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_MAIL_FROM = "gridroster@localhost"
# Twilio's China guidelines: five different messages to one number within 24 h go to manual
# review and wait a day (ECOSYSTEM.md §0 item 1); stay below that.
DEFAULT_DAILY_SMS_LIMIT = 4
DEFAULT_REMINDERS = "eve@20:00,2h"
DEFAULT_OFFER_TIMEOUT = timedelta(hours=24)
_LEAD = re.compile(r"^(\d+)([hm])$")
_EVE = re.compile(r"^eve@(\d{1,2}):(\d{2})$")


class SettingsError(ValueError):
    """A notification setting is wrong; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Reminder:
    """When to remind: `lead` before the start, or on the evening before at `evening`."""

    name: str  # part of the dedupe key: "eve@20:00", "2h"
    lead: timedelta | None = None
    evening: time | None = None


def parse_reminders(spec: str) -> tuple[Reminder, ...]:
    """'eve@20:00,2h' -> the evening before at 20:00 and two hours before; 'off' -> none."""
    if spec.strip().lower() in {"", "off"}:
        return ()
    out: list[Reminder] = []
    for raw in spec.split(","):
        item = raw.strip().lower()
        lead, eve = _LEAD.match(item), _EVE.match(item)
        if lead:
            n = int(lead.group(1))
            out.append(
                Reminder(item, lead=timedelta(hours=n) if lead.group(2) == "h" else timedelta(minutes=n))
            )
        elif eve and int(eve.group(1)) < 24 and int(eve.group(2)) < 60:
            out.append(Reminder(item, evening=time(int(eve.group(1)), int(eve.group(2)))))
        else:
            raise SettingsError(
                f'GRIDROSTER_REMINDERS items look like "eve@20:00" or "2h" or "90m", not {raw.strip()!r}'
            )
    return tuple(out)


def _hours(env: Mapping[str, str], name: str, default: timedelta) -> timedelta:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number of hours, not {raw!r}") from exc
    if value <= 0:
        raise SettingsError(f"{name} must be more than 0 hours")
    return timedelta(hours=value)


@dataclass(frozen=True, slots=True, kw_only=True)
class NotifySettings:
    public_url: str = DEFAULT_PUBLIC_URL  # base of personal links (GRIDROSTER_PUBLIC_URL)
    mail_from: str = DEFAULT_MAIL_FROM  # organizer of invitations (GRIDROSTER_MAIL_FROM)
    lang: Lang = Lang.ZH  # GRIDROSTER_SMS_LANG
    quiet: QuietHours = field(default_factory=lambda: QuietHours.parse("22:00-07:00"))
    daily_sms_limit: int = DEFAULT_DAILY_SMS_LIMIT  # GRIDROSTER_SMS_DAILY_LIMIT; urgent ones not counted
    reminders: tuple[Reminder, ...] = parse_reminders(DEFAULT_REMINDERS)
    offer_timeout: timedelta = DEFAULT_OFFER_TIMEOUT  # GRIDROSTER_OFFER_TIMEOUT_HOURS
    # "auto": reply codes in the SMS unless Twilio sends to +86 (no two-way SMS there); "on"; "off".
    reply_codes: str = "auto"  # GRIDROSTER_SMS_REPLY_CODES
    sms_backend: str = "outbox"
    replan_seconds: float = 10.0  # GRIDROSTER_REPLAN_SECONDS

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path

    def codes_for(self, phone: str) -> bool:
        if self.reply_codes == "on":
            return True
        if self.reply_codes == "off":
            return False
        return not (self.sms_backend == "twilio" and phone.startswith("+86"))


def settings_from_env(env: Mapping[str, str]) -> NotifySettings:
    lang = env.get("GRIDROSTER_SMS_LANG", "zh").strip().lower() or "zh"
    if lang not in {"zh", "en"}:
        raise SettingsError(f"GRIDROSTER_SMS_LANG must be zh or en, not {lang!r}")
    raw_limit = env.get("GRIDROSTER_SMS_DAILY_LIMIT", str(DEFAULT_DAILY_SMS_LIMIT)).strip()
    if not raw_limit.isdigit() or int(raw_limit) < 1:
        raise SettingsError(
            f"GRIDROSTER_SMS_DAILY_LIMIT must be a whole number of at least 1, not {raw_limit!r}"
        )
    codes = env.get("GRIDROSTER_SMS_REPLY_CODES", "auto").strip().lower() or "auto"
    if codes not in {"auto", "on", "off"}:
        raise SettingsError(f"GRIDROSTER_SMS_REPLY_CODES must be auto, on or off, not {codes!r}")
    try:
        quiet = quiet_hours_from_env(env)
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc
    try:
        replan_seconds = float(env.get("GRIDROSTER_REPLAN_SECONDS", "10") or "10")
    except ValueError as exc:
        raise SettingsError("GRIDROSTER_REPLAN_SECONDS must be a number of seconds") from exc
    public_url = env.get("GRIDROSTER_PUBLIC_URL", "").strip() or DEFAULT_PUBLIC_URL
    if not public_url.startswith(("http://", "https://")):
        raise SettingsError(f"GRIDROSTER_PUBLIC_URL must start with http:// or https://, not {public_url!r}")
    return NotifySettings(
        public_url=public_url,
        mail_from=env.get("GRIDROSTER_MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM,
        lang=Lang(lang),
        quiet=quiet,
        daily_sms_limit=int(raw_limit),
        reminders=parse_reminders(env.get("GRIDROSTER_REMINDERS", DEFAULT_REMINDERS)),
        offer_timeout=_hours(env, "GRIDROSTER_OFFER_TIMEOUT_HOURS", DEFAULT_OFFER_TIMEOUT),
        reply_codes=codes,
        sms_backend=env.get("GRIDROSTER_SMS_BACKEND", "outbox").strip().lower() or "outbox",
        replan_seconds=replan_seconds,
    )
