"""Sudden loss of people, simulated on the optimizer's plain problem: remove, repair greedily, count.

Each scenario removes a share of the pool at random, keeps everyone else's assignments (pins) and
lets the optimizer's greedy repair fill what it can from who is left; then coverage is counted per
grid and per skill, and the people a standby list would need to close the new gaps are counted.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from optimizer.greedy import greedy_roster
from optimizer.problem import Person, Pin, Problem, Shift, Skill
from optimizer.solution import Assignment

ANY = "*"  # a demand line without a skill: anyone eligible
Line = tuple[str, int]  # (shift id, demand line)


@dataclass
class Outcome:
    """One repaired scenario: heads filled on each demand line."""

    filled: dict[Line, int]
    fallback: bool = False  # the pinned roster did not fit the greedy's checks: re-planned without pins


@dataclass
class Tally:
    """Sums over scenarios, per grid or per skill: required heads and filled heads."""

    required: int = 0
    filled: float = 0.0
    scenarios: int = 0

    @property
    def coverage(self) -> float:
        return 1.0 if self.required == 0 else self.filled / (self.required * max(1, self.scenarios))


@dataclass
class RateOutcome:
    rate: float  # percent
    removed: int  # people removed in each scenario
    scenarios: int
    exact: bool  # every combination was simulated (the expectation is exact, not sampled)
    coverage: float  # expected filled / required after repair
    worst: float  # lowest coverage of any scenario
    coverage_without_repair: float  # expected, keeping only the people left (no re-planning)
    by_grid: dict[str, float]
    by_skill: dict[str, float]
    standby: dict[str, int]  # skill (ANY: none) -> people to hold in standby
    restored: float  # share of scenarios that this standby brings back to the baseline
    fallbacks: int = 0


@dataclass
class Simulation:
    people: int
    required: int
    roster_filled: int  # heads the roster itself fills
    baseline_filled: int  # after a greedy repair with nobody lost (the reference for "restored")
    rates: list[RateOutcome] = field(default_factory=list)


def lines_of(problem: Problem) -> dict[Line, int]:
    return {(s.id, i): d.count for s in problem.shifts for i, d in enumerate(s.demands)}


def repair(problem: Problem, keep: Sequence[tuple[str, str]], extra: Sequence[Person] = ()) -> Outcome:
    """Pin ``keep`` (person, shift) pairs, add ``extra`` people, fill the rest greedily.

    The problem's own "not assigned" pins (declines) stay: nobody is put back on a shift they refused.
    """
    forbidden = tuple(pin for pin in problem.pins if not pin.assigned)
    reduced = replace(
        problem,
        people=problem.people + tuple(extra),
        pins=forbidden + tuple(Pin(p, s) for p, s in keep),
        previous=frozenset(),
        requests=(),
    )
    result = greedy_roster(reduced)
    fallback = result is None
    if result is None:
        result = greedy_roster(replace(reduced, pins=forbidden)) or []
    return Outcome(_count(result), fallback)


def _count(assignments: list[Assignment]) -> dict[Line, int]:
    filled: dict[Line, int] = defaultdict(int)
    for a in assignments:
        filled[a.shift_id, a.demand_index] += 1
    return filled


def removals(
    people: Sequence[str], k: int, samples: int, rng: random.Random
) -> tuple[bool, Iterator[frozenset[str]]]:
    """Every k-subset when there are at most ``samples`` of them (exact), else ``samples`` random ones."""
    if math.comb(len(people), k) <= samples:
        return True, (frozenset(c) for c in itertools.combinations(people, k))
    return False, (frozenset(rng.sample(list(people), k)) for _ in range(samples))


def standby_people(problem: Problem, need: dict[tuple[str | None, str], int]) -> list[Person]:
    """Virtual standby people: ``need[(community, skill)]`` of each, free all week, serving that community."""
    out = []
    for (community, skill), n in sorted(need.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        for i in range(n):
            out.append(
                Person(
                    id=f"standby:{community}:{skill}:{i}",
                    category="volunteer",
                    skills=() if skill == ANY else (Skill(skill),),
                    home_community=community,
                    communities=None if community is None else frozenset({community}),
                )
            )
    return out


def peak_gaps(problem: Problem, gaps: dict[Line, int]) -> dict[tuple[str | None, str], int]:
    """People needed at once per (community, skill): the most gap heads that overlap in time."""
    events: dict[tuple[str | None, str], list[tuple[int, int]]] = defaultdict(list)
    shifts = {s.id: s for s in problem.shifts}
    for (shift_id, line), n in gaps.items():
        if n <= 0:
            continue
        s = shifts[shift_id]
        key = (s.community_id, s.demands[line].skill or ANY)
        events[key] += [(s.start, n), (s.end, -n)]
    peaks = {}
    for key, evs in events.items():
        level = peak = 0
        for _, delta in sorted(evs, key=lambda e: (e[0], e[1])):  # ends before starts at the same minute
            level += delta
            peak = max(peak, level)
        peaks[key] = peak
    return peaks


def percentile(values: list[int], share: float) -> int:
    """Nearest-rank percentile: the smallest value at least ``share`` of the values do not exceed."""
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _tally(lines: dict[Line, int], fill: dict[Line, int], key_of: dict[Line, str]) -> dict[str, Tally]:
    out: dict[str, Tally] = defaultdict(Tally)
    for line, count in lines.items():
        t = out[key_of[line]]
        t.required += count
        t.filled += fill.get(line, 0)
        t.scenarios = 1
    return out


def _coverage(tallies: list[dict[str, Tally]]) -> dict[str, float]:
    required: dict[str, int] = {}
    filled: dict[str, float] = defaultdict(float)
    for t in tallies:
        for key, tally in t.items():
            required[key] = tally.required
            filled[key] += tally.filled
    n = max(1, len(tallies))
    return {k: 1.0 if required[k] == 0 else filled[k] / (required[k] * n) for k in sorted(required)}


def simulate(
    problem: Problem,
    roster: Sequence[tuple[str, str]],
    *,
    rates: Sequence[float],
    samples: int,
    seed: int,
    standby_share: float = 0.9,
) -> Simulation:
    """Expected coverage after losing each ``rate`` percent of the pool, and the standby that restores it.

    The standby per (community, skill) is the ``standby_share`` percentile (nearest rank) over the
    scenarios of the most gap heads overlapping in time; ``restored`` says in how many scenarios
    that standby, added as people free all week, lets the greedy repair reach the baseline again.
    """
    lines = lines_of(problem)
    required = sum(lines.values())
    shifts = {s.id: s for s in problem.shifts}
    ids = [p.id for p in problem.people]
    pairs = [(p, s) for p, s in roster if s in shifts and p in set(ids)]
    grid_of = {line: shifts[line[0]].grid_id or "" for line in lines}
    skill_of = {line: shifts[line[0]].demands[line[1]].skill or ANY for line in lines}
    baseline = _clip(repair(problem, pairs).filled, lines)
    result = Simulation(len(ids), required, _pinned(pairs, shifts, set()), sum(baseline.values()))
    for rate in rates:
        k = round(rate / 100 * len(ids))
        exact, scenarios = removals(ids, k, samples, random.Random(f"{seed}:{rate}"))
        runs: list[tuple[frozenset[str], dict[Line, int]]] = []
        covers, unrepaired, fallbacks = [], [], 0
        grids, skills, peaks = [], [], []
        for removed in scenarios:
            keep = [(p, s) for p, s in pairs if p not in removed]
            left = replace(problem, people=tuple(p for p in problem.people if p.id not in removed))
            outcome = repair(left, keep)
            fill = _clip(outcome.filled, lines)
            fallbacks += outcome.fallback
            runs.append((removed, fill))
            covers.append(sum(fill.values()) / required if required else 1.0)
            unrepaired.append(_pinned(keep, shifts, removed) / required if required else 1.0)
            grids.append(_tally(lines, fill, grid_of))
            skills.append(_tally(lines, fill, skill_of))
            peaks.append(peak_gaps(problem, {ln: baseline[ln] - fill[ln] for ln in lines}))
        need = {key: percentile([p.get(key, 0) for p in peaks], standby_share) for key in set().union(*peaks)}
        need = {key: n for key, n in need.items() if n > 0}
        restored = sum(
            _restored(problem, pairs, removed, fill, baseline, lines, need) for removed, fill in runs
        )
        by_skill: dict[str, int] = defaultdict(int)
        for (_, skill), n in need.items():
            by_skill[skill] += n
        result.rates.append(
            RateOutcome(
                rate=rate,
                removed=k,
                scenarios=len(runs),
                exact=exact,
                coverage=_mean(covers),
                worst=min(covers, default=1.0),
                coverage_without_repair=_mean(unrepaired),
                by_grid=_coverage(grids),
                by_skill=_coverage(skills),
                standby=dict(sorted(by_skill.items())),
                restored=restored / len(runs) if runs else 1.0,
                fallbacks=fallbacks,
            )
        )
    return result


def baseline_by(problem: Problem, roster: Sequence[tuple[str, str]], key: str) -> dict[str, float]:
    """Coverage per grid (``key`` "grid") or per skill ("skill") with nobody lost, after the same repair."""
    lines = lines_of(problem)
    shifts = {s.id: s for s in problem.shifts}
    ids = {p.id for p in problem.people}
    fill = _clip(repair(problem, [(p, s) for p, s in roster if s in shifts and p in ids]).filled, lines)
    key_of = {
        ln: (shifts[ln[0]].grid_id or "") if key == "grid" else (shifts[ln[0]].demands[ln[1]].skill or ANY)
        for ln in lines
    }
    return _coverage([_tally(lines, fill, key_of)])


def _restored(
    problem: Problem,
    pairs: list[tuple[str, str]],
    removed: frozenset[str],
    fill: dict[Line, int],
    baseline: dict[Line, int],
    lines: dict[Line, int],
    need: dict[tuple[str | None, str], int],
) -> bool:
    if sum(fill.values()) >= sum(baseline.values()):
        return True  # the repair alone made up for the loss
    if not need:
        return False
    keep = [(p, s) for p, s in pairs if p not in removed]
    left = replace(problem, people=tuple(p for p in problem.people if p.id not in removed))
    fill = _clip(repair(left, keep, standby_people(problem, need)).filled, lines)
    return sum(fill.values()) >= sum(baseline.values())


def _clip(filled: dict[Line, int], lines: dict[Line, int]) -> dict[Line, int]:
    return {ln: min(filled.get(ln, 0), count) for ln, count in lines.items()}


def _pinned(
    pairs: Sequence[tuple[str, str]], shifts: dict[str, Shift], removed: frozenset[str] | set[str]
) -> int:
    on: dict[str, int] = defaultdict(int)
    for p, s in pairs:
        if p not in removed:
            on[s] += 1
    return sum(min(n, shifts[s].headcount) for s, n in on.items())


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 1.0
