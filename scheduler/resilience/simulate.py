"""Sudden loss of people, simulated on the optimizer's plain problem: remove, repair greedily, count.

Each scenario removes a share of the pool at random, keeps everyone else's assignments and lets a
greedy repair fill what it can from who is left; then coverage is counted per grid and per skill,
and the people a standby list would need to close the new gaps are counted.

Why an incremental repair: a check runs hundreds of scenarios, and a whole-street greedy
(``optimizer.greedy.greedy_roster``) re-reads the street (eligibility, every pin) each time, seconds
on a 1,200-person street. So the plan is built once: who may fill which line, and each person's
load in the baseline. A scenario then starts from that baseline without the lost people and fills
only the lines of the shifts that lost someone, in the greedy's own order and with its own rule
check (``optimizer.greedy.fits``), so it picks the same people as a whole-street greedy re-plan
with everyone left pinned would (a test compares the two): lines that were short in the baseline
stay short, because nobody's load gets lighter when others drop out.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from optimizer.eligibility import eligible_triples
from optimizer.greedy import Load, fits, has_minimums, line_for, take
from optimizer.problem import Person, Problem, Shift, Skill
from optimizer.solution import Assignment

ANY = "*"  # a demand line without a skill: anyone eligible
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


@dataclass
class Simulation:
    people: int
    required: int
    roster_filled: int  # heads the roster itself fills
    baseline_filled: int  # after a greedy repair with nobody lost (the reference for "restored")
    baseline_by_grid: dict[str, float] = field(default_factory=dict)
    baseline_by_skill: dict[str, float] = field(default_factory=dict)
    rates: list[RateOutcome] = field(default_factory=list)
    dropped: int = 0  # roster pairs the greedy's rule check refuses (left out of the baseline)


Eligible = dict[Line, list[Person]]


def eligibility(problem: Problem, people: Iterable[Person], shifts: Iterable[Shift]) -> Eligible:
    """Who may fill each line (``optimizer.eligibility``), for ``people`` on ``shifts``."""
    out: Eligible = defaultdict(list)
    for person, shift, line in eligible_triples(replace(problem, people=tuple(people), shifts=tuple(shifts))):
        out[shift.id, line].append(person)
    return out


class Plan:
    """The problem, its baseline (the roster, greedily completed), who may fill which line and
    each person's load in the baseline; built once, then each scenario only repairs its gaps."""

    def __init__(self, problem: Problem, roster: Sequence[tuple[str, str]]) -> None:
        self.problem = problem
        self.shifts = {s.id: s for s in problem.shifts}
        self.people = {p.id: p for p in problem.people}
        self.lines = {(s.id, i): d.count for s in problem.shifts for i, d in enumerate(s.demands)}
        self.required = sum(self.lines.values())
        self.roster = [(p, s) for p, s in roster if s in self.shifts and p in self.people]
        self.grid_of = {ln: self.shifts[ln[0]].grid_id or "" for ln in self.lines}
        self.skill_of = {ln: self.shifts[ln[0]].demands[ln[1]].skill or ANY for ln in self.lines}
        self.eligible = eligibility(problem, problem.people, problem.shifts)
        # line -> who may be given it in a repair: the greedy leaves people with minimum-work rules
        # where the roster put them (it cannot promise a minimum)
        fillers = {p.id for p in problem.people if not has_minimums(p)}
        self.filling = {
            ln: frozenset(p.id for p in self.eligible.get(ln, ()) if p.id in fillers) for ln in self.lines
        }
        # The baseline: the roster as far as it keeps the greedy's rules (in time order, like
        # optimizer.greedy.repair_roster), then the lines it leaves short repaired the same way.
        loads: dict[str, Load] = defaultdict(Load)
        placed: list[Assignment] = []
        filled: dict[Line, int] = defaultdict(int)
        for p, s in sorted(self.roster, key=lambda ps: (self.shifts[ps[1]].start, ps[1], ps[0])):
            line = line_for(self.shifts[s], self.people[p], self.eligible, filled)
            if line is not None and fits(problem, self.people[p], loads[p], self.shifts[s]):
                take(problem, loads[p], self.shifts[s])
                filled[s, line] += 1
                placed.append(Assignment(p, s, line))
        self.dropped = len(self.roster) - len(placed)
        self.base = self.repair(_by(placed, "shift_id"), _by(placed, "person_id"), loads, set(self.shifts))
        self.fill = self.clip(_count(self.base))
        self.staff = _by(self.base, "shift_id")  # shift -> its baseline assignments
        self.on = _by(self.base, "person_id")  # person -> their baseline assignments
        self.loads = {p: self._replay(p, self.on) for p in self.on}  # person -> baseline load
        self._ranked: dict[Line, list[tuple[float, str, Person]]] = {}

    def _replay(self, person: str, on: dict[str, list[Assignment]]) -> Load:
        load = Load()
        for a in on.get(person, ()):
            take(self.problem, load, self.shifts[a.shift_id])
        return load

    def ranked(self, line: Line) -> list[tuple[float, str, Person]]:
        """Who may fill ``line`` and fits with their baseline load, in the greedy's order of choice
        (lightest load against the fair share, home grid first, id) with baseline loads.

        Worked out once per line: loads only grow in a scenario (the lost do not come back), and a
        fuller load neither fits where a lighter one did not nor ranks any lighter."""
        if line not in self._ranked:
            shift, idle = self.shifts[line[0]], Load()
            self._ranked[line] = sorted(
                (_lightness(p, (self.loads.get(p.id) or idle).minutes, shift), p.id, p)
                for p in self.eligible.get(line, ())
                if p.id in self.filling[line] and fits(self.problem, p, self.loads.get(p.id) or idle, shift)
            )
        return self._ranked[line]

    def clip(self, filled: dict[Line, int]) -> dict[Line, int]:
        return {ln: min(filled.get(ln, 0), count) for ln, count in self.lines.items()}

    def scenario(self, removed: frozenset[str], standby: Eligible | None = None) -> dict[Line, int]:
        """Heads per line once ``removed`` are gone and the gaps are repaired (with the standby
        people whose eligibility ``standby`` gives)."""
        return self.clip(_count(self.repaired(removed, standby)))

    def repaired(self, removed: frozenset[str], standby: Eligible | None = None) -> list[Assignment]:
        """The baseline without ``removed``, plus the repair of the shifts that lost someone."""
        affected = {a.shift_id for p in removed for a in self.on.get(p, ())}
        kept = [a for a in self.base if a.person_id not in removed and a.shift_id not in affected]
        return kept + self.repair(self.staff, self.on, self.loads, affected, removed, standby, baseline=True)

    def repair(
        self,
        staff: dict[str, list[Assignment]],
        on: dict[str, list[Assignment]],
        loads: dict[str, Load],
        shifts: set[str],
        removed: frozenset[str] = frozenset(),
        standby: Eligible | None = None,
        *,
        baseline: bool = False,
    ) -> list[Assignment]:
        """Every assignment on ``shifts``: who stands there (``staff`` per shift, ``on`` per person,
        ``loads``; less ``removed``; none of it is changed), put on their lines as the greedy puts
        pins (in person order, the first line they may fill with room), then the lines left short
        filled from the pool and ``standby``: optimizer.greedy's order (priority, then fewest
        candidates, start, id) and choice (a tag the shift lacks, then lightest load against the
        fair share, home grid, id), every pick checked by the greedy's own rule check.
        ``baseline``: ``loads`` are the baseline's, so each line's candidates come from
        ``ranked``, read only as far as the first who fits."""
        filled: dict[Line, int] = defaultdict(int)
        tags_on: dict[str, list[frozenset[str]]] = defaultdict(list)
        out: list[Assignment] = []
        for shift_id in shifts:
            for a in sorted(staff.get(shift_id, ()), key=lambda a: a.person_id):
                if a.person_id not in removed:
                    p = self.people[a.person_id]
                    at = line_for(self.shifts[shift_id], p, self.eligible, filled)
                    assert at is not None  # placed on the shift because eligible for it
                    filled[shift_id, at] += 1
                    tags_on[shift_id].append(p.tags)
                    out.append(Assignment(p.id, shift_id, at))
        idle = Load()
        changed: dict[str, Load] = {}  # copies of the loads this repair adds to

        def load(p: Person) -> Load:
            return changed.get(p.id) or loads.get(p.id) or idle

        extra = standby or {}
        count: dict[Line, int] = {}
        for i in shifts:
            for d in range(len(self.shifts[i].demands)):
                ids = self.filling[i, d]
                count[i, d] = len(ids) - len(ids & removed) + len(extra.get((i, d), ()))
        order = sorted(
            count,
            key=lambda ln: (
                -int(self.shifts[ln[0]].priority),
                count[ln],
                self.shifts[ln[0]].start,
                ln[0],
                ln[1],
            ),
        )
        for line in order:
            s = self.shifts[line[0]]
            others = extra.get(line, [])
            for _ in range(s.demands[line[1]].count - filled[line]):
                lacking = {n.tag for n in s.needs if sum(n.tag in t for t in tags_on[s.id]) < n.count}
                if baseline:
                    # By the number of lacking tags each brings (most first), then lightest first.
                    choices: Iterator[Person] = itertools.chain.from_iterable(
                        _lightest(self.ranked(line), removed, changed, others, s, load, _bringing(lacking, k))
                        for k in range(len(lacking), -1, -1)
                    )
                else:
                    pool = [p for p in self.eligible.get(line, ()) if p.id in self.filling[line]]
                    choices = (
                        p
                        for _, p in sorted(
                            ((-len(lacking & p.tags), _lightness(p, load(p).minutes, s), p.id), p)
                            for p in [*pool, *others]
                            if p.id not in removed
                        )
                    )
                chosen = next((p for p in choices if fits(self.problem, p, load(p), s)), None)
                if chosen is None:
                    break
                if chosen.id not in changed:
                    changed[chosen.id] = self._replay(chosen.id, on)
                take(self.problem, changed[chosen.id], s)
                tags_on[s.id].append(chosen.tags)
                out.append(Assignment(chosen.id, s.id, line[1]))
        return out

    def unrepaired(self, removed: frozenset[str]) -> int:
        """Heads the roster itself still fills when ``removed`` are gone and nobody steps in."""
        on: dict[str, int] = defaultdict(int)
        for p, s in self.roster:
            if p not in removed:
                on[s] += 1
        return sum(min(n, self.shifts[s].headcount) for s, n in on.items())


