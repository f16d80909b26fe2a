"""Many workers on one PostgreSQL: publishing, claiming outbox rows and confirming are race-free.

Each test holds one transaction open at the critical point and starts a second worker (a thread
with its own connection) against it, so the race is forced rather than hoped for: without the
row locks the second worker would go ahead on the stale state and publish, send or confirm twice.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from optimizer.params import TEST_PARAMS
from scheduler.audit.models import AuditEntry
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.errors import Conflict
from scheduler.migrate import upgrade
from scheduler.notify import dispatch
from scheduler.notify.answers import Outcome, respond
from scheduler.notify.models import AssignmentOffer
from scheduler.outbox.models import OutboxMessage, OutboxStatus
from scheduler.rosters import service as rosters
from scheduler.rosters.models import Roster, RosterStatus
from tests.conftest import NOW, fresh_url
from tests.scheduler.dbbuilders import WEEK
from tests.scheduler.notify_support import SETTINGS, MovableClock, folder_mailer, log_sender, published_roster

BLOCKED_FOR = 1.5  # seconds a worker must stay blocked to count as waiting on a lock


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_url("postgresql", tmp_path))
    upgrade(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        except Exception as exc:  # handed to the test
            out.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def test_a_draft_published_by_eight_workers_at_once_is_published_once(pg: sessionmaker[Session]) -> None:
    with transaction(pg) as s:
        roster_id = published_roster(s, build_only=True, emails=False).roster.id
    start = threading.Barrier(8)

    def publish() -> str:
        start.wait()
        try:
            with transaction(pg) as s:
                rosters.publish_roster(session=s, roster_id=roster_id, now=NOW)
            return "published"
        except Conflict as error:
            return error.code

    runs = [in_thread(publish) for _ in range(8)]
    for t, _ in runs:
        t.join(60)
    assert Counter(out[0] for _, out in runs) == {"published": 1, "roster_not_draft": 7}
    with pg() as s:
        offers = s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "offer")
        )
        assigned = len(s.get_one(Roster, roster_id).assignments)
    assert offers == assigned  # the offers went out once, not once per publisher


def test_two_drafts_of_one_week_published_at_once_leave_one_published(pg: sessionmaker[Session]) -> None:
    with transaction(pg) as s:
        p = published_roster(s, build_only=True)
        first = p.roster.id
        second = rosters.generate_roster(
            session=s, street_id=p.street.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
        ).id
    with pg() as holder, holder.begin():
        rosters.publish_roster(session=holder, roster_id=first, now=NOW)  # not committed yet

        def publish_second() -> int:
            with transaction(pg) as s:
                return rosters.publish_roster(session=s, roster_id=second, now=NOW).id

        t, out = in_thread(publish_second)
        t.join(BLOCKED_FOR)
        assert t.is_alive(), "the second publisher must wait for the street's lock"
    t.join(60)
    assert out == [second]
    with pg() as s:
        rows = s.execute(select(Roster.id, Roster.status).where(Roster.id.in_([first, second])))
        statuses = dict(rows.all())
    assert statuses == {first: RosterStatus.SUPERSEDED, second: RosterStatus.PUBLISHED}


def test_a_dispatcher_skips_rows_another_holds_instead_of_waiting(
    pg: sessionmaker[Session], tmp_path: Path
) -> None:
    with transaction(pg) as s:
        published_roster(s, shifts=3, emails=False)
    with pg() as s:
        ids = list(s.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
    assert len(ids) == 3
    with pg() as holder, holder.begin():
        # Another dispatcher's claim transaction holds the first row.
        holder.execute(select(OutboxMessage.id).where(OutboxMessage.id == ids[0]).with_for_update())
        t, out = in_thread(
            lambda: dispatch.dispatch_ids(
                sessions=pg,
                ids=ids,
                clock=MovableClock(),
                sms_sender=log_sender(tmp_path),
                mailer=folder_mailer(tmp_path),
                settings=SETTINGS,
            )
        )
        t.join(30)
        assert not t.is_alive(), "a dispatcher must not wait on a row another one holds"
    assert out == [Counter({"sent": 2, "skipped": 1})]
    with pg() as s:
        status = dict(s.execute(select(OutboxMessage.id, OutboxMessage.status)).all())
    assert status == {ids[0]: OutboxStatus.PENDING, ids[1]: OutboxStatus.SENT, ids[2]: OutboxStatus.SENT}


def test_four_dispatchers_send_every_message_once(pg: sessionmaker[Session], tmp_path: Path) -> None:
    with transaction(pg) as s:
        published_roster(s, people=6, shifts=7, emails=False)
    sender = log_sender(tmp_path)
    start = threading.Barrier(4)

    def dispatcher() -> Counter[str]:
        start.wait()
        return dispatch.dispatch_due(
            sessions=pg,
            clock=MovableClock(),
            sms_sender=sender,
            mailer=folder_mailer(tmp_path),
            settings=SETTINGS,
        )

    runs = [in_thread(dispatcher) for _ in range(4)]
    for t, _ in runs:
        t.join(120)
    keys = [json.loads(line)["key"] for line in (tmp_path / "sms.jsonl").read_text("utf-8").splitlines()]
    with pg() as s:
        total = s.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        sent = s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT)
        )
    assert total == 7 and sent == 7
    assert len(keys) == 7 and len(set(keys)) == 7  # every message sent, none twice
    assert sum(out[0]["sent"] for _, out in runs) == 7


@pytest.mark.parametrize("second_confirms", [True, False])
def test_two_answers_at_once_are_taken_one_after_the_other(
    pg: sessionmaker[Session], second_confirms: bool
) -> None:
    with transaction(pg) as s:
        published_roster(s, people=1, shifts=1, emails=False)
    with pg() as s:
        offer_id = s.scalars(select(AssignmentOffer.id)).one()
    with pg() as holder, holder.begin():
        first = respond(
            session=holder,
            offer=holder.get(AssignmentOffer, offer_id),
            confirm=True,
            now=NOW,
            via="link",
            settings=SETTINGS,
        )
        assert first.outcome is Outcome.CONFIRMED

        def answer() -> Outcome:
            with transaction(pg) as s:
                return respond(
                    session=s,
                    offer=s.get(AssignmentOffer, offer_id),
                    confirm=second_confirms,
                    now=NOW,
                    via="sms",
                    settings=SETTINGS,
                ).outcome

        t, out = in_thread(answer)
        t.join(BLOCKED_FOR)
        assert t.is_alive(), "the second answer must wait for the assignment's lock"
    t.join(60)
    # It saw the committed confirmation: the same answer is "already", a decline after it changes
    # the assignment once more (never a second confirmation).
    assert out == [Outcome.ALREADY if second_confirms else Outcome.DECLINED]
    with pg() as s:
        confirmations = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "offer.confirmed")
        )
    assert confirmations == 1
