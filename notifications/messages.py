"""Plain frozen dataclasses handed in by the scheduler and handed back by the channels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

InviteMethod = Literal["REQUEST", "CANCEL"]
# E.164: the form providers echo back, so a lookup can compare numbers as strings.
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
EventStatus = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Sms:
    """One text message; `key` is the outbox row's idempotency key."""

    to: str  # E.164, e.g. +8613812345678
    body: str
    key: str
    urgent: bool = False  # surge calls: bypass quiet hours

    def __post_init__(self) -> None:
        if not _E164.match(self.to):
            raise ValueError("Sms.to must be an E.164 number such as +8613812345678")
        if not self.body.strip():
            raise ValueError("Sms.body is empty")
        if not self.key.strip():
            raise ValueError("Sms.key is empty")


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """What a provider said when it took a message: its id for it and the status it reported."""

    provider_id: str
    status: str  # provider's word: queued / accepted / sent / logged / written ...
    provider: str  # "twilio", "outbox", "smtp", "folder"


class DeliveryError(Exception):
    """A send failed; the flags say whether retrying can help and whether the outcome is known."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        permanent: bool = False,
        opted_out: bool = False,
        in_doubt: bool = False,
    ) -> None:
        super().__init__(message)
        if opted_out and not permanent:
            raise ValueError("an opted-out recipient is a permanent failure")
        if in_doubt and permanent:
            raise ValueError("an in-doubt outcome cannot also be permanent")
        self.message = message
        self.code = code  # provider code as text ("21211", "429", "connection_refused", ...)
        self.permanent = permanent  # retrying the same message will fail the same way
        self.opted_out = opted_out  # the person asked to receive nothing more from this sender
        # The provider may or may not have accepted it (5xx, read timeout, connection dropped
        # after the request was sent). Resending blindly could text the person twice: the caller
        # must reconcile (SmsSender.lookup) first.
        self.in_doubt = in_doubt


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    """One assignment (shift x person) as a calendar event; uid and sequence come from the database."""

    uid: str
    sequence: int
    start: datetime  # aware
    end: datetime  # aware
    summary: str
    location: str
    description: str
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str
    status: EventStatus = "CONFIRMED"

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("CalendarEvent start and end must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("CalendarEvent must end after it starts")
        if self.sequence < 0:
            raise ValueError("CalendarEvent.sequence must be >= 0")


@dataclass(frozen=True, slots=True, kw_only=True)
class Email:
    """One e-mail to one person; with `invite` set it becomes an iMIP invitation or cancellation."""

    to: str
    subject: str
    body: str
    key: str
    to_name: str = ""
    invite: CalendarEvent | None = None
    method: InviteMethod = "REQUEST"

    def __post_init__(self) -> None:
        if "@" not in self.to:
            raise ValueError("Email.to is not an e-mail address")
        if not self.key.strip():
            raise ValueError("Email.key is empty")
        if self.invite is not None and self.invite.attendee_email.lower() != self.to.lower():
            # RFC 6047: the recipient of an iMIP REQUEST/CANCEL must be an ATTENDEE of it.
            raise ValueError("Email.to must be the invite's attendee")


Message = Sms | Email


class Outcome(StrEnum):
    """What the caller should do with the outbox row after one delivery attempt."""

    SENT = "sent"  # record the receipt; done
    RETRY_LATER = "retry_later"  # not sent; try again after `retry_after`
    PERMANENT = "permanent"  # not sent and never will be; show `reason` to the coordinator
    IN_DOUBT = "in_doubt"  # may have been sent; call deliver(..., reconcile_since=...) next time
    DEFERRED = "deferred"  # quiet hours; not an attempt; send at `not_before`


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryResult:
    """The result of one delivery attempt, ready for the scheduler to record."""

    outcome: Outcome
    receipt: Receipt | None = None
    code: str | None = None
    reason: str = ""
    retry_after: timedelta | None = None
    not_before: datetime | None = None
    opted_out: bool = False
