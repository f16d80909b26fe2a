"""The SmsSender protocol every SMS provider implements, and phone-number masking for logs."""

from __future__ import annotations

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
