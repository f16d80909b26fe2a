"""Rows -> optimizer.Problem, and optimizer.Solution -> rows (STYLE rule 4).

The optimizer sees integer minutes from the horizon start (local midnight of the week's Monday),
string ids and frozensets. All time-zone work happens here.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from optimizer.eligibility import declined_pairs, may_fill
from optimizer.problem import (
    CompositionNeed,
    Demand,
    Pin,
    Request,
    Rules,
    Window,
)
from optimizer.problem import Person as OptPerson
from optimizer.problem import Priority as OptPriority
from optimizer.problem import Problem as OptProblem
from optimizer.problem import Shift as OptShift
from optimizer.problem import Skill as OptSkill
from scheduler.availability.models import AvailabilityException, ExceptionKind, Preference, WeeklyWindow
from scheduler.clock import local_midnight, local_zone
from scheduler.people.models import Category, Person, Skill
from scheduler.rosters.models import Assignment, AssignmentStatus, Priority, Roster, RosterStatus, Shift
from scheduler.territory.models import Community, Grid

HORIZON_DAYS = 7
PRIORITY = {
    Priority.NORMAL: OptPriority.NORMAL,
    Priority.HIGH_RISK: OptPriority.HIGH_RISK,
    Priority.EMERGENCY: OptPriority.EMERGENCY,
}
# Assignments still standing in a roster (declined and no-show ones are history, not work).
LIVE = (
    AssignmentStatus.PROPOSED,
    AssignmentStatus.OFFERED,
    AssignmentStatus.CONFIRMED,
    AssignmentStatus.COMPLETED,
)
FIXED = (AssignmentStatus.CONFIRMED, AssignmentStatus.COMPLETED)
# Full-time grid workers are employees: labour rules cap their consecutive working days.
MAX_CONSECUTIVE_DAYS = {Category.GRID_FULL_TIME: 6, Category.GRID_PART_TIME: 5}


@dataclass(frozen=True)
class PlanningRules:
    """Street-wide rule parameters, from the environment (documented in the README)."""

    night_start: time = time(22, 0)
    night_end: time = time(6, 0)
    min_rest_minutes: int = 30
    max_minutes_per_day: int = 600

    @classmethod
    def from_env(cls) -> PlanningRules:
        return cls(
            min_rest_minutes=int(os.environ.get("GRIDROSTER_MIN_REST_MINUTES", "30")),
            max_minutes_per_day=int(os.environ.get("GRIDROSTER_MAX_HOURS_PER_DAY", "10")) * 60,
        )


@dataclass
class Horizon:
    """The week being planned: its origin and the conversions to and from optimizer minutes."""

    week_start: date
    zone: ZoneInfo
    origin: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.origin = local_midnight(self.week_start, self.zone)

    @property
    def end(self) -> datetime:
        return local_midnight(self.week_start + timedelta(days=HORIZON_DAYS), self.zone)

    def minute(self, at: datetime) -> int:
        return int((at - self.origin).total_seconds() // 60)

    def day(self, at: datetime) -> int:
        return (at.astimezone(self.zone).date() - self.week_start).days

    def at(self, minute: int) -> datetime:
        return self.origin + timedelta(minutes=minute)


@dataclass
class PlanningInput:
    """The problem plus the look-ups needed to turn its solution back into rows."""

    problem: OptProblem
    horizon: Horizon
    shifts: dict[str, Shift]
    people: dict[str, Person]


def street_shifts(*, session: Session, street_id: int, horizon: Horizon) -> list[Shift]:
    stmt = (
        select(Shift)
        .join(Grid, Shift.grid_id == Grid.id)
        .join(Community, Grid.community_id == Community.id)
        .where(
            Community.street_id == street_id,
            Shift.cancelled.is_(False),
            Shift.starts_at >= horizon.origin,
            Shift.starts_at < horizon.end,
        )
        .options(selectinload(Shift.demands), selectinload(Shift.task_type), selectinload(Shift.grid))
        .order_by(Shift.starts_at, Shift.id)
    )
    return list(session.scalars(stmt))


def street_people(*, session: Session, street_id: int) -> list[Person]:
    stmt = (
        select(Person)
        .outerjoin(Grid, Person.home_grid_id == Grid.id)
        .outerjoin(Community, Grid.community_id == Community.id)
        .where(Person.active.is_(True), (Community.street_id == street_id) | Person.home_grid_id.is_(None))
        .options(selectinload(Person.skills), selectinload(Person.home_grid))
        .order_by(Person.id)
    )
    return list(session.scalars(stmt))


def build_problem(
    *,
    session: Session,
    street_id: int,
    week_start: date,
    previous: Roster | None = None,
    rules: PlanningRules | None = None,
    forbid: Iterable[tuple[int, int]] = (),
    exclude_people: frozenset[int] = frozenset(),
) -> PlanningInput:
    """Turn the street's week into an optimizer Problem.

    ``previous`` (a published roster) makes it a re-plan: its confirmed and locked assignments are
    pinned, its declined ones forbidden, and every change to it is penalised. ``forbid`` adds more
    (person_id, shift_id) pairs that must not be assigned. ``exclude_people`` leaves people out of this
    street's week: a partitioned city solve gives each street-less person to one street (scheduler/city).
    """
    rules = rules or PlanningRules.from_env()
    horizon = Horizon(week_start, local_zone())
    shifts = street_shifts(session=session, street_id=street_id, horizon=horizon)
    people = [p for p in street_people(session=session, street_id=street_id) if p.id not in exclude_people]
    person_ids = [p.id for p in people]
    windows = _by_person(session.scalars(select(WeeklyWindow).where(WeeklyWindow.person_id.in_(person_ids))))
    exceptions = _by_person(
        session.scalars(
            select(AvailabilityException).where(
                AvailabilityException.person_id.in_(person_ids),
                AvailabilityException.ends_at > horizon.origin,
                AvailabilityException.starts_at < horizon.end,
            )
        )
    )
    preferences = _by_person(session.scalars(select(Preference).where(Preference.person_id.in_(person_ids))))
    community_of = dict(session.execute(select(Grid.id, Grid.community_id)).all())
    history = _history(session=session, street_id=street_id, week_start=week_start)

    opt_shifts = tuple(_shift(s, horizon, rules, community_of) for s in shifts)
    demand_minutes = sum(s.minutes * s.headcount for s in opt_shifts)
    capacities = {p.id: _capacity(p, windows.get(p.id, []), horizon) for p in people}
    total_capacity = sum(capacities.values()) or 1
    utilisation = min(1.0, demand_minutes / total_capacity)

    opt_people = tuple(
        _person(
            p,
            horizon,
            windows.get(p.id, []),
            exceptions.get(p.id, []),
            community_of,
            history,
            fair_share=math.ceil(utilisation * capacities[p.id]),
        )
        for p in people
    )
    requests = tuple(
        Request(
            person_id=str(pref.person_id),
            weight=pref.weight,
            wanted=pref.wanted,
            day=day,
            task_type=pref.task_type,
        )
        for prefs in preferences.values()
        for pref in prefs
        for day in range(HORIZON_DAYS)
        if pref.weekday is None or (week_start + timedelta(days=day)).weekday() == pref.weekday
    )
    pins: list[Pin] = [Pin(str(p), str(s), assigned=False) for p, s in forbid]
    previous_pairs: frozenset[tuple[str, str]] = frozenset()
    if previous is not None:
        live = [a for a in previous.assignments if a.status in LIVE]
        previous_pairs = frozenset((str(a.person_id), str(a.shift_id)) for a in live)
        pins += [Pin(str(a.person_id), str(a.shift_id)) for a in live if a.status in FIXED or a.locked]
        pins += [
            Pin(str(a.person_id), str(a.shift_id), assigned=False)
            for a in previous.assignments
            if a.status is AssignmentStatus.DECLINED
        ]
    known = frozenset(session.scalars(select(Skill.code)))
    problem = OptProblem(
        people=opt_people,
        shifts=opt_shifts,
        horizon_days=HORIZON_DAYS,
        rules=Rules(min_rest_minutes=rules.min_rest_minutes, max_minutes_per_day=rules.max_minutes_per_day),
        requests=requests,
        pins=tuple(_dedupe(pins)),
        previous=previous_pairs,
        known_skills=known,
        first_weekday=week_start.weekday(),
    )
    return PlanningInput(
        _without_stale_pins(problem), horizon, {str(s.id): s for s in shifts}, {str(p.id): p for p in people}
    )


def _without_stale_pins(problem: OptProblem) -> OptProblem:
    """A confirmed or locked assignment its person may no longer fill (a sickness or leave recorded
    since, a certificate expired, the person left the pool) is not held: the re-plan replaces that
    person, as few other changes as possible, rather than fail on a pin that breaks a rule."""
    people = {p.id: p for p in problem.people}
    shifts = {s.id: s for s in problem.shifts}
    declined = declined_pairs(problem)

    def holds(pin: Pin) -> bool:
        person, shift = people.get(pin.person_id), shifts.get(pin.shift_id)
        if not pin.assigned:
            return True
        if person is None or shift is None:
            return False
        return may_fill(person, shift, declined)

    kept = tuple(pin for pin in problem.pins if holds(pin))
    return problem if len(kept) == len(problem.pins) else replace(problem, pins=kept)


def _dedupe(pins: Sequence[Pin]) -> list[Pin]:
    seen: dict[tuple[str, str], Pin] = {}
    for pin in pins:
        seen.setdefault((pin.person_id, pin.shift_id), pin)
    return list(seen.values())


T = TypeVar("T", WeeklyWindow, AvailabilityException, Preference)


def _by_person(rows: Iterable[T]) -> dict[int, list[T]]:
    out: dict[int, list[T]] = defaultdict(list)
    for row in rows:
        out[row.person_id].append(row)
    return out


def _shift(s: Shift, horizon: Horizon, rules: PlanningRules, community_of: dict[int, int]) -> OptShift:
    needs: list[CompositionNeed] = []
    if s.needs_party_lead:
        needs.append(CompositionNeed("party_member", 1, "party_lead"))
    if s.needs_professional:
        needs.append(CompositionNeed("professional", 1, "composition"))
    return OptShift(
        id=str(s.id),
        start=horizon.minute(s.starts_at),
        end=horizon.minute(s.ends_at),
        day=horizon.day(s.starts_at),
        demands=tuple(Demand(d.count, d.skill.code if d.skill else None) for d in s.demands),
        task_type=s.task_type.code,
        grid_id=str(s.grid_id),
        community_id=str(community_of[s.grid_id]),
        priority=PRIORITY[s.priority],
        needs=tuple(needs),
        night=_is_night(s, horizon.zone, rules),
        heavy=s.task_type.heavy,
    )


def _is_night(s: Shift, zone: ZoneInfo, rules: PlanningRules) -> bool:
    """Does the shift touch the night window (22:00–06:00 by default) on any local day?"""
    start, end = s.starts_at.astimezone(zone), s.ends_at.astimezone(zone)
    day = start.date() - timedelta(days=1)
    while day <= end.date():
        night_from = datetime.combine(day, rules.night_start, zone)
        night_to = datetime.combine(day + timedelta(days=1), rules.night_end, zone)
        if night_from < end and start < night_to:
            return True
        day += timedelta(days=1)
    return False


def weekly_windows(rows: Sequence[WeeklyWindow], horizon: Horizon) -> list[Window]:
    """Expand weekly windows over the horizon (and the evening before it, for overnight ones)."""
    out: list[Window] = []
    for offset in range(-1, HORIZON_DAYS):
        day = horizon.week_start + timedelta(days=offset)
        for w in rows:
            if w.weekday != day.weekday():
                continue
            start = datetime.combine(day, w.start, horizon.zone)
            end_day = day if w.end > w.start else day + timedelta(days=1)
            end = datetime.combine(end_day, w.end, horizon.zone)
            lo, hi = max(horizon.minute(start), 0), min(horizon.minute(end), HORIZON_DAYS * 1440)
            if lo < hi:
                out.append(Window(lo, hi))
    return merge_windows(out)


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    merged: list[Window] = []
    for w in sorted(windows, key=lambda w: (w.start, w.end)):
        if merged and w.start <= merged[-1].end:
            merged[-1] = Window(merged[-1].start, max(merged[-1].end, w.end))
        else:
            merged.append(w)
    return merged


def _capacity(p: Person, rows: Sequence[WeeklyWindow], horizon: Horizon) -> int:
    available = sum(w.end - w.start for w in weekly_windows(rows, horizon)) if rows else HORIZON_DAYS * 8 * 60
    cap = p.max_hours_per_week * 60 if p.max_hours_per_week is not None else available
    return min(available, cap)


@dataclass
class History:
    recent_grids: dict[int, set[str]]
    minutes_this_month: dict[int, int]
    no_show_permille: dict[int, int]
    weeks_left_in_month: int


def _history(*, session: Session, street_id: int, week_start: date) -> History:
    """What past published rosters say: recent grids (人在格中走), service this month, no-shows."""
    since = week_start - timedelta(days=28)
    month_start = week_start.replace(day=1)
    rows = session.execute(
        select(Assignment.person_id, Assignment.status, Shift.grid_id, Shift.starts_at, Shift.ends_at)
        .join(Roster, Assignment.roster_id == Roster.id)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(
            Roster.status == RosterStatus.PUBLISHED,
            Roster.week_start >= since,
            Roster.week_start < week_start,
        )
    ).all()
    recent: dict[int, set[str]] = defaultdict(set)
    served: dict[int, int] = defaultdict(int)
    done: dict[int, int] = defaultdict(int)
    missed: dict[int, int] = defaultdict(int)
    zone = local_zone()
    for person_id, status, grid_id, starts_at, ends_at in rows:
        if status in LIVE:
            recent[person_id].add(str(grid_id))
        if status in FIXED and starts_at.astimezone(zone).date() >= month_start:
            served[person_id] += int((ends_at - starts_at).total_seconds() // 60)
        if status is AssignmentStatus.COMPLETED:
            done[person_id] += 1
        elif status is AssignmentStatus.NO_SHOW:
            missed[person_id] += 1
    permille = {p: 1000 * missed[p] // (missed[p] + done[p]) for p in missed}
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    weeks_left = max(1, math.ceil((next_month - week_start).days / 7))
    return History(recent, served, permille, weeks_left)


def _person(
    p: Person,
    horizon: Horizon,
    windows: Sequence[WeeklyWindow],
    exceptions: Sequence[AvailabilityException],
    community_of: dict[int, int],
    history: History,
    fair_share: int,
) -> OptPerson:
    tags = {"party_member"} if p.is_party_member else set()
    if p.category is Category.PROFESSIONAL:
        tags.add("professional")
    if p.experienced:
        tags.add("experienced")
    extra = [
        Window(horizon.minute(e.starts_at), horizon.minute(e.ends_at))
        for e in exceptions
        if e.kind is ExceptionKind.EXTRA
    ]
    absences = tuple(
        Window(max(0, horizon.minute(e.starts_at)), min(HORIZON_DAYS * 1440, horizon.minute(e.ends_at)))
        for e in exceptions
        if e.kind is not ExceptionKind.EXTRA
    )
    available = tuple(merge_windows(weekly_windows(windows, horizon) + extra)) if windows or extra else None
    quota_due = 0
    if p.category is Category.PARTY_IN_SERVICE and p.monthly_quota_hours:
        remaining = max(0, p.monthly_quota_hours * 60 - history.minutes_this_month.get(p.id, 0))
        quota_due = math.ceil(remaining / history.weeks_left_in_month)
    return OptPerson(
        id=str(p.id),
        category=p.category.value,
        tags=frozenset(tags),
        skills=tuple(
            OptSkill(
                ps.skill.code,
                None
                if ps.valid_until is None
                else horizon.minute(local_midnight(ps.valid_until + timedelta(days=1), horizon.zone)) - 1,
            )
            for ps in p.skills
        ),
        home_grid=None if p.home_grid_id is None else str(p.home_grid_id),
        home_community=None if p.home_grid_id is None else str(community_of[p.home_grid_id]),
        # Territory: people serve their home community (人在格中走); the street's scarce professionals
        # serve it too, and the whole street for what only they can do (their certified skills).
        # People without a home grid serve the whole street.
        communities=None if p.home_grid_id is None else frozenset({str(community_of[p.home_grid_id])}),
        street_wide_skills=frozenset(ps.skill.code for ps in p.skills)
        if p.category is Category.PROFESSIONAL
        else frozenset(),
        available=available,
        absences=absences,
        no_night=p.no_night,
        no_heavy=p.no_heavy,
        max_minutes_per_week=None if p.max_hours_per_week is None else p.max_hours_per_week * 60,
        max_consecutive_days=MAX_CONSECUTIVE_DAYS.get(p.category),
        quota_minutes_due=quota_due,
        recent_grids=frozenset(history.recent_grids.get(p.id, set())),
        no_show_permille=history.no_show_permille.get(p.id, 0),
        fair_share_minutes=fair_share,
    )
