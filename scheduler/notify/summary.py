"""The coordinator's view of delivery for a roster's week: sent, delivered, failed (why), answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.sms.base import mask_phone
from scheduler.outbox.models import Channel, OutboxMessage, OutboxStatus
from scheduler.people.models import Person
from scheduler.rosters import service as rosters
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus

DELIVERED = frozenset({"delivered", "read"})


@dataclass
class FailedMessage:
    message_id: int
    person: str
    recipient: str  # masked
    kind: str
    channel: str
    code: str | None
    reason: str


@dataclass
class DeliverySummary:
    roster_id: int
    versions: list[int]
    offers_queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    confirmed: int = 0
    declined: int = 0
    unanswered: int = 0
    failures: list[FailedMessage] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "failures"} | {
            "failures": [f.__dict__ for f in self.failures]
        }


def roster_delivery(*, session: Session, roster_id: int) -> DeliverySummary:
    """Counts over every version of the roster's week, since a decline publishes a new version."""
    roster = rosters.get_roster(session=session, roster_id=roster_id)
    family = list(
        session.scalars(
            select(Roster)
            .where(Roster.street_id == roster.street_id, Roster.week_start == roster.week_start)
            .order_by(Roster.version)
        )
    )
    ids = [r.id for r in family]
    out = DeliverySummary(roster_id=roster_id, versions=ids)
    rows = session.execute(
        select(OutboxMessage, Person.name)
        .outerjoin(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.roster_id.in_(ids))
        .order_by(OutboxMessage.id)
    ).all()
    for row, name in rows:
        if row.kind == "offer" and row.channel is Channel.SMS:
            out.offers_queued += 1
        if row.status is OutboxStatus.SENT:
            out.sent += 1
            out.delivered += row.provider_status in DELIVERED
        elif row.status in (OutboxStatus.PENDING, OutboxStatus.CLAIMED):
            out.pending += 1
        if row.status is OutboxStatus.FAILED or row.provider_status in {"failed", "undelivered"}:
            out.failed += 1
            recipient = mask_phone(row.recipient) if row.channel is Channel.SMS else row.recipient
            out.failures.append(
                FailedMessage(
                    row.id,
                    name or "",
                    recipient,
                    row.kind,
                    row.channel.value,
                    row.error_code,
                    row.error_reason or "",
                )
            )
    current = next((r for r in reversed(family) if r.status is RosterStatus.PUBLISHED), roster)
    statuses = [a.status for a in current.assignments]
    out.confirmed = statuses.count(AssignmentStatus.CONFIRMED)
    out.unanswered = statuses.count(AssignmentStatus.OFFERED)
    out.declined = len(
        set(
            session.execute(
                select(Assignment.shift_id, Assignment.person_id).where(
                    Assignment.roster_id.in_(ids), Assignment.status == AssignmentStatus.DECLINED
                )
            ).all()
        )
    )
    return out
