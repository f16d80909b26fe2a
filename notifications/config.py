"""Build the SMS sender and the mailer from configuration (environment-style mappings)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from notifications.email.base import Mailer
from notifications.email.folder import FolderMailer
from notifications.email.smtp import SmtpMailer
from notifications.sms.base import SmsSender
from notifications.sms.outbox_log import OutboxLogSmsSender
from notifications.sms.twilio import TwilioSmsSender

SMS_BACKENDS = ("outbox", "twilio")
DEFAULT_SMS_OUTBOX_LOG = "sms-outbox.jsonl"
DEFAULT_MAIL_OUTBOX_DIR = "mail-outbox"
DEFAULT_MAIL_FROM = "gridroster@localhost"


class ConfigError(ValueError):
    """A notification setting is missing or wrong; the message names the variable."""


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in {"", "0", "false", "no", "off"}:
        return False
    if value in {"1", "true", "yes", "on"}:
        return True
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def sms_sender_from_env(env: Mapping[str, str], *, instance_dir: Path = Path("instance")) -> SmsSender:
    """GRIDROSTER_SMS_BACKEND=outbox (default; GRIDROSTER_SMS_OUTBOX_LOG) or twilio (TWILIO_*)."""
    backend = env.get("GRIDROSTER_SMS_BACKEND", "outbox").strip().lower() or "outbox"
    if backend == "outbox":
        path = env.get("GRIDROSTER_SMS_OUTBOX_LOG") or str(instance_dir / DEFAULT_SMS_OUTBOX_LOG)
        return OutboxLogSmsSender(path=Path(path))
    if backend != "twilio":
        raise ConfigError(f"GRIDROSTER_SMS_BACKEND must be one of {', '.join(SMS_BACKENDS)}, not {backend!r}")
    missing = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not env.get(name)]
    if missing:
        raise ConfigError(f"GRIDROSTER_SMS_BACKEND=twilio needs {' and '.join(missing)}")
    from_number = env.get("TWILIO_FROM_NUMBER") or None
    service_sid = env.get("TWILIO_MESSAGING_SERVICE_SID") or None
    if from_number is None and service_sid is None:
        raise ConfigError(
            "GRIDROSTER_SMS_BACKEND=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
        )
    if from_number is not None and service_sid is not None:
        raise ConfigError("set only one of TWILIO_FROM_NUMBER and TWILIO_MESSAGING_SERVICE_SID")
    try:
        return TwilioSmsSender(
            account_sid=env["TWILIO_ACCOUNT_SID"],
            auth_token=env["TWILIO_AUTH_TOKEN"],
            from_number=from_number,
            messaging_service_sid=service_sid,
            status_callback=env.get("GRIDROSTER_TWILIO_STATUS_CALLBACK") or None,
            api_base=env.get("GRIDROSTER_TWILIO_API_BASE") or None,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def mailer_from_env(env: Mapping[str, str], *, instance_dir: Path = Path("instance")) -> Mailer:
    """GRIDROSTER_SMTP_HOST set: SMTP (GRIDROSTER_SMTP_PORT, GRIDROSTER_MAIL_FROM); else an outbox folder."""
    host = env.get("GRIDROSTER_SMTP_HOST", "").strip()
    if not host:
        directory = env.get("GRIDROSTER_MAIL_OUTBOX_DIR") or str(instance_dir / DEFAULT_MAIL_OUTBOX_DIR)
        return FolderMailer(
            directory=Path(directory), mail_from=env.get("GRIDROSTER_MAIL_FROM") or DEFAULT_MAIL_FROM
        )
    raw_port = env.get("GRIDROSTER_SMTP_PORT", "25").strip() or "25"
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ConfigError(f"GRIDROSTER_SMTP_PORT must be a port number, not {raw_port!r}")
    mail_from = env.get("GRIDROSTER_MAIL_FROM", "").strip()
    if "@" not in mail_from:
        raise ConfigError("GRIDROSTER_SMTP_HOST is set, so GRIDROSTER_MAIL_FROM must be an e-mail address")
    return SmtpMailer(
        host=host,
        port=int(raw_port),
        mail_from=mail_from,
        starttls=_flag(env, "GRIDROSTER_SMTP_STARTTLS"),
        username=env.get("GRIDROSTER_SMTP_USER") or None,
        password=env.get("GRIDROSTER_SMTP_PASSWORD") or None,
    )