def _lightness(p: Person, minutes: int, shift: Shift) -> float:
    """The greedy's load measure: minutes against the fair share, a tenth more away from home."""
    return minutes / (p.fair_share_minutes or 1) + (0 if p.home_grid == shift.grid_id else 0.1)


def _bringing(lacking: set[str], k: int) -> Callable[[Person], bool] | None:
    """Accepts the people who bring exactly ``k`` of the ``lacking`` tags (None: everybody)."""
    if not lacking:
        return None
    return lambda p: len(lacking & p.tags) == k


def _lightest(
    ranked: list[tuple[float, str, Person]],
    removed: frozenset[str],
    changed: dict[str, Load],
    others: Sequence[Person],
    shift: Shift,
    load: Callable[[Person], Load],
    where: Callable[[Person], bool] | None = None,
) -> Iterator[Person]:
    """The candidates (those ``where`` accepts) lightest first: ``ranked`` (baseline order) without
    the lost, merged lazily with ``others`` and with the people whose load grew in this repair, who
    move back to where their heavier load puts them (a load only grows, so never forward)."""
    heap = [(_lightness(p, load(p).minutes, shift), p.id, p) for p in others if where is None or where(p)]
    heapq.heapify(heap)
    for key, pid, p in ranked:
        if pid in removed or (where is not None and not where(p)):
            continue
        if pid in changed:
            heapq.heappush(heap, (_lightness(p, changed[pid].minutes, shift), pid, p))
            continue
        while heap and heap[0][:2] < (key, pid):
            yield heapq.heappop(heap)[2]
        yield p
    while heap:
        yield heapq.heappop(heap)[2]


