"""One person's valid working pattern over a long horizon, by dynamic programming over the days.

Why: construct.py rosters the people with minimum-work rules one by one, and each needs a first
valid pattern. Where the minimum and maximum totals leave a narrow window (Curtois 23: 232 to 234
shifts of 364 days, runs of 2 to 5 days, two days off at least, 26 weekends at most), CP-SAT took
1 to 15 s per person to find any pattern, so 100 or 150 people did not fit in 300 s.

How: the person works shifts of one length only, of a set of kinds that may follow each other in
any order. A day is then worked or not, and a pattern is valid when its runs, weekends and count
of shifts are. The days are walked forward keeping, for each state of the current run (worked or
off, its length, whether it began on the first day, whether this weekend is already counted), the
set of reachable (shifts, weekends) pairs as the bits of one integer; then one reachable end is
walked back, preferring to work on the days with open demand. The checker has the last word: a
pattern that breaks a rule this walk does not see (minimum rest, hours per week) is not used, and
construct.py falls back to CP-SAT. Runs touching the first or the last day are exempt from the
minimums, as in rules/consecutive_days.py.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from optimizer.check import check_roster
from optimizer.eligibility import Triple
from optimizer.problem import Person, Problem, Shift
from optimizer.solution import Assignment
from optimizer.windows import too_close, week_of


@dataclass(frozen=True, slots=True)
class _State:
    working: bool
    length: int  # days of the current run (an off run is capped at the minimum days off)
    from_start: bool  # a working run that began on day 0 (exempt from the minimum run)
    weekend_counted: bool  # this weekend is already counted


def valid_pattern(
    problem: Problem, person: Person, triples: Sequence[Triple], gain: Callable[[Shift], int]
) -> list[Assignment] | None:
    """A pattern keeping every hard rule of ``person`` (checked), working where ``gain`` (open
    demand) is positive as far as the rules allow; None when this walk finds none."""
    if any(pin.person_id == person.id and pin.assigned for pin in problem.pins):
        return None  # pinned shifts of other kinds: CP-SAT places them
    line_of: dict[str, int] = {}
    by_day: dict[int, list[Shift]] = defaultdict(list)
    for _, shift, line in triples:
        if shift.id not in line_of:
            line_of[shift.id] = line
            by_day[shift.day].append(shift)
    tried: list[dict[int, Shift]] = []
    for plan in (_by_demand(person, by_day, gain), _compatible(problem, person, by_day, gain)):
        if plan in tried:
            continue
        tried.append(plan)
        days = _walk(problem, person, plan, {d: gain(s) > 0 for d, s in plan.items()})
        if days is None:
            continue
        roster = [Assignment(person.id, plan[d].id, line_of[plan[d].id]) for d in days]
        if not check_roster(problem, roster).violations:
            return roster
    return None


def _by_demand(
    person: Person, by_day: dict[int, list[Shift]], gain: Callable[[Shift], int]
) -> dict[int, Shift]:
    """Each day's shift with the most open demand, within the caps per kind (the days with most
    demand choose first); consecutive days whose kinds may not follow each other are left to the
    walk, which then works only one of them."""
    used: dict[str, int] = defaultdict(int)
    plan: dict[int, Shift] = {}
    ranked = {d: sorted(shifts, key=lambda s: (-gain(s), s.start, s.id)) for d, shifts in by_day.items()}
    for day in sorted(ranked, key=lambda d: (-gain(ranked[d][0]), d)):
        for shift in ranked[day]:
            cap = person.max_shifts_of_type(shift.task_type)
            if cap is None or used[shift.task_type] < cap:
                used[shift.task_type] += 1
                plan[day] = shift
                break
    return plan


def _compatible(
    problem: Problem, person: Person, by_day: dict[int, list[Shift]], gain: Callable[[Shift], int]
) -> dict[int, Shift]:
    """Each day's best shift among kinds that may follow each other (and themselves) in any
    order and whose caps allow a shift every day: the kinds with most open demand first."""
    forbidden = {(f.first, f.then) for f in problem.rules.forbidden_successions}
    demand: dict[str, int] = defaultdict(int)
    for shifts in by_day.values():
        for shift in shifts:
            demand[shift.task_type] += gain(shift)
    kinds: set[str] = set()
    for kind in sorted(demand, key=lambda k: (-demand[k], k)):
        cap = person.max_shifts_of_type(kind)
        if (cap is not None and cap < len(by_day)) or (kind, kind) in forbidden:
            continue
        if all((kind, other) not in forbidden and (other, kind) not in forbidden for other in kinds):
            kinds.add(kind)
    plan: dict[int, Shift] = {}
    for day, shifts in by_day.items():
        mine = [s for s in shifts if s.task_type in kinds]
        if mine:
            plan[day] = min(mine, key=lambda s: (-gain(s), s.start, s.id))
    return plan


def _walk(
    problem: Problem, person: Person, plan: dict[int, Shift], wanted: dict[int, bool]
) -> list[int] | None:
    """The worked days of a valid pattern over ``plan`` (one shift a day): runs, weekends,
    minimum and maximum minutes, and no two consecutive shifts that may not follow each other."""
    if not plan:
        return None
    horizon = problem.horizon_days
    unit = math.gcd(*(s.minutes for s in plan.values())) or 1
    most = sum(s.minutes for s in plan.values()) // unit
    if person.max_minutes_total is not None:
        most = min(most, person.max_minutes_total // unit)
    least = -(-(person.min_minutes_total or 0) // unit)
    if least > most:
        return None
    longest = person.max_consecutive_days or horizon
    min_run = person.min_consecutive_days or 1
    min_off = person.min_consecutive_days_off or 1
    max_weekends = person.max_weekends
    # Bit n * stride + w: n units of minutes worked, w weekends worked (stride leaves one spare w
    # to mask out).
    stride = 1 if max_weekends is None else max_weekends + 2
    row = 1 if max_weekends is None else (1 << (max_weekends + 1)) - 1
    mask = sum(row << (n * stride) for n in range(most + 1))
    forbidden = {(f.first, f.then) for f in problem.rules.forbidden_successions}
    rest = problem.rules.min_rest_minutes
    # Working ``day`` right after working the day before is not allowed.
    clash = {
        d
        for d, s in plan.items()
        if (prior := plan.get(d - 1)) is not None
        and ((prior.task_type, s.task_type) in forbidden or too_close(prior, s, rest))
    }

    # Per day: a weekend day that counts (weekends capped), and one whose weekend began the day before.
    weekend = [max_weekends is not None and problem.is_weekend(d) for d in range(horizon)]
    same_weekend = [
        weekend[d] and d > 0 and weekend[d - 1] and week_of(problem, d - 1) == week_of(problem, d)
        for d in range(horizon)
    ]

    def step(state: _State, day: int, work: bool) -> tuple[_State, int] | None:
        """The next state after ``day`` is worked or not, and the bit shift; None: not allowed."""
        counted = state.weekend_counted and same_weekend[day]
        if work:
            if state.working:
                if state.length >= longest or day in clash:
                    return None
                nxt = _State(True, state.length + 1, state.from_start, weekend[day])
            else:
                if state.length < min_off:
                    return None
                nxt = _State(True, 1, day == 0, weekend[day])
            return nxt, plan[day].minutes // unit * stride + (1 if weekend[day] and not counted else 0)
        if state.working:
            if state.length < min_run and not state.from_start:
                return None
            return _State(False, 1, False, counted), 0
        return _State(False, min(state.length + 1, min_off), False, counted), 0

    start = _State(False, min_off, False, False)  # as if enough days off before the horizon
    layers: list[dict[_State, int]] = []
    current = {start: 1}
    for day in range(horizon):
        nxt: dict[_State, int] = defaultdict(int)
        for state, bits in current.items():
            for work in (True, False) if day in plan else (False,):
                moved = step(state, day, work)
                if moved is not None:
                    new_bits = (bits << moved[1]) & mask
                    if new_bits:
                        nxt[moved[0]] |= new_bits
        layers.append(dict(nxt))
        current = layers[-1]
    # The end: the most minutes the walk reaches (more cover), at least ``least``, in a state
    # that matches the wish for the last day where one does.
    ends = []
    for state, bits in current.items():
        position = bits.bit_length() - 1
        if position // stride >= least:
            ends.append(
                (-(position // stride), state.working != wanted.get(horizon - 1, False), position, state)
            )
    if not ends:
        return None
    _, _, position, state = min(ends, key=lambda e: e[:3])
    # The run that best matches the wishes ending on each day: as long as the streak of days
    # with (or without) open demand ending there.
    streak = [0] * horizon
    for day in range(horizon):
        same = day > 0 and wanted.get(day - 1, False) == wanted.get(day, False)
        streak[day] = streak[day - 1] + 1 if same else 1
    worked: list[int] = []
    for day in range(horizon - 1, -1, -1):
        if state.working:
            worked.append(day)
        if day == 0:
            break
        # A state before this day that leads here, the one matching the wish for that day first.
        options = []
        for before, bits in layers[day - 1].items():
            moved = step(before, day, state.working)
            if moved is None or moved[0] != state:
                continue
            back = position - moved[1]
            if back >= 0 and bits >> back & 1:
                miss = before.working != wanted.get(day - 1, False)
                off_by = abs(before.length - (streak[day - 1] if not miss else 1))
                options.append((miss, off_by, before, back))
        if not options:
            return None  # cannot happen: every reached state has a predecessor
        _, _, state, position = min(options, key=lambda o: (o[0], o[1]))
    return sorted(worked)
