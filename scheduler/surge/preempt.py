"""Pre-emption: a person who confirms a call is freed from the routine shifts it overlaps, and those
shifts are re-planned with as few changes as possible (only the freed slots; everything else pinned).

Only routine duty of lower priority than the call is ever taken; locked (hand-kept) assignments and
emergency-priority shifts are never moved (the ranking never offers such people; this re-checks).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.params import SolveParams
from optimizer.validate import ProblemError
from scheduler.audit import service as audit
from scheduler.availability.models import AvailabilityException, ExceptionKind
from scheduler.errors import DomainError
from scheduler.notify import reoffer
from scheduler.notify.settings import NotifySettings
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus
from scheduler.rosters.service import get_published
from scheduler.surge.common import settings_of
from scheduler.surge.models import COMING, SurgeCall, SurgeOffer
from scheduler.surge.ranking import PRIORITY_RANK

# A re-plan that finds no roster is tried at this many ticks, then left to the coordinator (the
# freed slot shows as declined in the published roster).
REPLAN_TRIES = 3


def take_from_routine(*, session: Session, offer: SurgeOffer, call: SurgeCall, now: datetime) -> list[int]:
    """The person confirmed: free them from the routine shifts overlapping the block (pre-emption).

    Their live assignments there become declined in the published roster (so the re-plan, which
    forbids declined pairs and pins everything else, refills exactly those slots), and the block is
    recorded as busy time, so no re-plan puts them back on an overlapping shift. Returns the
    published roster ids to re-plan.
    """
    block = offer.block
    rows = session.execute(
        select(Assignment, Roster)
        .join(Roster, Assignment.roster_id == Roster.id)
        .where(
            Roster.status == RosterStatus.PUBLISHED,
            Assignment.person_id == offer.person_id,
            Assignment.shift_id.in_([p["shift"] for p in offer.preempted]),
            Assignment.status.in_(
                (AssignmentStatus.PROPOSED, AssignmentStatus.OFFERED, AssignmentStatus.CONFIRMED)
            ),
        )
    ).all()
    rosters: dict[int, int] = {}  # shift → published roster it was taken from
    for a, roster in rows:
        if a.locked or PRIORITY_RANK[a.shift.priority] >= PRIORITY_RANK[call.priority]:
            continue  # changed since the offer went out: never take locked or equally urgent duty
        before = a.status
        a.status = AssignmentStatus.DECLINED
        a.revision += 1
        a.updated_at = now
        rosters[a.shift_id] = roster.id
        audit.record(
            session=session,
            at=now,
            actor="system",
            action="surge.preempt",
            entity="assignment",
            entity_id=a.id,
            detail={"call": call.id, "offer": offer.id, "shift": a.shift_id, "from": before.value},
        )
    session.add(
        AvailabilityException(
            person_id=offer.person_id,
            kind=ExceptionKind.BUSY,
            starts_at=block.starts_at,
            ends_at=block.ends_at,
            note=f"网格呼叫 #{call.id} surge call",
        )
    )
    offer.preempted = [
        {
            **p,
            "taken": p["shift"] in rosters,
            "roster": rosters.get(p["shift"], p["roster"]),
            "replanned": False,
        }
        for p in offer.preempted
    ]
    session.flush()
    return sorted(set(rosters.values()))


def replan_preempted(
    *,
    session: Session,
    now: datetime,
    params: SolveParams | None = None,
    settings: NotifySettings | None = None,
) -> list[int]:
    """Re-plan the routine shifts people were taken from: only those slots change (reoffer pins the
    rest), the result is published and the new people get their offers. Returns new roster ids."""
    settings = settings_of(settings)
    params = params or SolveParams(seconds=settings.replan_seconds)
    recent = SurgeCall.closed_at.is_(None) | (SurgeCall.closed_at > now - timedelta(days=1))
    pending = [
        o
        for o in session.scalars(
            select(SurgeOffer)
            .join(SurgeCall, SurgeOffer.call_id == SurgeCall.id)
            .where(SurgeOffer.status.in_(COMING), recent)
        )
        if any(p.get("taken") and not p.get("replanned") for p in o.preempted)
    ]
    done: list[int] = []
    rosters: dict[int, Roster] = {}
    current_of: dict[int, int] = {}  # roster an entry names → the published version now
    for o in pending:
        for p in o.preempted:
            if p.get("taken") and not p.get("replanned"):
                old = session.get(Roster, p["roster"])
                if old is not None:
                    current = get_published(
                        session=session, street_id=old.street_id, week_start=old.week_start
                    )
                    if current is not None:
                        rosters[current.id] = current
                        current_of[p["roster"]] = current.id
    # The notifications dispatcher re-plans declined slots too: skip a roster it has done already.
    due = set(reoffer.rosters_to_replan(session=session, now=now))
    failed: dict[int, str] = {}
    for roster_id in sorted(rosters.keys() & due):
        # In a savepoint: a re-plan that finds no roster in time must not undo the rest of the tick
        # (escalations, time-outs) nor stop every later tick; it is tried again, then given up.
        try:
            with session.begin_nested():
                new = reoffer.reoffer_declined(
                    session=session, roster_id=roster_id, now=now, params=params, actor="surge"
                )
            done.append(new.id)
        except (DomainError, ProblemError) as error:
            # ProblemError: the pins themselves break a rule now (say, a pinned person fell sick).
            failed[roster_id] = error.code
            audit.record(
                session=session,
                at=now,
                actor="surge",
                action="surge.replan_failed",
                entity="roster",
                entity_id=roster_id,
                detail={"code": error.code, "message": str(error)[:300]},
            )
    for o in pending:
        entries = []
        for p in o.preempted:
            now_published = current_of.get(p.get("roster", -1))
            if not p.get("taken") or p.get("replanned"):
                entries.append(p)
            elif now_published is not None and now_published in failed:
                tries = int(p.get("tries", 0)) + 1
                entries.append(
                    dict(p, tries=tries, error=failed[now_published], replanned=tries >= REPLAN_TRIES)
                )
            else:
                entries.append(dict(p, replanned=True))
        o.preempted = entries
    session.flush()
    return done
