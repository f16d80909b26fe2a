"""A greedy first roster: every hard rule kept, built in well under a second for a whole street.

Why: on a street-sized model CP-SAT can spend its whole time limit in presolve and first-solution
search with two cores and return nothing. A coordinator must always get a roster, so this one is
the warm start (a complete hint) and the fallback. It fills the hardest demand lines first
(priority, then fewest candidates) with the candidate whose load is furthest below their fair
share, checking each hard rule incrementally. People with minimum-work rules (minimum total,
minimum consecutive days or days off) are left out: a greedy cannot promise those, CP-SAT can.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from optimizer.eligibility import Triple, eligible_triples
from optimizer.problem import Person, Problem, Shift
from optimizer.solution import Assignment
from optimizer.windows import overlaps, week_of


@dataclass
class Load:
    """What one person already works in the roster under construction. Public with ``fits``,
    ``take`` and ``line_for``: the resilience check's local repair applies the very same rules."""

    shifts: list[Shift] = field(default_factory=list)
    minutes: int = 0
    by_day: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    by_week: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    days: set[int] = field(default_factory=set)


def has_minimums(p: Person) -> bool:
    return bool(p.min_minutes_total) or bool(p.min_consecutive_days) or bool(p.min_consecutive_days_off)


def fits(problem: Problem, p: Person, load: Load, s: Shift) -> bool:
    rules = problem.rules
    for other in load.shifts:
        if other.id == s.id or overlaps(other.start, other.end, s.start, s.end):
            return False
        gap = s.start - other.end if other.end <= s.start else other.start - s.end
        if gap < rules.min_rest_minutes:
            return False
        first, then = (other, s) if other.day < s.day else (s, other)
        if then.day == first.day + 1 and any(
            f.first == first.task_type and f.then == then.task_type for f in rules.forbidden_successions
        ):
            return False
    caps = [c for c in (p.max_minutes_per_day, rules.max_minutes_per_day) if c is not None]
    if caps and load.by_day[s.day] + s.minutes > min(caps):
        return False
    week = week_of(problem, s.day)
    if p.max_minutes_per_week is not None and load.by_week[week] + s.minutes > p.max_minutes_per_week:
        return False
    if p.max_minutes_total is not None and load.minutes + s.minutes > p.max_minutes_total:
        return False
    type_cap = p.max_shifts_of_type(s.task_type)
    if type_cap is not None and load.by_type[s.task_type] + 1 > type_cap:
        return False
    if s.day not in load.days:
        if p.max_consecutive_days is not None:
            run, d = 1, s.day - 1
            while d in load.days:
                run, d = run + 1, d - 1
            d = s.day + 1
            while d in load.days:
                run, d = run + 1, d + 1
            if run > p.max_consecutive_days:
                return False
        if p.max_weekends is not None and problem.is_weekend(s.day):
            weekends = {week_of(problem, d) for d in load.days if problem.is_weekend(d)}
            if week not in weekends and len(weekends) + 1 > p.max_weekends:
                return False
    return True


def take(problem: Problem, load: Load, s: Shift) -> None:
    load.shifts.append(s)
    load.minutes += s.minutes
    load.by_day[s.day] += s.minutes
    load.by_week[week_of(problem, s.day)] += s.minutes
    load.by_type[s.task_type] += 1
    load.days.add(s.day)


def greedy_roster(problem: Problem, triples: Sequence[Triple] | None = None) -> list[Assignment] | None:
    """A roster that keeps every hard rule, or None when pins or minimum rules make that unsure."""
    if any(has_minimums(p) for p in problem.people):
        return None
    pins = [Assignment(pin.person_id, pin.shift_id, -1) for pin in problem.pins if pin.assigned]
    return _fill(problem, pins, pins_only=True, triples=triples)


def extend_roster(
    problem: Problem, roster: list[Assignment], triples: Sequence[Triple] | None = None
) -> list[Assignment]:
    """``roster`` (which keeps every hard rule) plus whatever more the greedy can fill with the
    people who have no minimum-work rules (one more day could break a minimum run of days off)."""
    return _fill(problem, roster, pins_only=False, triples=triples) or list(roster)


