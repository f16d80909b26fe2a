"""The Mailer protocol every e-mail transport implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from notifications.messages import Email, Receipt


@runtime_checkable
class Mailer(Protocol):
    """Send one e-mail."""

    provider: str

    def send(self, email: Email) -> Receipt:
        """Hand the message to the transport; raise DeliveryError (permanent or not) on failure."""
        ...
