"""Outbox queries: enqueue once per key, claim race-free, record each attempt (no commits here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from notifications.inbound import next_status
from notifications.messages import DeliveryResult, Outcome
from scheduler.outbox.models import Channel, OutboxAttempt, OutboxMessage, OutboxStatus

# A dispatcher that holds a claim longer than this is taken for dead and the row is claimed again
# (in "reconcile" mode). Longer than the Twilio client's own timeout plus an SMTP conversation.
DEFAULT_LEASE = timedelta(minutes=5)


def message_values(
    *,
    dedupe_key: str,
    channel: Channel,
    kind: str,
    recipient: str,
    payload: Mapping[str, Any],
    now: datetime,
    not_before: datetime | None = None,
    person_id: int | None = None,
    roster_id: int | None = None,
    shift_id: int | None = None,
    urgent: bool = False,
) -> dict[str, Any]:
    """The column values of one new outbox row (for enqueue_many)."""
    return {
        "dedupe_key": dedupe_key,
        "channel": channel.value,
        "kind": kind,
        "recipient": recipient,
        "payload": dict(payload),
        "urgent": urgent,
        "status": OutboxStatus.PENDING.value,
        "not_before": not_before or now,
        "attempts": 0,
        "needs_reconcile": False,
        "person_id": person_id,
        "roster_id": roster_id,
        "shift_id": shift_id,
        "created_at": now,
        "updated_at": now,
    }


def enqueue_many(*, session: Session, rows: Sequence[Mapping[str, Any]]) -> int:
    """Queue many messages in one statement; returns how many were new (known keys are skipped)."""
    if not rows:
        return 0
    # INSERT ... ON CONFLICT DO NOTHING: two transactions enqueueing the same key at once both
    # succeed and exactly one row exists, without a savepoint or an exception to catch.
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, OutboxMessage.__table__)
    stmt = insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)
    # One multi-row statement: per-row ORM inserts made a 4,000-offer publish take 15 s on SQLite.
    return len(session.execute(stmt, [dict(r) for r in rows]).all())


def enqueue(
    *,
    session: Session,
    dedupe_key: str,
    channel: Channel,
    kind: str,
    recipient: str,
    payload: Mapping[str, Any],
    now: datetime,
    not_before: datetime | None = None,
    person_id: int | None = None,
    roster_id: int | None = None,
    shift_id: int | None = None,
    urgent: bool = False,
) -> bool:
    """Queue one message; False (and nothing written) if a message with this key exists already."""
    values = message_values(
        dedupe_key=dedupe_key,
        channel=channel,
        kind=kind,
        recipient=recipient,
        payload=payload,
        now=now,
        not_before=not_before,
        person_id=person_id,
        roster_id=roster_id,
        shift_id=shift_id,
        urgent=urgent,
    )
    return enqueue_many(session=session, rows=[values]) == 1


def get_by_key(*, session: Session, dedupe_key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))


def _claimable(now: datetime) -> Any:
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before <= now),
        and_(OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claim_expires_at < now),
    )


def list_due(*, session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Ids of messages to try now: due pending ones, and claims whose dispatcher died."""
    stmt = (
        select(OutboxMessage.id)
        .where(_claimable(now))
        .order_by(OutboxMessage.urgent.desc(), OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def claim(*, session: Session, message_id: int, now: datetime, lease: timedelta = DEFAULT_LEASE) -> bool:
    """Take one message for sending: True only for the one caller whose UPDATE matched it.

    Why a conditional UPDATE: on PostgreSQL the second of two concurrent updates waits for the
    first's row lock, then re-checks the WHERE clause against the committed row, finds it claimed
    and matches nothing. SQLite serialises writers, with the same result.
    """
    stale = and_(OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claim_expires_at < now)
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(
            status=OutboxStatus.CLAIMED,
            claimed_at=now,
            claim_expires_at=now + lease,
            first_claimed_at=case(
                (OutboxMessage.first_claimed_at.is_(None), now), else_=OutboxMessage.first_claimed_at
            ),
            # A claim that ran out without a result: the old dispatcher may have sent it.
            needs_reconcile=case((stale, True), else_=OutboxMessage.needs_reconcile),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    rowcount: int = session.execute(stmt).rowcount  # type: ignore[attr-defined]
    return rowcount == 1


def record_result(
    *, session: Session, message: OutboxMessage, result: DeliveryResult, now: datetime
) -> OutboxMessage:
    """Store what one delivery attempt did (a DEFERRED one is not an attempt)."""
    message.updated_at = now
    message.claim_expires_at = None
    if result.outcome is Outcome.DEFERRED:
        message.status = OutboxStatus.PENDING
        message.not_before = result.not_before or now
        return message
    message.attempts += 1
    message.attempt_log.append(
        OutboxAttempt(
            number=message.attempts,
            at=now,
            outcome=result.outcome.value,
            code=result.code,
            reason=result.reason or None,
            provider_id=result.receipt.provider_id if result.receipt else None,
        )
    )
    if result.outcome is Outcome.SENT:
        assert result.receipt is not None
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.provider = result.receipt.provider
        message.provider_id = result.receipt.provider_id
        message.provider_status = next_status(message.provider_status, result.receipt.status)
        message.needs_reconcile = False
        message.error_code = message.error_reason = None
    elif result.outcome is Outcome.PERMANENT:
        message.status = OutboxStatus.FAILED
        message.error_code, message.error_reason = result.code, result.reason
    else:  # RETRY_LATER or IN_DOUBT
        message.status = OutboxStatus.PENDING
        message.not_before = now + (result.retry_after or timedelta(minutes=1))
        message.error_code, message.error_reason = result.code, result.reason
        message.needs_reconcile = message.needs_reconcile or result.outcome is Outcome.IN_DOUBT
    return message


def drop(*, session: Session, message: OutboxMessage, reason: str, now: datetime) -> OutboxMessage:
    """The message is no longer wanted (the offer was declined, the person opted out ...)."""
    message.status = OutboxStatus.DROPPED
    message.error_reason = reason
    message.claim_expires_at = None
    message.updated_at = now
    return message


def record_provider_status(
    *, session: Session, provider_id: str, status: str, error_code: int | None, now: datetime
) -> OutboxMessage | None:
    """A status callback: move the delivery status forward only (callbacks come late or twice)."""
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    if message is None:
        return None
    message.provider_status = next_status(message.provider_status, status)
    if error_code is not None and message.provider_status in {"failed", "undelivered"}:
        from notifications.sms.twilio import PERMANENT_CODES

        message.error_code = str(error_code)
        message.error_reason = PERMANENT_CODES.get(error_code, f"not delivered (Twilio error {error_code})")
    message.updated_at = now
    return message
