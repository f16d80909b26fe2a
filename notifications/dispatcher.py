"""Deliver one claimed outbox message and say what to record: sent, retry, permanent, in doubt."""

from __future__ import annotations

from datetime import datetime, timedelta

from notifications.email.base import Mailer
from notifications.messages import DeliveryError, DeliveryResult, Email, Message, Outcome, Receipt, Sms
from notifications.sms.base import SmsSender
from notifications.sms.quiet import QuietHours

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
# A message in doubt is looked up before anything else, so the next look can come soon.
IN_DOUBT_RECHECK = timedelta(minutes=1)


def backoff(attempt: int, *, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP) -> timedelta:
    """Wait before retry number `attempt` (1 = after the first failure): 30 s, 1 min, 2 min ... 1 h."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    # Doubling from a small base spreads retries after a 429 burst; the cap keeps a message that
    # failed overnight from waiting a day once the provider is back.
    return min(cap, base * (1 << min(attempt - 1, 32)))


def _failure(error: DeliveryError, *, attempt: int) -> DeliveryResult:
    if error.permanent:
        return DeliveryResult(
            outcome=Outcome.PERMANENT, code=error.code, reason=error.message, opted_out=error.opted_out
        )
    if error.in_doubt:
        return DeliveryResult(
            outcome=Outcome.IN_DOUBT, code=error.code, reason=error.message, retry_after=IN_DOUBT_RECHECK
        )
    return DeliveryResult(
        outcome=Outcome.RETRY_LATER, code=error.code, reason=error.message, retry_after=backoff(attempt)
    )


def _sent(receipt: Receipt, *, reason: str = "") -> DeliveryResult:
    return DeliveryResult(outcome=Outcome.SENT, receipt=receipt, reason=reason)


def deliver(
    message: Message,
    *,
    sms_sender: SmsSender,
    mailer: Mailer,
    attempt: int = 1,
    now: datetime | None = None,
    quiet: QuietHours | None = None,
    reconcile_since: datetime | None = None,
) -> DeliveryResult:
    """Send one message the caller has claimed, and map the outcome for the caller to record.

    - `attempt`: 1 for the first try; sets the suggested back-off of a RETRY_LATER.
    - `now` and `quiet`: a non-urgent SMS inside quiet hours is DEFERRED to `not_before`.
    - `reconcile_since`: the message may already have gone out (the last attempt was IN_DOUBT, or
      the worker died between send and record): ask the provider first, and only send if it has
      no such message since that time. Nobody gets a second SMS.
    """
    if quiet is not None and now is None:
        raise ValueError("quiet hours need `now` (the caller's clock, read once per dispatch pass)")
    if isinstance(message, Sms):
        if quiet is not None and now is not None and quiet.is_quiet(now, urgent=message.urgent):
            return DeliveryResult(
                outcome=Outcome.DEFERRED,
                reason="quiet hours",
                not_before=quiet.next_allowed(now, urgent=message.urgent),
            )
        if reconcile_since is not None:
            try:
                found = sms_sender.lookup(message, since=reconcile_since)
            except DeliveryError as error:
                # We still do not know whether it went out: stay in doubt, never resend blind.
                return DeliveryResult(
                    outcome=Outcome.IN_DOUBT,
                    code=error.code,
                    reason=f"cannot check with the provider: {error.message}",
                    retry_after=max(IN_DOUBT_RECHECK, backoff(attempt)),
                )
            if found is not None:
                return _sent(found, reason="already accepted by the provider; not sent again")
        try:
            return _sent(sms_sender.send(message))
        except DeliveryError as error:
            return _failure(error, attempt=attempt)
    if isinstance(message, Email):
        # No provider lookup exists for e-mail; a duplicate carries the same Message-ID and
        # calendar UID/SEQUENCE, which mail and calendar clients merge.
        try:
            return _sent(mailer.send(message))
        except DeliveryError as error:
            return _failure(error, attempt=attempt)
    raise TypeError(f"cannot deliver {type(message).__name__}")
