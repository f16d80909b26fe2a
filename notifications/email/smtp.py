"""SMTP mailer: smtplib to a configured host and port, with optional STARTTLS and login."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from datetime import UTC, datetime

from notifications.email.invite import build_message
from notifications.messages import DeliveryError, Email, Receipt


def _utc_now() -> datetime:
    return datetime.now(UTC)


def map_smtp_error(exc: Exception) -> DeliveryError:
    """5xx replies are permanent, 4xx and network trouble are worth a retry."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # Wrong credentials are a configuration fault, not a property of this message.
        return DeliveryError("SMTP login refused (check the SMTP user and password)", code=str(exc.smtp_code))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return DeliveryError(
            f"recipient refused: {codes}", code=str(codes[0] if codes else "rcpt"), permanent=permanent
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return DeliveryError(
            f"SMTP server said {exc.smtp_code}: {exc.smtp_error!r}",
            code=str(exc.smtp_code),
            permanent=exc.smtp_code >= 500,
        )
    # Disconnects and socket errors are retried rather than held "in doubt": a duplicate
    # invitation carries the same UID and SEQUENCE, so calendars merge it instead of doubling it.
    return DeliveryError(f"SMTP connection problem: {type(exc).__name__}: {exc}", code="smtp_connection")


class SmtpMailer:
    provider = "smtp"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        mail_from: str,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._host, self._port = host, port
        self._mail_from = mail_from
        self._starttls = starttls
        self._username, self._password = username, password
        self._timeout = timeout
        self._clock = clock

    def send(self, email: Email) -> Receipt:
        msg = build_message(email, mail_from=self._mail_from, now=self._clock())
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._username:
                    smtp.login(self._username, self._password or "")
                # Envelope: bounces come to our own mailbox (the header From is the organizer), and the
                # only recipient is the one attendee (one invitation per person).
                smtp.send_message(msg, from_addr=self._mail_from, to_addrs=[email.to])
        except (smtplib.SMTPException, OSError) as exc:
            raise map_smtp_error(exc) from exc
        return Receipt(provider_id=str(msg["Message-ID"]), status="sent", provider=self.provider)
