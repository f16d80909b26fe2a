"""Why a demand line is short: reasons and suggestions from the data and the roster, never from
solver internals (qualified → fit → available → free)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from optimizer.eligibility import Barrier, barrier, declined_pairs
from optimizer.problem import Person, Problem, Shift
from optimizer.solution import Assignment, Suggestion, Unmet, UnmetReason
from optimizer.windows import overlaps, too_close, week_of, weekend_days

BUSY = "one_place_at_a_time"


def explain(problem: Problem, assignments: Iterable[Assignment]) -> tuple[Unmet, ...]:
    """One Unmet per demand line with fewer people than its count."""
    shifts = {s.id: s for s in problem.shifts}
    roster: dict[str, list[Shift]] = defaultdict(list)
    filled: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in assignments:
        roster[a.person_id].append(shifts[a.shift_id])
        filled[a.shift_id, a.demand_index].add(a.person_id)
    declined = declined_pairs(problem)
    unmet = []
    for shift in problem.shifts:
        for line, demand in enumerate(shift.demands):
            on_line = filled[shift.id, line]
            if demand.count > len(on_line):
                unmet.append(_explain_line(problem, shift, line, on_line, roster, declined))
    return tuple(unmet)


def _explain_line(
    problem: Problem,
    shift: Shift,
    line: int,
    on_line: set[str],
    roster: dict[str, list[Shift]],
    declined: frozenset[tuple[str, str]],
) -> Unmet:
    skill, missing = shift.demands[line].skill, shift.demands[line].count - len(on_line)
    barriers = {p.id: barrier(p, shift, line, declined) for p in problem.people}
    qualified = sum(1 for b in barriers.values() if b != Barrier.SKILL)
    fit = sum(1 for b in barriers.values() if b not in (Barrier.SKILL, Barrier.FITNESS))
    available = [p for p in problem.people if barriers[p.id] is None]
    blocked: list[tuple[str, str]] = []
    free: list[str] = []
    for p in available:
        if p.id not in on_line:
            rule = blocker(problem, p, shift, roster[p.id])
            if rule is None:
                free.append(p.id)
            else:
                blocked.append((p.id, rule))
    rules = Counter(rule for _, rule in blocked)
    if qualified == 0:
        reason = UnmetReason.NO_SKILL
    elif fit == 0:
        reason = UnmetReason.NOT_ELIGIBLE
    elif not available:
        reason = UnmetReason.UNAVAILABLE
    elif free or not blocked:
        reason = UnmetReason.TOO_FEW
    elif set(rules) == {BUSY}:
        reason = UnmetReason.BUSY
    elif BUSY not in rules:
        reason = UnmetReason.AT_LIMIT
    else:
        reason = UnmetReason.TOO_FEW
    limits = [(rule, n) for rule, n in rules.most_common() if rule != BUSY]
    if limits and reason in (UnmetReason.AT_LIMIT, UnmetReason.TOO_FEW):
        rule = limits[0][0]
        people = tuple(p for p, r in blocked if r == rule)
        suggestion = Suggestion(
            min(missing, len(people)), skill, shift.start, shift.end, rule=rule, people=people
        )
    else:
        suggestion = Suggestion(missing, skill, shift.start, shift.end)
    return Unmet(
        shift.id, missing, reason, skill, line, qualified, len(available), tuple(blocked), suggestion
    )


def blocker(problem: Problem, person: Person, shift: Shift, mine: Sequence[Shift]) -> str | None:
    """The first rule that keeps ``person`` (eligible) off ``shift`` given their roster ``mine``."""
    if any(overlaps(s.start, s.end, shift.start, shift.end) for s in mine):
        return BUSY
    rules = problem.rules
    if any(too_close(s, shift, rules.min_rest_minutes) for s in mine):
        return "rest"
    pairs = [(s.task_type, shift.task_type) for s in mine if s.day == shift.day - 1]
    pairs += [(shift.task_type, s.task_type) for s in mine if s.day == shift.day + 1]
    if any((f.first, f.then) in pairs for f in rules.forbidden_successions):
        return "rest"
    after = [*mine, shift]
    if _over_hours(problem, person, shift, after):
        return "hours"
    if _breaks_runs(problem, person, {s.day for s in mine}, {s.day for s in after}):
        return "consecutive_days"
    if person.max_weekends is not None:
        weekends = weekend_days(problem)
        worked = {w for w, days in weekends.items() if any(s.day in days for s in after)}
        if len(worked) > person.max_weekends:
            return "weekends"
    cap = person.max_shifts_of_type(shift.task_type)
    if cap is not None and sum(1 for s in after if s.task_type == shift.task_type) > cap:
        return "task_type_caps"
    return None


def _over_hours(problem: Problem, person: Person, shift: Shift, after: Sequence[Shift]) -> bool:
    caps = [c for c in (person.max_minutes_per_day, problem.rules.max_minutes_per_day) if c is not None]
    if caps and sum(s.minutes for s in after if s.day == shift.day) > min(caps):
        return True
    week = week_of(problem, shift.day)
    in_week = sum(s.minutes for s in after if week_of(problem, s.day) == week)
    if person.max_minutes_per_week is not None and in_week > person.max_minutes_per_week:
        return True
    return person.max_minutes_total is not None and sum(s.minutes for s in after) > person.max_minutes_total


def _runs(worked: set[int], horizon: int) -> list[tuple[bool, int, int]]:
    """(working?, first day, last day) of each maximal run inside the horizon."""
    runs: list[tuple[bool, int, int]] = []
    for day in range(horizon):
        flag = day in worked
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1], day)
        else:
            runs.append((flag, day, day))
    return runs


def _violations(person: Person, worked: set[int], horizon: int) -> int:
    count = 0
    for flag, first, last in _runs(worked, horizon):
        length, inner = last - first + 1, first != 0 and last != horizon - 1
        limit = person.min_consecutive_days if flag else person.min_consecutive_days_off
        if flag and person.max_consecutive_days is not None and length > person.max_consecutive_days:
            count += 1
        if inner and limit is not None and length < limit:
            count += 1
    return count


def _breaks_runs(problem: Problem, person: Person, before: set[int], after: set[int]) -> bool:
    """Adding the day breaks a max run, or leaves a too-short inner run that was not there."""
    horizon = problem.horizon_days
    return _violations(person, after, horizon) > _violations(person, before, horizon)