def _by(assignments: Iterable[Assignment], key: str) -> dict[str, list[Assignment]]:
    out: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        out[getattr(a, key)].append(a)
    return out


def _count(assignments: Iterable[Assignment]) -> dict[Line, int]:
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
        dropped=plan.dropped,
    )
    for rate in rates:
        k = round(rate / 100 * len(ids))
        exact, scenarios = removals(ids, k, samples, random.Random(f"{seed}:{rate}"))
        runs: list[tuple[frozenset[str], dict[Line, int]]] = []
        covers, unrepaired, peaks = [], [], []
        for removed in scenarios:
            fill = plan.scenario(removed)
            runs.append((removed, fill))
            covers.append(_share(sum(fill.values()), plan.required))
            unrepaired.append(_share(plan.unrepaired(removed), plan.required))
            peaks.append(peak_gaps(plan.shifts, {ln: plan.fill[ln] - fill[ln] for ln in plan.lines}))
        keys: set[tuple[str | None, str]] = set().union(*peaks)
        need = {
            key: n for key in keys if (n := percentile([p.get(key, 0) for p in peaks], standby_share)) > 0
        }
        standby = eligibility(problem, standby_people(need), problem.shifts)
        restored = sum(
            sum(fill.values()) >= base_total
            or (bool(need) and sum(plan.scenario(removed, standby).values()) >= base_total)
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
            )
        )
    return result


def _share(part: int, whole: int) -> float:
    return 1.0 if whole == 0 else part / whole


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 1.0
