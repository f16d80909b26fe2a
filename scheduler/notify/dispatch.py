"""One dispatch pass: expire and re-offer, queue reminders, then claim, send and record each due message."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from notifications.dispatcher import deliver
from notifications.email.base import Mailer
from notifications.messages import DeliveryResult, Email, Message, Outcome, Sms
from notifications.sms.base import SmsSender
from optimizer.params import SolveParams
from scheduler.clock import Clock, local_zone
from scheduler.db import transaction
from scheduler.errors import DomainError
from scheduler.notify import flows, reoffer
from scheduler.notify.answers import current_assignment
from scheduler.notify.content import event_from_payload
from scheduler.notify.models import AssignmentOffer
from scheduler.notify.settings import NotifySettings
from scheduler.outbox import service as outbox
from scheduler.outbox.models import Channel, OutboxMessage, OutboxStatus
from scheduler.people.models import Person
from scheduler.rosters.models import AssignmentStatus, Shift
from scheduler.rosters.planning import LIVE

_log = logging.getLogger(__name__)


@dataclass
class PassReport:
    expired: int = 0
    reoffered_rosters: list[int] = field(default_factory=list)
    reminders: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        parts = [f"{k}={v}" for k, v in sorted(self.outcomes.items())]
        return (
            f"expired={self.expired} reoffered={len(self.reoffered_rosters)} reminders={self.reminders} "
            + (" ".join(parts) or "nothing due")
        )


def _message(row: OutboxMessage) -> Message:
    if row.channel is Channel.SMS:
        return Sms(to=row.recipient, body=row.payload["body"], key=row.dedupe_key, urgent=row.urgent)
    p = row.payload
    event = event_from_payload(p["event"]) if p.get("event") else None
    return Email(
        to=row.recipient,
        subject=p["subject"],
        body=p["body"],
        key=row.dedupe_key,
        to_name=p.get("to_name", ""),
        invite=event,
        method=p.get("method", "REQUEST"),
    )


def _unwanted(session: Session, row: OutboxMessage) -> str | None:
    """Why this message should not go out any more, or None."""
    person = session.get(Person, row.person_id) if row.person_id is not None else None
    if person is not None and not person.reachable:
        return "person opted out or cannot be contacted"
    if row.kind not in ("offer", "reminder", "change") or row.shift_id is None or person is None:
        return None
    offer = session.scalar(
        select(AssignmentOffer).where(
            AssignmentOffer.shift_id == row.shift_id, AssignmentOffer.person_id == person.id
        )
    )
    shift = session.get(Shift, row.shift_id)
    if shift is None or shift.cancelled:
        return "shift called off"
    a = current_assignment(session=session, offer=offer) if offer is not None else None
    if row.kind == "offer" and (a is None or a.status is not AssignmentStatus.OFFERED):
        return "offer already answered or withdrawn"
    if row.kind == "reminder" and (a is None or a.status is not AssignmentStatus.CONFIRMED):
        return "shift no longer confirmed"
    if row.kind == "change" and a is not None and a.status not in LIVE:
        return "shift no longer this person's"
    return None


def _over_daily_limit(session: Session, row: OutboxMessage, now: datetime, limit: int) -> datetime | None:
    """If this person already had `limit` texts today (local), when the next one may go."""
    if row.channel is not Channel.SMS or row.urgent or row.person_id is None:
        return None
    local = now.astimezone(local_zone())
    day_start = datetime.combine(local.date(), datetime.min.time(), local.tzinfo)
    count = (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.person_id == row.person_id,
                OutboxMessage.channel == Channel.SMS,
                OutboxMessage.id != row.id,
                OutboxMessage.urgent.is_(False),
                or_(OutboxMessage.sent_at >= day_start, OutboxMessage.status == OutboxStatus.CLAIMED),
            )
        )
        or 0
    )
    return day_start + timedelta(days=1) if count >= limit else None


# Claims are taken this many at a time, in one transaction: on SQLite every commit is a disk sync,
# and a claim per message doubled them. Each result is still recorded on its own, right after
# its send; after a crash the rest of the batch is claimed again once the lease runs out, and each
# is looked up at the provider before it is sent.
CLAIM_BATCH = 50
# Why stop early: once a claim's lease runs out another dispatcher may take the message over, so
# a batch is only worked on for half the lease; what is left waits for the lease to run out.
SEND_WINDOW = outbox.DEFAULT_LEASE / 2


@dataclass(frozen=True, slots=True)
class _Ready:
    message_id: int
    message: Message
    attempt: int
    reconcile_since: datetime | None


def _claim_batch(
    *, sessions: sessionmaker[Session], ids: list[int], now: datetime, settings: NotifySettings
) -> tuple[list[_Ready], Counter[str]]:
    """Claim these messages; drop the unwanted, defer those over the daily limit, return the rest."""
    ready: list[_Ready] = []
    outcomes: Counter[str] = Counter()
    with transaction(sessions) as session:
        # PostgreSQL: lock the batch's rows, skipping those another dispatcher's claim transaction holds,
        # so many dispatchers work side by side instead of queueing on each other's row locks (SQLite
        # has one writer and no row locks: the clause is left out there). The conditional UPDATE in
        # outbox.claim still decides who owns a row.
        free = set(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.id.in_(ids))
                .order_by(OutboxMessage.id)
                .with_for_update(skip_locked=True)
            )
        )
        for message_id in ids:
            if message_id not in free or not outbox.claim(session=session, message_id=message_id, now=now):
                outcomes["skipped"] += 1  # another dispatcher has it
                continue
            row = session.get(OutboxMessage, message_id)
            assert row is not None
            session.refresh(row)
            reason = _unwanted(session, row)
            if reason is not None:
                outbox.drop(session=session, message=row, reason=reason, now=now)
                outcomes["dropped"] += 1
                continue
            later = _over_daily_limit(session, row, now, settings.daily_sms_limit)
            if later is not None:
                deferred = DeliveryResult(
                    outcome=Outcome.DEFERRED, reason="daily SMS limit", not_before=later
                )
                outbox.record_result(session=session, message=row, now=now, result=deferred)
                outcomes["deferred"] += 1
                continue
            reconcile_since = row.first_claimed_at if row.needs_reconcile else None
            ready.append(_Ready(message_id, _message(row), row.attempts + 1, reconcile_since))
    return ready, outcomes


def _send_and_record(
    *,
    sessions: sessionmaker[Session],
    item: _Ready,
    now: datetime,
    clock: Clock,
    sms_sender: SmsSender,
    mailer: Mailer,
    settings: NotifySettings,
) -> str:
    # Sent outside any transaction: a slow provider holds no database locks. If the process dies
    # here, the claim expires and the next claim reconciles with the provider before sending.
    result = deliver(
        item.message,
        sms_sender=sms_sender,
        mailer=mailer,
        attempt=item.attempt,
        now=now,
        quiet=settings.quiet,
        reconcile_since=item.reconcile_since,
    )
    done = clock.now()
    with transaction(sessions) as session:
        row = session.get(OutboxMessage, item.message_id)
        assert row is not None
        outbox.record_result(session=session, message=row, result=result, now=done)
        if result.opted_out and row.person_id is not None:
            person = session.get(Person, row.person_id)
            if person is not None and person.opted_out_at is None:
                person.opted_out_at = done
    return result.outcome.value


def send_one(
    *,
    sessions: sessionmaker[Session],
    message_id: int,
    clock: Clock,
    sms_sender: SmsSender,
    mailer: Mailer,
    settings: NotifySettings,
) -> str:
    """Claim, send and record one message; returns what happened ("skipped" if someone else has it)."""
    outcomes = dispatch_ids(
        sessions=sessions,
        ids=[message_id],
        clock=clock,
        sms_sender=sms_sender,
        mailer=mailer,
        settings=settings,
    )
    return next(iter(outcomes))


def dispatch_ids(
    *,
    sessions: sessionmaker[Session],
    ids: list[int],
    clock: Clock,
    sms_sender: SmsSender,
    mailer: Mailer,
    settings: NotifySettings,
) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    for start in range(0, len(ids), CLAIM_BATCH):
        now = clock.now()
        ready, skipped = _claim_batch(
            sessions=sessions, ids=ids[start : start + CLAIM_BATCH], now=now, settings=settings
        )
        outcomes += skipped
        for item in ready:
            if clock.now() - now >= SEND_WINDOW:
                outcomes["left_for_later"] += 1
                continue
            outcomes[
                _send_and_record(
                    sessions=sessions,
                    item=item,
                    now=now,
                    clock=clock,
                    sms_sender=sms_sender,
                    mailer=mailer,
                    settings=settings,
                )
            ] += 1
    return outcomes


def dispatch_due(
    *,
    sessions: sessionmaker[Session],
    clock: Clock,
    sms_sender: SmsSender,
    mailer: Mailer,
    settings: NotifySettings,
    limit: int = 500,
) -> Counter[str]:
    """Send everything due now, `limit` ids at a time; returns a count per outcome.

    Terminates: every message handled leaves the due set (sent, failed, dropped, or due later).
    """
    outcomes: Counter[str] = Counter()
    while True:
        with transaction(sessions) as session:
            ids = outbox.list_due(session=session, now=clock.now(), limit=limit)
        outcomes += dispatch_ids(
            sessions=sessions, ids=ids, clock=clock, sms_sender=sms_sender, mailer=mailer, settings=settings
        )
        if len(ids) < limit:
            return outcomes


def run_pass(
    *,
    sessions: sessionmaker[Session],
    clock: Clock,
    sms_sender: SmsSender,
    mailer: Mailer,
    settings: NotifySettings,
    params: SolveParams | None = None,
    replan: bool = True,
) -> PassReport:
    """Everything a dispatcher does once: the same code for `notify dispatch` and a background job.

    ``replan`` False leaves the re-offers (a solve each) to ``reoffer_pass`` on a solve worker, so
    that on RQ the notification queue never waits for the solver.
    """
    report = PassReport()
    with transaction(sessions) as session:
        report.expired = reoffer.expire_unanswered(session=session, now=clock.now(), settings=settings)
    if replan:
        report.reoffered_rosters = reoffer_pass(
            sessions=sessions, clock=clock, settings=settings, params=params
        )
    with transaction(sessions) as session:
        report.reminders = flows.schedule_reminders(session=session, now=clock.now(), settings=settings)
    report.outcomes = dispatch_due(
        sessions=sessions, clock=clock, sms_sender=sms_sender, mailer=mailer, settings=settings
    )
    return report


def reoffer_pass(
    *,
    sessions: sessionmaker[Session],
    clock: Clock,
    settings: NotifySettings,
    params: SolveParams | None = None,
) -> list[int]:
    """Re-plan every published roster holding a declined shift still to come, one transaction each;
    returns the rosters re-offered. The offers it queues go out with the next notification pass."""
    with transaction(sessions) as session:
        roster_ids = reoffer.rosters_to_replan(session=session, now=clock.now())
    done: list[int] = []
    for roster_id in roster_ids:
        try:
            with transaction(sessions) as session:
                reoffer.reoffer_declined(
                    session=session,
                    roster_id=roster_id,
                    now=clock.now(),
                    params=params or SolveParams(seconds=settings.replan_seconds),
                )
            done.append(roster_id)
        except DomainError as error:
            # e.g. the coordinator published a newer version meanwhile; the next pass sees that one.
            _log.warning("re-offer of roster %s skipped: %s", roster_id, error.message_en)
    return done