def fill_roster(
    problem: Problem, roster: list[Assignment], triples: Sequence[Triple] | None = None
) -> list[Assignment] | None:
    """``roster`` (complete and valid for the people in it), the pins of everybody else, then the
    greedy's filling with the people who have no minimum-work rules; None when a pin cannot be
    placed."""
    placed = {(a.person_id, a.shift_id) for a in roster}
    pins = [
        Assignment(pin.person_id, pin.shift_id, -1)
        for pin in problem.pins
        if pin.assigned and (pin.person_id, pin.shift_id) not in placed
    ]
    return _fill(problem, [*roster, *pins], pins_only=True, triples=triples)


def previous_roster(problem: Problem, triples: Sequence[Triple] | None = None) -> list[Assignment] | None:
    """When re-planning: the published roster as far as it still keeps every hard rule (pins first,
    then the other previous pairs in time order while the person may still fill a line of the shift
    and it fits their rules), completed by the greedy. A valid roster close to the published one,
    so a re-plan always has an answer even when CP-SAT finds none in time; None as for the greedy."""
    if any(has_minimums(p) for p in problem.people):
        return None
    triples = list(eligible_triples(problem)) if triples is None else triples
    may = {(person.id, shift.id) for person, shift, _ in triples}
    kept = repair_roster(
        problem,
        [Assignment(p, s, -1) for p, s in sorted(problem.previous) if (p, s) in may],
        {p.id for p in problem.people},
    )
    return fill_roster(problem, kept, triples)


def repair_roster(problem: Problem, roster: list[Assignment], people: set[str]) -> list[Assignment]:
    """Keep every assignment of people outside ``people``; for those in it, keep pinned ones first,
    then the rest in time order while each still fits their hard rules, and drop the others.

    Used after solving parts in which street-wide people were copied into several parts: each copy
    kept its own rules, so together they may overbook the person.
    """
    pinned = {(pin.person_id, pin.shift_id) for pin in problem.pins if pin.assigned}
    shifts = {s.id: s for s in problem.shifts}
    people_by_id = {p.id: p for p in problem.people}
    kept = [a for a in roster if a.person_id not in people]
    loads: dict[str, Load] = defaultdict(Load)
    mine = sorted(
        (a for a in roster if a.person_id in people),
        key=lambda a: ((a.person_id, a.shift_id) not in pinned, shifts[a.shift_id].start, a.shift_id),
    )
    for a in mine:
        s, load = shifts[a.shift_id], loads[a.person_id]
        if (a.person_id, a.shift_id) in pinned or fits(problem, people_by_id[a.person_id], load, s):
            take(problem, load, s)
            kept.append(a)
    return kept


def line_for(
    s: Shift, p: Person, candidates: dict[tuple[str, int], list[Person]], filled: dict[tuple[str, int], int]
) -> int | None:
    """The first line of ``s`` that ``p`` may fill and that still has room, else the first they may fill."""
    mine = [d for d in range(len(s.demands)) if p in candidates[s.id, d]]
    return next((d for d in mine if filled[s.id, d] < s.demands[d].count), mine[0] if mine else None)


def _fill(
    problem: Problem, start: list[Assignment], *, pins_only: bool, triples: Sequence[Triple] | None = None
) -> list[Assignment] | None:
    """Take ``start`` (demand_index -1: any line the person is eligible for), then fill every
    line left, hardest first. None when a starting pair cannot be placed."""
    people = {p.id: p for p in problem.people}
    candidates: dict[tuple[str, int], list[Person]] = defaultdict(list)
    for person, shift, index in eligible_triples(problem) if triples is None else triples:
        if not has_minimums(person):
            candidates[shift.id, index].append(person)
    shifts = {s.id: s for s in problem.shifts}
    loads: dict[str, Load] = defaultdict(Load)
    filled: dict[tuple[str, int], int] = defaultdict(int)
    out: list[Assignment] = []
    tags_on: dict[str, list[frozenset[str]]] = defaultdict(list)  # shift -> tags of the people on it
    for a in start:
        s, p = shifts[a.shift_id], people[a.person_id]
        line: int | None = a.demand_index if a.demand_index >= 0 else line_for(s, p, candidates, filled)
        if line is None or (pins_only and not fits(problem, p, loads[p.id], s)):
            return None
        take(problem, loads[p.id], s)
        filled[s.id, line] += 1
        tags_on[s.id].append(p.tags)
        out.append(Assignment(p.id, s.id, line))
    lines = [(s, d) for s in problem.shifts for d in range(len(s.demands))]
    lines.sort(
        key=lambda sd: (-int(sd[0].priority), len(candidates[sd[0].id, sd[1]]), sd[0].start, sd[0].id, sd[1])
    )
    for s, d in lines:
        need = s.demands[d].count - filled[s.id, d]
        if need <= 0:
            continue

        for _ in range(need):
            # Recomputed per head: a tag the shift still lacks (党员先锋岗, a professional) comes first.
            lacking = {n.tag for n in s.needs if sum(n.tag in t for t in tags_on[s.id]) < n.count}

            def score(p: Person, lacking: set[str] = lacking, s: Shift = s) -> tuple[int, float, str]:
                share = p.fair_share_minutes or 1
                home = 0 if p.home_grid == s.grid_id else 1
                return (-len(lacking & p.tags), loads[p.id].minutes / share + 0.1 * home, p.id)

            chosen = next(
                (p for p in sorted(candidates[s.id, d], key=score) if fits(problem, p, loads[p.id], s)), None
            )
            if chosen is None:
                break
            take(problem, loads[chosen.id], s)
            tags_on[s.id].append(chosen.tags)
            out.append(Assignment(chosen.id, s.id, d))
    kept = {(pin.person_id, pin.shift_id) for pin in problem.pins if pin.assigned} | problem.previous
    return _eject(problem, out, candidates, kept, loads)


