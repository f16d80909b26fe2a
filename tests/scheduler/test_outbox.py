"""The outbox: one row per dedupe key, a claim only one dispatcher wins, every attempt recorded."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.messages import DeliveryResult, Outcome, Receipt
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.migrate import upgrade
from scheduler.outbox import service as outbox
from scheduler.outbox.models import Channel, OutboxMessage, OutboxStatus
from tests.conftest import NOW


def _enqueue(session: Session, key: str = "offer:sms:1:1:0") -> bool:
    return outbox.enqueue(
        session=session,
        dedupe_key=key,
        channel=Channel.SMS,
        kind="offer",
        recipient="+8613800000001",
        payload={"body": "测试"},
        now=NOW,
    )


def _row(session: Session, key: str = "offer:sms:1:1:0") -> OutboxMessage:
    row = outbox.get_by_key(session=session, dedupe_key=key)
    assert row is not None
    return row


def test_enqueueing_the_same_key_twice_writes_one_row(session: Session) -> None:
    assert _enqueue(session) is True
    assert _enqueue(session) is False
    rows = session.scalars(select(OutboxMessage)).all()
    assert len(rows) == 1 and rows[0].status is OutboxStatus.PENDING and rows[0].not_before == NOW


def test_a_message_is_claimed_once_and_not_before_it_is_due(session: Session) -> None:
    outbox.enqueue(
        session=session,
        dedupe_key="later",
        channel=Channel.SMS,
        kind="reminder",
        recipient="+8613800000001",
        payload={"body": "x"},
        now=NOW,
        not_before=NOW + timedelta(hours=1),
    )
    later = _row(session, "later")
    assert outbox.list_due(session=session, now=NOW) == []
    assert outbox.claim(session=session, message_id=later.id, now=NOW) is False
    assert outbox.claim(session=session, message_id=later.id, now=NOW + timedelta(hours=1)) is True
    assert outbox.claim(session=session, message_id=later.id, now=NOW + timedelta(hours=1)) is False


def test_a_claim_that_ran_out_is_claimed_again_in_reconcile_mode(session: Session) -> None:
    _enqueue(session)
    row = _row(session)
    assert outbox.claim(session=session, message_id=row.id, now=NOW)
    assert outbox.list_due(session=session, now=NOW + timedelta(minutes=1)) == []
    later = NOW + outbox.DEFAULT_LEASE + timedelta(seconds=1)
    assert outbox.list_due(session=session, now=later) == [row.id]
    assert outbox.claim(session=session, message_id=row.id, now=later)
    session.refresh(row)
    assert (
        row.needs_reconcile is True and row.first_claimed_at == NOW
    )  # ask the provider from the first claim


def test_results_are_recorded_as_attempts_and_only_deferral_is_not_an_attempt(session: Session) -> None:
    _enqueue(session)
    row = _row(session)
    outbox.record_result(
        session=session,
        message=row,
        now=NOW,
        result=DeliveryResult(
            outcome=Outcome.DEFERRED, reason="quiet hours", not_before=NOW + timedelta(hours=8)
        ),
    )
    assert (row.status, row.attempts, row.not_before) == (OutboxStatus.PENDING, 0, NOW + timedelta(hours=8))
    outbox.record_result(
        session=session,
        message=row,
        now=NOW,
        result=DeliveryResult(
            outcome=Outcome.RETRY_LATER, code="20429", reason="slow down", retry_after=timedelta(seconds=30)
        ),
    )
    assert (row.status, row.attempts, row.not_before) == (
        OutboxStatus.PENDING,
        1,
        NOW + timedelta(seconds=30),
    )
    outbox.record_result(
        session=session,
        message=row,
        now=NOW,
        result=DeliveryResult(
            outcome=Outcome.SENT, receipt=Receipt(provider_id="SM1", status="queued", provider="twilio")
        ),
    )
    assert (row.status, row.provider_id, row.provider_status, row.attempts) == (
        OutboxStatus.SENT,
        "SM1",
        "queued",
        2,
    )
    assert [a.outcome for a in row.attempt_log] == ["retry_later", "sent"]


def test_status_callbacks_only_move_delivery_forward(session: Session) -> None:
    _enqueue(session)
    row = _row(session)
    outbox.record_result(
        session=session,
        message=row,
        now=NOW,
        result=DeliveryResult(
            outcome=Outcome.SENT, receipt=Receipt(provider_id="SM9", status="queued", provider="twilio")
        ),
    )
    for status in ("delivered", "sent", "queued"):
        outbox.record_provider_status(
            session=session, provider_id="SM9", status=status, error_code=None, now=NOW
        )
    assert row.provider_status == "delivered"
    assert (
        outbox.record_provider_status(
            session=session, provider_id="nope", status="sent", error_code=None, now=NOW
        )
        is None
    )


def test_concurrent_dispatchers_claim_each_message_exactly_once(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as s:
            for i in range(20):
                _enqueue(s, key=f"k{i}")
        with transaction(factory) as s:
            ids = outbox.list_due(session=s, now=NOW)
        won: list[int] = []
        lock = threading.Lock()
        start = threading.Barrier(4)

        def worker() -> None:
            start.wait()
            for message_id in ids:
                with transaction(factory) as s:
                    if outbox.claim(session=s, message_id=message_id, now=NOW):
                        with lock:
                            won.append(message_id)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(won) == sorted(ids) and len(won) == 20  # every row once, none twice
    finally:
        engine.dispose()
