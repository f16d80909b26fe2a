"""Independent roster checker in plain Python: every hard rule and soft goal of README.md, recomputed."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from optimizer.problem import Person, Priority, Problem, Shift
from optimizer.solution import Assignment, PenaltyLine, Solution, SolveStatus

# Deliberately no import of ortools, builder, rules or any eligibility helper: this module is the
# second entry of the double-entry check and must be written from README.md alone.


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What the checker found: broken hard rules (one line each) and the recomputed objective."""

    violations: tuple[str, ...]
    objective: int
    breakdown: tuple[PenaltyLine, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    def points_by_kind(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for line in self.breakdown:
            totals[line.kind] = totals.get(line.kind, 0) + line.points
        return totals


@dataclass(frozen=True, slots=True)
class _Worked:
    """One valid assignment, resolved to its person and shift."""

    person: Person
    shift: Shift
    demand_index: int


def check_roster(problem: Problem, roster: Iterable[Assignment]) -> CheckReport:
    """The checker's verdict and objective for a roster built outside CP-SAT (greedy,
    construct, pattern, join)."""
    return check(problem, Solution(SolveStatus.FEASIBLE, tuple(roster), (), (), 0, 0))


def check(problem: Problem, solution: Solution) -> CheckReport:
    """Check ``solution`` against every hard rule of README.md and recompute its objective."""
    violations: list[str] = []
    worked = _resolve(problem, solution, violations)
    by_person: dict[str, list[_Worked]] = defaultdict(list)
    for w in worked:
        by_person[w.person.id].append(w)
    for w in worked:
        violations.extend(_eligibility(problem, w))
    for person in problem.people:
        shifts = sorted((w.shift for w in by_person.get(person.id, [])), key=lambda s: (s.start, s.end, s.id))
        violations.extend(_overlap(person, shifts))
        violations.extend(_rest(problem, person, shifts))
        violations.extend(_hours(problem, person, shifts))
        violations.extend(_consecutive(problem, person, {s.day for s in shifts}))
        violations.extend(_weekends(problem, person, {s.day for s in shifts}))
        violations.extend(_type_caps(person, shifts))
    violations.extend(_pins(problem, solution))
    violations.extend(_staffing_cap(problem, worked))
    breakdown = tuple(_soft(problem, worked))
    return CheckReport(tuple(violations), sum(line.points for line in breakdown), breakdown)


def _resolve(problem: Problem, solution: Solution, violations: list[str]) -> list[_Worked]:
    """Assignments with known person, known shift and a valid demand line; the rest are violations."""
    people = {p.id: p for p in problem.people}
    shifts = {s.id: s for s in problem.shifts}
    seen: set[tuple[str, str]] = set()
    worked: list[_Worked] = []
    for a in solution.assignments:
        person, shift = people.get(a.person_id), shifts.get(a.shift_id)
        if person is None:
            violations.append(f"eligibility: unknown person {a.person_id} on shift {a.shift_id}")
            continue
        if shift is None:
            violations.append(f"eligibility: person {a.person_id} on unknown shift {a.shift_id}")
            continue
        if (a.person_id, a.shift_id) in seen:
            violations.append(
                f"one_place_at_a_time: person {a.person_id} fills more than one line of shift {a.shift_id} "
                f"(day {shift.day})"
            )
            continue
        seen.add((a.person_id, a.shift_id))
        if not 0 <= a.demand_index < len(shift.demands):
            violations.append(
                f"eligibility: person {a.person_id} on shift {a.shift_id} (day {shift.day}) "
                f"fills demand line {a.demand_index}, which does not exist"
            )
            continue
        worked.append(_Worked(person, shift, a.demand_index))
    return worked


def _eligibility(problem: Problem, w: _Worked) -> Iterator[str]:
    p, s = w.person, w.shift
    where = f"person {p.id} on shift {s.id} (day {s.day})"
    skill = s.demands[w.demand_index].skill
    if skill is not None and not p.skill_valid(skill, s.start):
        yield f"eligibility: {where} lacks skill {skill!r} valid at minute {s.start}"
    if p.available is not None and not any(win.contains(s.start, s.end) for win in p.available):
        yield f"eligibility: {where} is outside every availability window"
    for absence in p.absences:
        if absence.overlaps(s.start, s.end):
            yield f"eligibility: {where} overlaps absence [{absence.start}, {absence.end})"
    roams = skill is not None and skill in p.street_wide_skills
    if (
        p.communities is not None
        and s.community_id is not None
        and s.community_id not in p.communities
        and not roams
    ):
        yield f"eligibility: {where} is in community {s.community_id!r}, outside the person's communities"
    if p.no_night and s.night:
        yield f"eligibility: {where} is a night shift and the person has no_night"
    if p.no_heavy and s.heavy:
        yield f"eligibility: {where} is a heavy shift and the person has no_heavy"
    if p.max_shifts_of_type(s.task_type) == 0:
        yield f"eligibility: {where} has type {s.task_type!r}, which the person may never work"
    for pin in problem.pins:
        if not pin.assigned and pin.person_id == p.id and pin.shift_id == s.id:
            yield f"eligibility: {where} is forbidden by a pin"


def _overlap(person: Person, shifts: list[Shift]) -> Iterator[str]:
    """Shifts sorted by start; any overlap shows up against the earlier shift ending last."""
    latest: Shift | None = None
    for s in shifts:
        if latest is not None and s.start < latest.end:
            yield (
                f"one_place_at_a_time: person {person.id} works overlapping shifts {latest.id} "
                f"(day {latest.day}) and {s.id} (day {s.day})"
            )
        if latest is None or s.end > latest.end:
            latest = s


def _rest(problem: Problem, person: Person, shifts: list[Shift]) -> Iterator[str]:
    rest = problem.rules.min_rest_minutes
    if rest > 0:
        for a in shifts:
            for b in shifts:
                if a is not b and a.end <= b.start and b.start - a.end < rest:
                    yield (
                        f"rest: person {person.id} has {b.start - a.end} min between shift {a.id} "
                        f"(day {a.day}) and {b.id} (day {b.day}) < min_rest_minutes {rest}"
                    )
    cannot_follow: dict[str, list[str]] = defaultdict(list)
    for succession in problem.rules.forbidden_successions:
        cannot_follow[succession.first].append(succession.then)
    worked_types = {(s.day, s.task_type) for s in shifts}
    for day, first in sorted(worked_types):
        for then in cannot_follow[first]:
            if (day + 1, then) in worked_types:
                yield (
                    f"rest: person {person.id} works {first!r} on day {day} and "
                    f"{then!r} on day {day + 1} (forbidden succession)"
                )


def _hours(problem: Problem, person: Person, shifts: list[Shift]) -> Iterator[str]:
    limits = [x for x in (person.max_minutes_per_day, problem.rules.max_minutes_per_day) if x is not None]
    per_day: Counter[int] = Counter()
    per_week: Counter[int] = Counter()
    for s in shifts:
        per_day[s.day] += s.minutes
        per_week[(problem.first_weekday + s.day) // 7] += s.minutes
    if limits:
        cap = min(limits)
        for day, minutes in sorted(per_day.items()):
            if minutes > cap:
                yield f"hours: person {person.id} works {minutes} min on day {day} > max per day {cap}"
    if person.max_minutes_per_week is not None:
        for week, minutes in sorted(per_week.items()):
            if minutes > person.max_minutes_per_week:
                yield (
                    f"hours: person {person.id} works {minutes} min in week {week} "
                    f"> max_minutes_per_week {person.max_minutes_per_week}"
                )
    load = sum(s.minutes for s in shifts)
    top, bottom = person.max_minutes_total, person.min_minutes_total
    if top is not None and load > top:
        yield f"hours: person {person.id} works {load} min in total > max_minutes_total {top}"
    if bottom is not None and load < bottom:
        yield f"hours: person {person.id} works {load} min in total < min_minutes_total {bottom}"


def _runs(flags: list[bool], value: bool) -> Iterator[tuple[int, int]]:
    """(first, last) day of every maximal run of ``value`` in ``flags``."""
    start: int | None = None
    for day, flag in enumerate([*flags, not value]):
        if flag == value and start is None:
            start = day
        elif flag != value and start is not None:
            yield start, day - 1
            start = None


def _consecutive(problem: Problem, person: Person, days: set[int]) -> Iterator[str]:
    last = problem.horizon_days - 1
    # Days outside the horizon count as off; runs are counted inside the horizon only.
    flags = [day in days for day in range(problem.horizon_days)]
    for first, end in _runs(flags, True):
        length = end - first + 1
        if person.max_consecutive_days is not None and length > person.max_consecutive_days:
            yield (
                f"consecutive_days: person {person.id} works days {first}-{end}, a run of {length} "
                f"> max_consecutive_days {person.max_consecutive_days}"
            )
        inner = first != 0 and end != last
        if inner and person.min_consecutive_days is not None and length < person.min_consecutive_days:
            yield (
                f"consecutive_days: person {person.id} works days {first}-{end}, a run of {length} "
                f"< min_consecutive_days {person.min_consecutive_days}"
            )
    if person.min_consecutive_days_off is not None:
        for first, end in _runs(flags, False):
            length = end - first + 1
            if first != 0 and end != last and length < person.min_consecutive_days_off:
                yield (
                    f"consecutive_days: person {person.id} is off days {first}-{end}, a run of {length} "
                    f"< min_consecutive_days_off {person.min_consecutive_days_off}"
                )


def _weekends(problem: Problem, person: Person, days: set[int]) -> Iterator[str]:
    if person.max_weekends is None:
        return
    in_horizon = (d for d in days if 0 <= d < problem.horizon_days)
    weeks = sorted({(problem.first_weekday + d) // 7 for d in in_horizon if problem.is_weekend(d)})
    if len(weeks) > person.max_weekends:
        yield (
            f"weekends: person {person.id} works {len(weeks)} weekends (weeks {weeks}) "
            f"> max_weekends {person.max_weekends}"
        )


def _type_caps(person: Person, shifts: list[Shift]) -> Iterator[str]:
    for task_type, count in sorted(Counter(s.task_type for s in shifts).items()):
        cap = person.max_shifts_of_type(task_type)
        if cap is not None and count > cap:
            yield f"task_type_caps: person {person.id} works {count} shifts of type {task_type!r} > cap {cap}"


def _pins(problem: Problem, solution: Solution) -> Iterator[str]:
    pairs = {(a.person_id, a.shift_id) for a in solution.assignments}
    for pin in problem.pins:
        if pin.assigned and (pin.person_id, pin.shift_id) not in pairs:
            yield f"pins: person {pin.person_id} is pinned to shift {pin.shift_id} but not in the roster"


def _staffing_cap(problem: Problem, worked: list[_Worked]) -> Iterator[str]:
    extra = problem.rules.max_extra_heads
    if extra is None:
        return
    counts = Counter((w.shift.id, w.demand_index) for w in worked)
    for s in problem.shifts:
        for index, demand in enumerate(s.demands):
            if counts[(s.id, index)] > demand.count + extra:
                yield (
                    f"staffing_cap: shift {s.id} (day {s.day}) line {index} has {counts[(s.id, index)]} "
                    f"people > count {demand.count} + max_extra_heads {extra}"
                )


def _soft(problem: Problem, worked: list[_Worked]) -> Iterator[PenaltyLine]:
    """Every non-zero soft term of README.md, in the order of its table."""
    wt = problem.weights
    on_line = Counter((w.shift.id, w.demand_index) for w in worked)
    on_shift: dict[str, list[Person]] = defaultdict(list)
    of_person: dict[str, list[Shift]] = defaultdict(list)
    for w in worked:
        on_shift[w.shift.id].append(w.person)
        of_person[w.person.id].append(w.shift)
    terms: list[tuple[str, str, int, int]] = []  # kind, subject, amount, points per unit

    for s in problem.shifts:
        under = s.under_points(wt)
        over = s.over_points(wt)
        for index, demand in enumerate(s.demands):
            assigned = on_line[(s.id, index)]
            terms.append(("shortfall", s.id, max(0, demand.count - assigned), under))
            terms.append(("overstaff", s.id, max(0, assigned - demand.count), over))
    for s in problem.shifts:
        for need in s.needs:
            lacking = max(0, need.count - sum(1 for p in on_shift[s.id] if need.tag in p.tags))
            weight = wt.party_lead if need.kind == "party_lead" else wt.composition
            terms.append((need.kind, s.id, lacking, weight))
    if problem.previous:
        shift_ids = {s.id for s in problem.shifts}
        before = {(p, s) for p, s in problem.previous if s in shift_ids}
        after = {(w.person.id, w.shift.id) for w in worked}
        changed = Counter(p for p, _ in before ^ after)
        for person_id, cells in sorted(changed.items()):
            terms.append(("change", person_id, cells, wt.change))
    for p in problem.people:
        load = sum(s.minutes for s in of_person[p.id])
        if p.fair_share_minutes is not None:
            terms.append(("fairness", p.id, _hours_up(load - p.fair_share_minutes), wt.fairness_per_hour))
        if p.quota_minutes_due > 0:
            terms.append(("quota", p.id, _hours_up(p.quota_minutes_due - load), wt.quota_per_hour))
    of_person_day: dict[tuple[str, int], list[Shift]] = defaultdict(list)
    for w in worked:
        of_person_day[(w.person.id, w.shift.day)].append(w.shift)
    for index, r in enumerate(problem.requests):
        # A request by day only looks at that day's shifts; by shift id at all of the person's.
        candidates = (
            of_person[r.person_id]
            if r.shift_id is not None or r.day is None
            else of_person_day[(r.person_id, r.day)]
        )
        matching = [s for s in candidates if _matches(r.shift_id, r.day, r.task_type, s)]
        amount = (0 if matching else 1) if r.wanted else len(matching)
        terms.append(("preference", str(index), amount, r.weight * wt.preference))
    for p in problem.people:
        mine = of_person[p.id]
        if p.recent_grids:
            away = sum(1 for s in mine if s.grid_id not in p.recent_grids)
            terms.append(("continuity", p.id, away, wt.continuity))
        if p.home_grid is not None:
            levels = sum(_distance(p, s) for s in mine)
            terms.append(("distance", p.id, levels, wt.distance_per_level))
        permille = sum(p.no_show_permille for s in mine if s.priority >= Priority.HIGH_RISK)
        terms.append(("reliability", p.id, permille, wt.reliability))

    for kind, subject, amount, unit in terms:
        if amount * unit != 0:
            yield PenaltyLine(kind, subject, amount, amount * unit)


def _hours_up(minutes: int) -> int:
    return math.ceil(max(0, minutes) / 60)


def _matches(shift_id: str | None, day: int | None, task_type: str | None, s: Shift) -> bool:
    if shift_id is not None:
        return s.id == shift_id
    return s.day == day and (task_type is None or s.task_type == task_type)


def _distance(p: Person, s: Shift) -> int:
    if s.grid_id == p.home_grid:
        return 0
    if s.community_id == p.home_community:  # literally as README.md says, even when both are None
        return 1
    return 2
