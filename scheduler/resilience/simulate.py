"""Sudden loss of people, simulated on the optimizer's plain problem: remove, repair greedily, count.

Each scenario removes a share of the pool at random, keeps everyone else's assignments (pins) and
lets the optimizer's greedy repair fill what it can from who is left; then coverage is counted per
grid and per skill, and the people a standby list would need to close the new gaps are counted.

Why a local repair: the greedy over a whole street takes a few tenths of a second, and a check runs
it hundreds of times. Only the shifts that lost someone can change, so each scenario hands the
greedy just those shifts, the people who could fill them, and those people's other shifts (as pinned
context, so rest, overlap and hour caps are still checked).
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from optimizer.greedy import greedy_roster
from optimizer.problem import Demand, Person, Pin, Problem, Shift, Skill
from optimizer.solution import Assignment

ANY = "*"  # a demand line without a skill: anyone eligible
PINNED = "@pinned:"  # the skill of a context shift's line: held only by the people pinned on it
Line = tuple[str, int]  # (shift id, demand line)
Need = dict[tuple[str | None, str], int]  # (community, skill) -> people


@dataclass
class RateOutcome:
    rate: float  # percent
    removed: int  # people removed in each scenario
    scenarios: int
    exact: bool  # every combination was simulated (the expectation is exact, not sampled)
    coverage: float  # expected filled / required after repair
    worst: float  # lowest coverage of any scenario
    coverage_without_repair: float  # expected, keeping only the roster's people left (no re-planning)
    by_grid: dict[str, float]
    by_skill: dict[str, float]
    standby: dict[str, int]  # skill (ANY: none) -> people to hold in standby
    restored: float  # share of scenarios that this standby brings back to the baseline
    fallbacks: int = 0  # scenarios where the local repair failed and the whole street was re-planned


@dataclass
class Simulation:
    people: int
    required: int
    roster_filled: int  # heads the roster itself fills
    baseline_filled: int  # after a greedy repair with nobody lost (the reference for "restored")
    baseline_by_grid: dict[str, float] = field(default_factory=dict)
    baseline_by_skill: dict[str, float] = field(default_factory=dict)
    rates: list[RateOutcome] = field(default_factory=list)


class Plan:
    """The problem, its baseline (the roster, greedily completed) and who may fill which line."""

    def __init__(self, problem: Problem, roster: Sequence[tuple[str, str]]) -> None:
        self.problem = problem
        self.shifts = {s.id: s for s in problem.shifts}
        self.people = {p.id: p for p in problem.people}
        self.lines = {(s.id, i): d.count for s in problem.shifts for i, d in enumerate(s.demands)}
        self.required = sum(self.lines.values())
        self.forbidden = tuple(pin for pin in problem.pins if not pin.assigned)
        self.roster = [(p, s) for p, s in roster if s in self.shifts and p in self.people]
        self.community = {s.id: s.community_id or "" for s in problem.shifts}
        self._serving: dict[str, set[str]] = {}
        self._holders: dict[str, set[str]] = defaultdict(set)
        for p in problem.people:
            for skill in p.skills:
                self._holders[skill.name].add(p.id)
        self.grid_of = {ln: self.shifts[ln[0]].grid_id or "" for ln in self.lines}
        self.skill_of = {ln: self.shifts[ln[0]].demands[ln[1]].skill or ANY for ln in self.lines}
        # The baseline: the roster, with the shifts it leaves short repaired the same way.
        on: dict[str, int] = defaultdict(int)
        for _, s in self.roster:
            on[s] += 1
        full = {ln: c for ln, c in self.lines.items() if on[ln[0]] >= self.shifts[ln[0]].headcount}
        short = {s for s in self.shifts if on[s] < self.shifts[s].headcount}
        self.fallback = False
        self.base, got = self._repair(set(self.roster), short, frozenset(), ())
        self.fill = self.clip({**got, **full})
        if self.fallback:  # the roster did not fit the greedy's checks: complete it from scratch
            self.fallback = False
            whole = _whole(problem, self.forbidden, self.roster, ()) or []
            self.base = sorted((a.person_id, a.shift_id) for a in whole)
            self.fill = self.clip(_count(whole))

    def clip(self, filled: dict[Line, int]) -> dict[Line, int]:
        return {ln: min(filled.get(ln, 0), count) for ln, count in self.lines.items()}

    def candidates(self, community: str, skills: set[str | None]) -> set[str]:
        """People who serve the community and hold one of the lines' skills (None: any). A superset
        of who is eligible: the greedy checks availability, fitness and limits itself, and that is
        cheaper than working out eligibility for the whole street up front."""
        if community not in self._serving:
            self._serving[community] = {
                p.id for p in self.problem.people if p.communities is None or community in p.communities
            }
        serving = self._serving[community]
        if None in skills:
            return serving
        return serving & set().union(*(self._holders.get(k, set()) for k in skills if k is not None))

    def scenario(self, removed: frozenset[str], extra: Sequence[Person] = ()) -> tuple[dict[Line, int], bool]:
        """Heads per line once ``removed`` are gone and the gaps are repaired (with ``extra`` people)."""
        affected = {s for p, s in self.base if p in removed}
        if not affected:
            return self.fill, False
        state = {(p, s) for p, s in self.base if p not in removed}
        _, got = self._repair(state, affected, removed, extra)
        if self.fallback:
            self.fallback = False
            left = replace(self.problem, people=tuple(p for p in self.problem.people if p.id not in removed))
            keep = [(p, s) for p, s in self.roster if p not in removed]
            return self.clip(_count(_whole(left, self.forbidden, keep, extra) or [])), True
        fill = dict(self.fill)
        for ln in self.lines:
            if ln[0] in affected:
                fill[ln] = min(got.get(ln, 0), self.lines[ln])
        return fill, False

    def _repair(
        self,
        state: set[tuple[str, str]],
        affected: set[str],
        removed: frozenset[str],
        extra: Sequence[Person],
    ) -> tuple[list[tuple[str, str]], dict[Line, int]]:
        """Fill the ``affected`` shifts, one community after the other (people of other communities
        cannot serve there, so each greedy run is about a tenth of the street). New assignments join
        ``state`` at once, so a street-wide person taken in one community is busy for the next."""
        got: dict[Line, int] = {}
        for community in sorted({self.community[s] for s in affected}):
            here = {s for s in affected if self.community[s] == community}
            skills = {
                self.shifts[s].demands[i].skill for s in here for i in range(len(self.shifts[s].demands))
            }
            local = ({p for p, s in state if s in here} | self.candidates(community, skills)) - removed
            visitors = [p for p in extra if p.communities is None or community in p.communities]
            result = self._local(state, here, local, visitors)
            if result is None:
                self.fallback = True
                return sorted(state), got
            for a in result:
                if a.shift_id in here:
                    state.add((a.person_id, a.shift_id))
                    got[a.shift_id, a.demand_index] = got.get((a.shift_id, a.demand_index), 0) + 1
        return sorted(state), got

    def _local(
        self, state: set[tuple[str, str]], here: set[str], local: set[str], extra: Sequence[Person]
    ) -> list[Assignment] | None:
        pins = sorted((p, s) for p, s in state if p in local)
        context: dict[str, list[str]] = defaultdict(list)
        for p, s in pins:
            if s not in here:
                context[s].append(p)
        # Context shifts keep their times and nature but ask exactly for the people pinned on them,
        # through a skill only those people hold: nobody else even looks at them (that is the speed).
        held: dict[str, list[Skill]] = defaultdict(list)
        for s, on in context.items():
            for p in on:
                held[p].append(Skill(f"{PINNED}{s}"))
        shifts = tuple(self.shifts[s] for s in sorted(here)) + tuple(
            replace(self.shifts[s], demands=(Demand(len(on), f"{PINNED}{s}"),), needs=())
            for s, on in sorted(context.items())
        )
        people = tuple(
            replace(self.people[p], skills=self.people[p].skills + tuple(held[p]))
            if held[p]
            else self.people[p]
            for p in sorted(local)
        )
        reduced = replace(
            self.problem,
            shifts=shifts,
            people=people + tuple(extra),
            known_skills=None,
            pins=tuple(pin for pin in self.forbidden if pin.person_id in local)
            + tuple(Pin(p, s) for p, s in pins),
            previous=frozenset(),
            requests=(),
        )
        return greedy_roster(reduced)

    def unrepaired(self, removed: frozenset[str]) -> int:
        """Heads the roster itself still fills when ``removed`` are gone and nobody steps in."""
        on: dict[str, int] = defaultdict(int)
        for p, s in self.roster:
            if p not in removed:
                on[s] += 1
        return sum(min(n, self.shifts[s].headcount) for s, n in on.items())


def _whole(
    problem: Problem, forbidden: tuple[Pin, ...], keep: Sequence[tuple[str, str]], extra: Sequence[Person]
) -> list[Assignment] | None:
    reduced = replace(
        problem,
        people=problem.people + tuple(extra),
        pins=forbidden + tuple(Pin(p, s) for p, s in keep),
        previous=frozenset(),
        requests=(),
    )
    result = greedy_roster(reduced)
    return result if result is not None else greedy_roster(replace(reduced, pins=forbidden))


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


def standby_people(need: Need) -> list[Person]:
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


def peak_gaps(shifts: dict[str, Shift], gaps: dict[Line, int]) -> Need:
    """People needed at once per (community, skill): the most gap heads that overlap in time."""
    events: dict[tuple[str | None, str], list[tuple[int, int]]] = defaultdict(list)
    for (shift_id, line), n in gaps.items():
        if n <= 0:
            continue
        s = shifts[shift_id]
        events[s.community_id, s.demands[line].skill or ANY] += [(s.start, n), (s.end, -n)]
    peaks = {}
    for key, evs in events.items():
        level = peak = 0
        for _, delta in sorted(evs):  # at the same minute an end (negative) comes before a start
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


def coverage_by(plan: Plan, fills: list[dict[Line, int]], key_of: dict[Line, str]) -> dict[str, float]:
    """Expected coverage per key (grid or skill) over the scenarios' fills."""
    required: dict[str, int] = defaultdict(int)
    filled: dict[str, int] = defaultdict(int)
    for ln, count in plan.lines.items():
        required[key_of[ln]] += count
    for fill in fills:
        for ln, n in fill.items():
            filled[key_of[ln]] += n
    n = max(1, len(fills))
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
    that standby, added as people free all week, lets the repair reach the baseline again.
    """
    plan = Plan(problem, roster)
    base_total = sum(plan.fill.values())
    ids = sorted(plan.people)
    result = Simulation(
        len(ids),
        plan.required,
        plan.unrepaired(frozenset()),
        base_total,
        coverage_by(plan, [plan.fill], plan.grid_of),
        coverage_by(plan, [plan.fill], plan.skill_of),
    )
    for rate in rates:
        k = round(rate / 100 * len(ids))
        exact, scenarios = removals(ids, k, samples, random.Random(f"{seed}:{rate}"))
        runs: list[tuple[frozenset[str], dict[Line, int]]] = []
        covers, unrepaired, peaks, fallbacks = [], [], [], 0
        for removed in scenarios:
            fill, fallback = plan.scenario(removed)
            fallbacks += fallback
            runs.append((removed, fill))
            covers.append(_share(sum(fill.values()), plan.required))
            unrepaired.append(_share(plan.unrepaired(removed), plan.required))
            peaks.append(peak_gaps(plan.shifts, {ln: plan.fill[ln] - fill[ln] for ln in plan.lines}))
        keys: set[tuple[str | None, str]] = set().union(*peaks)
        need = {
            key: n for key in keys if (n := percentile([p.get(key, 0) for p in peaks], standby_share)) > 0
        }
        extra = standby_people(need)
        restored = sum(
            sum(fill.values()) >= base_total
            or (bool(need) and sum(plan.scenario(removed, extra)[0].values()) >= base_total)
            for removed, fill in runs
        )
        by_skill: dict[str, int] = defaultdict(int)
        for (_, skill), n in need.items():
            by_skill[skill] += n
        fills = [fill for _, fill in runs]
        result.rates.append(
            RateOutcome(
                rate=rate,
                removed=k,
                scenarios=len(runs),
                exact=exact,
                coverage=_mean(covers),
                worst=min(covers, default=1.0),
                coverage_without_repair=_mean(unrepaired),
                by_grid=coverage_by(plan, fills, plan.grid_of),
                by_skill=coverage_by(plan, fills, plan.skill_of),
                standby=dict(sorted(by_skill.items())),
                restored=restored / len(runs) if runs else 1.0,
                fallbacks=fallbacks,
            )
        )
    return result


def _share(part: int, whole: int) -> float:
    return 1.0 if whole == 0 else part / whole


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 1.0