def _eject(
    problem: Problem,
    roster: list[Assignment],
    candidates: dict[tuple[str, int], list[Person]],
    kept: set[tuple[str, str]],
    loads: dict[str, Load],
) -> list[Assignment]:
    """Ejection chains of two links: a line still short gets a person p who fits it once p gives
    up one of their shifts, which a person q takes over as q stands. Where nobody can take it
    over, p still moves when the line p leaves weighs less than the one p fills. ``kept`` pairs
    never move: pins, and when re-planning the published roster (each change is a phone call).
    Each move lowers the weighted shortfall (which outweighs every other goal), so the passes end.

    Why: the greedy fills the hardest lines first, but it cannot see that the person it gave a
    line was the only one who could fill a later one. In a community of the 3,000-person street
    a high-risk line took the one person a normal line needed (weekly hours); moving them and
    giving the high-risk line to another filled both (10,000 points) in 0.15 s, a move CP-SAT's
    search found with one random seed and missed with another.

    ``loads``: each person's load in ``roster`` (the fill's own), kept until the person moves."""
    shifts = {s.id: s for s in problem.shifts}
    filled = Counter((a.shift_id, a.demand_index) for a in roster)
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in roster:
        mine[a.person_id].append(a)

    def load(person: str, without: Assignment | None = None) -> Load:
        if without is None and person in loads:
            return loads[person]
        out = Load()
        for a in mine[person]:
            if a is not without:
                take(problem, out, shifts[a.shift_id])
        if without is None:
            loads[person] = out
        return out

    def weight(s: Shift) -> int:
        return s.under_points(problem.weights)

    def taker(given_up: Assignment) -> Person | None:
        s = shifts[given_up.shift_id]
        line = candidates[s.id, given_up.demand_index]
        return next((q for q in line if q.id != given_up.person_id and fits(problem, q, load(q.id), s)), None)

    def drop(a: Assignment) -> None:
        loads.pop(a.person_id, None)
        mine[a.person_id].remove(a)
        roster.remove(a)
        filled[a.shift_id, a.demand_index] -= 1

    def add(a: Assignment) -> None:
        loads.pop(a.person_id, None)
        mine[a.person_id].append(a)
        roster.append(a)
        filled[a.shift_id, a.demand_index] += 1

    moved = True
    while moved:
        moved = False
        short = [
            (s, d) for s in problem.shifts for d, need in enumerate(s.demands) if filled[s.id, d] < need.count
        ]
        short.sort(key=lambda sd: -weight(sd[0]))
        for s, d in short:
            while filled[s.id, d] < s.demands[d].count:
                best: tuple[int, Assignment, Person | None] | None = None
                for p in candidates[s.id, d]:
                    for a in mine[p.id]:
                        if (p.id, a.shift_id) in kept or not fits(problem, p, load(p.id, a), s):
                            continue
                        q = taker(a)
                        gain = weight(s) - (0 if q else weight(shifts[a.shift_id]))
                        if gain > 0 and (best is None or gain > best[0]):
                            best = (gain, a, q)
                    if best is not None and best[0] == weight(s):
                        break
                if best is None:
                    break
                _, a, q = best
                drop(a)
                add(Assignment(a.person_id, s.id, d))
                if q is not None:
                    add(Assignment(q.id, a.shift_id, a.demand_index))
                moved = True
    return roster
