"""A first roster for every problem, also where people have minimum-work rules.

Why: the greedy (greedy.py) cannot promise a minimum total, a minimum run of working days or of
days off, so it leaves such people out; where every person has a minimum total (the Curtois
instances 20-24) the empty roster is infeasible and CP-SAT alone found no roster in 300 s.

How: every hard rule is a rule of one person, so the people with minimum-work rules are rostered
one after another. Each person's first pattern comes from a walk over the days (pattern.py,
checked by the checker); where there is time it is improved, or where the walk finds none it is
searched, by a small CP-SAT model built by the same builder (the same rule families, no second
model) over that person's eligible shifts only. Each person sees the demand still open (what the
people before them did not fill), so it covers what is left as well as that person's own rules
and wishes allow. The greedy then fills what is still open with the people who have no minimum
rules. The roster is a warm start for the whole model and the
fallback when the whole model finds nothing in time.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from optimizer.builder import RosterModel, build
from optimizer.check import check_roster
from optimizer.eligibility import Triple, eligible_triples
from optimizer.greedy import fill_roster, greedy_roster, has_minimums
from optimizer.params import SolveParams
from optimizer.pattern import valid_pattern
from optimizer.problem import CompositionNeed, Demand, Person, Problem, Shift
from optimizer.solution import Assignment

MIN_PERSON_SECONDS = 0.05
FIRST_SOLUTION_SECONDS = 64.0  # one person's "any valid pattern" search: limits 1, 4, 16, 64
QUICK_SECONDS = 1.0
PORTFOLIO = 8  # workers interleaved in deterministic mode
# A person's model takes about 100 µs per eligible shift to build (Curtois 23: 0.3 s for 3,300);
# below twice that the time would go to building, and the pattern is taken as it is.
IMPROVE_SECONDS_PER_VARIABLE = 200e-6


def first_roster(
    problem: Problem, params: SolveParams, seconds: float, triples: Sequence[Triple] | None = None
) -> tuple[list[Assignment] | None, float]:
    """A roster keeping every hard rule: the greedy's where nobody has minimum rules, else one
    built person by person; and the time it took (deterministic time in deterministic mode).
    ``seconds`` is what the per-person searches should spend together (each person gets at least
    a first valid pattern). None only when some person has no valid pattern (or pins clash)."""
    roster = greedy_roster(problem, triples)
    if roster is not None:
        return roster, 0.0
    return construct(problem, params, seconds, triples)


def construct(
    problem: Problem, params: SolveParams, seconds: float, triples: Sequence[Triple] | None = None
) -> tuple[list[Assignment] | None, float]:
    mine: dict[str, list[Triple]] = defaultdict(list)
    for triple in eligible_triples(problem) if triples is None else triples:
        mine[triple[0].id].append(triple)
    pinned = {pin.person_id for pin in problem.pins if pin.assigned}
    people = sorted(
        (p for p in problem.people if has_minimums(p)),
        # Pinned people first (their pins use up demand), then the least flexible.
        key=lambda p: (p.id not in pinned, len(mine[p.id]), p.id),
    )
    taken: dict[tuple[str, int], int] = defaultdict(int)  # (shift, line) -> heads already placed
    tags_on: dict[str, list[frozenset[str]]] = defaultdict(list)
    roster: list[Assignment] = []
    spent, started = 0.0, time.monotonic()
    for n, person in enumerate(people):
        if not params.deterministic:
            spent = time.monotonic() - started
        each = max(MIN_PERSON_SECONDS, (seconds - spent) / (len(people) - n))
        found = _one_person(problem, person, mine[person.id], taken, tags_on, params, each)
        if found is None:
            return None, spent
        pattern, used = found
        spent += used
        for a in pattern:
            taken[a.shift_id, a.demand_index] += 1
            tags_on[a.shift_id].append(person.tags)
        roster.extend(pattern)
    if not params.deterministic:
        spent = time.monotonic() - started
    filled = fill_roster(problem, roster, triples)
    if filled is None:
        return None, spent
    return (filled if not check_roster(problem, filled).violations else None), spent


def _one_person(
    problem: Problem,
    person: Person,
    triples: list[Triple],
    taken: dict[tuple[str, int], int],
    tags_on: dict[str, list[frozenset[str]]],
    params: SolveParams,
    seconds: float,
) -> tuple[list[Assignment], float] | None:
    """The person's best pattern against the demand still open, and the time it took."""
    shifts = {s.id: _still_open(s, taken, tags_on[s.id]) for _, s, _ in triples}
    sub = dataclasses.replace(
        problem,
        people=(person,),
        shifts=tuple(shifts.values()),
        requests=tuple(r for r in problem.requests if r.person_id == person.id),
        pins=tuple(pin for pin in problem.pins if pin.person_id == person.id and pin.shift_id in shifts),
    )
    mine = [(person, shifts[s.id], line) for _, s, line in triples]
    pattern = valid_pattern(sub, person, mine, lambda s: s.headcount)
    too_short = seconds <= MIN_PERSON_SECONDS or seconds < IMPROVE_SECONDS_PER_VARIABLE * len(mine)
    if pattern is not None and too_short:
        return pattern, 0.0  # too little time to build the person's model and search it
    m = build(sub, mine)
    if pattern is not None:
        return _improved(m, pattern, params, seconds)
    # First any valid pattern. Where minimum totals, runs and weekend caps are tight, one worker
    # searched more than 20 s for one (Curtois 20, person J: 115 of 164 free days); the
    # interleaved portfolio of 8 found one in 0.3 s there and in 2.3 s for the hardest person
    # of Curtois 22; a 2-worker portfolio (feasibility jump) in 0.1 s and 7.8 s, so outside
    # deterministic mode it has QUICK_SECONDS first.
    solver, used = None, 0.0
    if not params.deterministic:
        solver, used = _search(
            m.model, params, QUICK_SECONDS, workers=max(2, params.worker_count()), first_only=True
        )
    limit = QUICK_SECONDS
    while solver is None and limit <= FIRST_SOLUTION_SECONDS:
        # The interleaved portfolio is deterministic when it runs to its deterministic limit (not
        # when it stops at its first roster), so in deterministic mode it runs to growing limits.
        solver, more = _search(m.model, params, limit, workers=0, first_only=not params.deterministic)
        # Its deterministic time is not quite deterministic (0.0006 or 0.0007): counted, it would
        # make the next budgets differ between runs. Its limit bounds it.
        used += 0.0 if params.deterministic else more
        limit *= 4
    if solver is None:
        return None  # no valid pattern for this person (or none found in time)
    proven = solver.objective_value <= solver.best_objective_bound
    if seconds - used > MIN_PERSON_SECONDS and not proven:
        for x in m.x.values():
            m.model.add_hint(x, solver.boolean_value(x))
        better, more = _search(m.model, params, seconds - used, workers=1, first_only=False)
        used += more
        if better is not None and better.objective_value <= solver.objective_value:
            solver = better
    return [Assignment(p, s, d) for (p, s, d), x in m.x.items() if solver.boolean_value(x)], used


