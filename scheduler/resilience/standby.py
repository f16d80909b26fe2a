"""The standby list (备勤) of a roster: per day and community, people not on duty who could step in."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from optimizer.problem import MINUTES_PER_DAY
from optimizer.problem import Person as OptPerson
from scheduler.audit import service as audit
from scheduler.errors import ValidationError
from scheduler.resilience.models import StandbyEntry
from scheduler.rosters import service as rosters
from scheduler.rosters.planning import LIVE, build_problem

# General standby per day and community: this share of the day's heads, rounded up. On top of it,
# one holder of every skill the day's shifts ask for there (the skills that break first).
STANDBY_SHARE = 0.1


def generate_standby(
    *, session: Session, roster_id: int, now: datetime, share: float = STANDBY_SHARE, actor: str = "system"
) -> list[StandbyEntry]:
    """Draw the roster's standby list afresh (replacing any earlier one) and return it.

    Candidates serve the community (home community, or street-wide people), are reachable, are
    available that day and have no assignment that day. The most reliable (fewest no-shows) and
    least loaded this week come first.
    """
    if not 0 <= share <= 1:
        raise ValidationError(
            "bad_share",
            f"备勤比例必须在 0 到 1 之间：{share}",
            f"the share must lie between 0 and 1: {share}",
        )
    roster = rosters.get_roster(session=session, roster_id=roster_id)
    planning = build_problem(session=session, street_id=roster.street_id, week_start=roster.week_start)
    problem, horizon = planning.problem, planning.horizon
    busy: dict[str, set[int]] = defaultdict(set)
    load: dict[str, int] = defaultdict(int)
    for a in roster.assignments:
        s = planning.shifts.get(str(a.shift_id))
        if a.status in LIVE and s is not None:
            busy[str(a.person_id)].add(horizon.day(s.starts_at))
            load[str(a.person_id)] += int((s.ends_at - s.starts_at).total_seconds() // 60)
    heads: dict[tuple[int, str], int] = defaultdict(int)
    skills: dict[tuple[int, str], set[str]] = defaultdict(set)
    for shift in problem.shifts:
        key = (shift.day, shift.community_id or "")
        heads[key] += shift.headcount
        skills[key] |= {d.skill for d in shift.demands if d.skill}
    reachable = {str(p.id) for p in planning.people.values() if p.reachable}
    ranked = sorted(
        (p for p in problem.people if p.id in reachable),
        key=lambda p: (p.no_show_permille, load[p.id], int(p.id)),
    )
    session.execute(delete(StandbyEntry).where(StandbyEntry.roster_id == roster.id))
    entries: list[StandbyEntry] = []
    for day, community in sorted(heads):
        date = roster.week_start + timedelta(days=day)
        taken = {e.person_id for e in entries if e.day == date}
        pool = [
            p
            for p in ranked
            if int(p.id) not in taken and day not in busy[p.id] and _serves(p, community) and _free_on(p, day)
        ]
        picks: list[tuple[OptPerson, str | None]] = []
        for skill in sorted(skills[day, community]):
            holder = next(
                (
                    p
                    for p in pool
                    if p.skill_valid(skill, day * MINUTES_PER_DAY) and all(p is not q for q, _ in picks)
                ),
                None,
            )
            if holder is not None:
                picks.append((holder, skill))
        general = [p for p in pool if all(p is not q for q, _ in picks)]
        picks += [(p, None) for p in general[: math.ceil(share * heads[day, community])]]
        for rank, (p, backs_up) in enumerate(picks, start=1):
            entry = StandbyEntry(
                roster_id=roster.id,
                day=date,
                community_id=int(community),
                person_id=int(p.id),
                rank=rank,
                skill_code=backs_up,
                created_at=now,
            )
            session.add(entry)
            entries.append(entry)
    session.flush()
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="roster.standby",
        entity="roster",
        entity_id=roster.id,
        detail={"entries": len(entries), "share": share},
    )
    return entries


def list_standby(*, session: Session, roster_id: int) -> list[StandbyEntry]:
    rosters.get_roster(session=session, roster_id=roster_id)
    return list(
        session.scalars(
            select(StandbyEntry)
            .where(StandbyEntry.roster_id == roster_id)
            .options(selectinload(StandbyEntry.person), selectinload(StandbyEntry.community))
            .order_by(StandbyEntry.day, StandbyEntry.community_id, StandbyEntry.rank)
        )
    )


def _serves(p: OptPerson, community: str) -> bool:
    return p.communities is None or community in p.communities


def _free_on(p: OptPerson, day: int) -> bool:
    """Available at some time of the day and not absent during any of it."""
    start, end = day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY
    if any(a.start < end and start < a.end for a in p.absences):
        return False
    return p.available is None or any(w.start < end and start < w.end for w in p.available)
