"""The SmsSender protocol every SMS provider implements, and phone-number masking for logs."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Protocol, runtime_checkable

from notifications.messages import Receipt, Sms


@runtime_checkable
class SmsSender(Protocol):
    """Send one SMS, or find one already sent."""

    provider: str

    def send(self, sms: Sms) -> Receipt:
        """Hand the message to the provider; raise DeliveryError (permanent / opted_out / in_doubt)."""
        ...

    def lookup(self, sms: Sms, *, since: datetime) -> Receipt | None:
        """Find this message if the provider already accepted it at or after `since`.

        Used after a crash or an in-doubt error between send and record, so that nobody gets a
        second SMS. Raises DeliveryError if the provider cannot be asked.
        """
        ...


def mask_phone(number: str) -> str:
    """Hide the middle of a phone number for logs: +8613812345678 -> +86138****5678."""
    number = number.strip()
    if len(number) < 9:
        # Too short to keep a prefix and a suffix without revealing most of it.
        return "****" + number[-2:]
    return number[:-8] + "****" + number[-4:]


# An E.164 number, plain or URL-encoded (%2B), as it appears in a request line or a message.
_PHONE = re.compile(r"(\+|%2B)(\d{8,15})")


def _mask_match(match: re.Match[str]) -> str:
    return match.group(1) + mask_phone(match.group(2))


class PhoneMaskingFilter(logging.Filter):
    """Masks phone numbers in log records of libraries we do not control.

    urllib3 logs every request line at DEBUG, and a Twilio lookup puts To=+86... in the query
    string. Attach this filter to the handlers of any deployment that logs urllib3 at DEBUG.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _PHONE.sub(_mask_match, message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