def _improved(
    m: RosterModel, pattern: list[Assignment], params: SolveParams, seconds: float
) -> tuple[list[Assignment], float]:
    """The person's pattern from pattern.py, improved by CP-SAT from it within ``seconds``."""
    chosen = {(a.person_id, a.shift_id, a.demand_index) for a in pattern}
    for key, x in m.x.items():
        m.model.add_hint(x, key in chosen)
    better, used = _search(m.model, params, seconds, workers=1, first_only=False)
    if better is None:
        return pattern, used
    found = [Assignment(p, s, d) for (p, s, d), x in m.x.items() if better.boolean_value(x)]
    # A short search can end on a roster worse than the hint (Curtois 23, 0.6 s a person: the
    # first roster scored 565,306 instead of 539,191): the checker scores both on the person's part.
    better_found = check_roster(m.problem, found).objective < check_roster(m.problem, pattern).objective
    return (found if better_found else pattern), used


def _search(
    model: cp_model.CpModel, params: SolveParams, seconds: float, *, workers: int, first_only: bool
) -> tuple[cp_model.CpSolver | None, float]:
    """(the solver when it holds a roster, else None; the time used). ``workers`` 0: a portfolio
    of PORTFOLIO strategies interleaved in one deterministic schedule."""
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = params.seed
    solver.parameters.stop_after_first_solution = first_only
    if workers > 0:
        solver.parameters.num_workers = workers
    else:
        solver.parameters.num_workers = PORTFOLIO
        solver.parameters.interleave_search = True
    if params.deterministic or workers == 0:
        solver.parameters.max_deterministic_time = seconds
    if not params.deterministic:
        solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    used = solver.deterministic_time if params.deterministic else solver.wall_time
    return (solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None), used


def _still_open(shift: Shift, taken: dict[tuple[str, int], int], tags: list[frozenset[str]]) -> Shift:
    """The shift as the next person sees it: each line asks for the heads not placed yet, each
    composition need for the tagged people still lacking."""
    demands = tuple(
        Demand(max(0, d.count - taken[shift.id, line]), d.skill) for line, d in enumerate(shift.demands)
    )
    needs = tuple(
        CompositionNeed(n.tag, max(0, n.count - sum(n.tag in t for t in tags)), n.kind) for n in shift.needs
    )
    return dataclasses.replace(shift, demands=demands, needs=needs)
