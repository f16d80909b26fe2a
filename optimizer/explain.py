"""Why a demand line is short: reasons and suggestions from the data and the roster, never from
solver internals (qualified → fit → available → free)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from optimizer.eligibility import Barrier, barrier, declined_pairs
from optimizer.problem import MINUTES_PER_DAY, Person, Problem, Shift
from optimizer.solution import Assignment, Suggestion, Unmet, UnmetReason
from optimizer.windows import overlaps, too_close, week_of

BUSY = "one_place_at_a_time"


def explain(problem: Problem, assignments: Iterable[Assignment]) -> tuple[Unmet, ...]:
    """One Unmet per demand line with fewer people than its count."""
    shifts = {s.id: s for s in problem.shifts}
    roster: dict[str, list[Shift]] = defaultdict(list)
    filled: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in assignments:
        roster[a.person_id].append(shifts[a.shift_id])
        filled[a.shift_id, a.demand_index].add(a.person_id)
    short = [
        (shift, line, filled[shift.id, line])
        for shift in problem.shifts
        for line, demand in enumerate(shift.demands)
        if demand.count > len(filled[shift.id, line])
    ]
    if not short:
        return ()
    declined = declined_pairs(problem)
    longest = max(s.minutes for s in problem.shifts)
    reach = 1 + (longest + problem.rules.min_rest_minutes) // MINUTES_PER_DAY
    loads = {p.id: Load.of(problem, roster.get(p.id, []), reach) for p in problem.people}
    return tuple(_explain_line(problem, s, line, on, declined, loads) for s, line, on in short)


def _explain_line(
    problem: Problem,
    shift: Shift,
    line: int,
    on_line: set[str],
    declined: frozenset[tuple[str, str]],
    loads: dict[str, Load],
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
            rule = blocker(problem, p, shift, loads[p.id])
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


@dataclass
class Load:
    """One person's roster, indexed so that each question about one more shift looks only at
    the days around it (Curtois 23: 4,500 short lines × 100 people, each with 233 shifts over
    364 days, took 24 s when every question rescanned the whole roster and horizon)."""

    by_day: dict[int, list[Shift]]
    minutes: int
    week_minutes: Counter[int]
    weekends: set[int]  # weeks whose weekend the person works
    kinds: Counter[str]
    reach: int  # days either side where a shift can clash with one of this day (length + rest)

    @classmethod
    def of(cls, problem: Problem, shifts: Sequence[Shift], reach: int) -> Load:
        by_day: dict[int, list[Shift]] = defaultdict(list)
        week_minutes: Counter[int] = Counter()
        for s in shifts:
            by_day[s.day].append(s)
            week_minutes[week_of(problem, s.day)] += s.minutes
        return cls(
            by_day,
            sum(s.minutes for s in shifts),
            week_minutes,
            {week_of(problem, s.day) for s in shifts if problem.is_weekend(s.day)},
            Counter(s.task_type for s in shifts),
            reach,
        )

    def near(self, day: int) -> list[Shift]:
        return [s for d in range(day - self.reach, day + self.reach + 1) for s in self.by_day.get(d, ())]

    def works(self, day: int) -> bool:
        return bool(self.by_day.get(day))


def blocker(problem: Problem, person: Person, shift: Shift, load: Load) -> str | None:
    """The first rule that keeps ``person`` (eligible) off ``shift`` given their roster ``load``."""
    near = load.near(shift.day)
    if any(overlaps(s.start, s.end, shift.start, shift.end) for s in near):
        return BUSY
    rules = problem.rules
    if any(too_close(s, shift, rules.min_rest_minutes) for s in near):
        return "rest"
    pairs = [(s.task_type, shift.task_type) for s in load.by_day.get(shift.day - 1, ())]
    pairs += [(shift.task_type, s.task_type) for s in load.by_day.get(shift.day + 1, ())]
    if any((f.first, f.then) in pairs for f in rules.forbidden_successions):
        return "rest"
    if _over_hours(problem, person, shift, load):
        return "hours"
    if _breaks_runs(problem, person, load, shift.day):
        return "consecutive_days"
    new_weekend = problem.is_weekend(shift.day) and week_of(problem, shift.day) not in load.weekends
    if person.max_weekends is not None and new_weekend and len(load.weekends) + 1 > person.max_weekends:
        return "weekends"
    cap = person.max_shifts_of_type(shift.task_type)
    if cap is not None and load.kinds[shift.task_type] + 1 > cap:
        return "task_type_caps"
    return None


def _over_hours(problem: Problem, person: Person, shift: Shift, load: Load) -> bool:
    caps = [c for c in (person.max_minutes_per_day, problem.rules.max_minutes_per_day) if c is not None]
    if caps and sum(s.minutes for s in load.by_day.get(shift.day, ())) + shift.minutes > min(caps):
        return True
    in_week = load.week_minutes[week_of(problem, shift.day)] + shift.minutes
    if person.max_minutes_per_week is not None and in_week > person.max_minutes_per_week:
        return True
    return person.max_minutes_total is not None and load.minutes + shift.minutes > person.max_minutes_total


def _violations(person: Person, runs: Iterable[tuple[bool, int, int]], horizon: int) -> int:
    count = 0
    for flag, first, last in runs:
        length, inner = last - first + 1, first != 0 and last != horizon - 1
        limit = person.min_consecutive_days if flag else person.min_consecutive_days_off
        if flag and person.max_consecutive_days is not None and length > person.max_consecutive_days:
            count += 1
        if inner and limit is not None and length < limit:
            count += 1
    return count


def _breaks_runs(problem: Problem, person: Person, load: Load, day: int) -> bool:
    """Working ``day`` too breaks a max run, or leaves a too-short inner run that was not there.
    Only the runs touching the day change: the days off around it and the working runs either side."""
    if load.works(day):
        return False
    horizon = problem.horizon_days
    first, last = day, day  # the run of days off holding ``day``
    while first > 0 and not load.works(first - 1):
        first -= 1
    while last < horizon - 1 and not load.works(last + 1):
        last += 1
    left, right = first, last  # the working runs either side: left..first-1 and last+1..right
    while left > 0 and load.works(left - 1):
        left -= 1
    while right < horizon - 1 and load.works(right + 1):
        right += 1
    before = [(False, first, last)]
    if left < first:
        before.append((True, left, first - 1))
    if last < right:
        before.append((True, last + 1, right))
    after = [(True, left if day == first else day, right if day == last else day)]
    if first < day:
        after += [(False, first, day - 1)] + ([(True, left, first - 1)] if left < first else [])
    if day < last:
        after += [(False, day + 1, last)] + ([(True, last + 1, right)] if last < right else [])
    return _violations(person, after, horizon) > _violations(person, before, horizon)
