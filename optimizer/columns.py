"""Column generation over people, and a dive: a roster (and a bound) for problems whose every
penalty but coverage belongs to one person.

Why: on long horizons the compact model's search stalls far from the best roster. Curtois 14
(32 nurses, 42 days) ended at 1512 and 1513 after 300 s (best known 1278), while its bound was
close; what it misses is the coordination of whole personal patterns. Column generation works on
those patterns directly: on 14 the master's LP reaches 1278.0 with a Lagrangian bound of 1277.4
(so 1278) after 97 s, and the dive below ends at a roster of 1278.

How: the master LP (GLOP) chooses one pattern ("column") per person, convexly, and pays the cover
lines' shortfall and overstaffing; its duals price a person's pattern in a CP-SAT model of that
person alone, built by the SAME rule families as the full model (builder.HARD and builder.SOFT,
less the ones that couple people: coverage lives in the master, and problems with composition
needs or a binding staffing cap are not taken here, see ``applies``). Each pricing also gives a
lower bound of its person's reduced cost, so every round yields a Lagrangian bound of the whole
problem. Then the dive: the assignment with the largest LP value (and every one at 1) is fixed in
its person's model, the columns without it leave the master, and the master is priced again,
until the LP chooses one column per person. Every column keeps every hard rule of its person and
no hard rule couples people, so the roster is valid at every step: when time runs out the dive
stops and each person takes their heaviest column. Last, an integer program (SCIP) chooses one
column per person among all the columns priced, at the root and in the dive, hinted with the
dive's roster: rounding one fixing at a time leaves lines short that other columns fill (Curtois
5: the dive 1347, the integer program 1144 in 4 s; the optimum is 1143). The caller checks the
roster with the checker and uses it as the full search's hint.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from optimizer import rules
from optimizer.builder import HARD, SOFT, RosterModel
from optimizer.eligibility import Triple
from optimizer.problem import Problem
from optimizer.solution import Assignment

Line = tuple[str, int]  # (shift id, demand line)
Column = frozenset[Line]

COUPLING = (rules.coverage, rules.composition, rules.staffing_cap)  # families across people
PRICE_SECONDS = 5.0  # one person's pricing; a pattern over 42 days takes 70 ms
ROOT_SHARE = 0.7  # the root's columns may take this much of the time; the dive has the rest
TINY = 1e-6
DIVE_ROUNDS = 5  # pricing rounds after each fixing of the dive
INTEGER_SHARE = 0.25  # the time kept from the dive for the integer program over all columns
STOP_POLL_SECONDS = 0.1


@dataclass
class ColumnResult:
    assignments: list[Assignment]
    bound: int  # ceil of the best Lagrangian bound (0 when the root saw no complete round)
    lp: float  # the root master's LP value
    complete: bool  # the dive ended with one column per person (not cut short by time)


def applies(problem: Problem, triples: Sequence[Triple]) -> bool:
    """Every penalty but coverage is one person's, and no hard rule couples people."""
    if any(shift.needs for shift in problem.shifts):
        return False
    cap = problem.rules.max_extra_heads
    if cap is None:
        return True
    candidates: dict[Line, int] = defaultdict(int)
    for _, shift, line in triples:
        candidates[shift.id, line] += 1
    return all(
        candidates[shift.id, line] <= demand.count + cap
        for shift in problem.shifts
        for line, demand in enumerate(shift.demands)
    )


class _Person:
    """One person's model: every rule family of theirs; its objective is set at each pricing."""

    def __init__(self, problem: Problem, person_id: str, triples: list[Triple]) -> None:
        own = dataclasses.replace(
            problem,
            people=tuple(p for p in problem.people if p.id == person_id),
            requests=tuple(r for r in problem.requests if r.person_id == person_id),
            pins=tuple(p for p in problem.pins if p.person_id == person_id),
            previous=frozenset(c for c in problem.previous if c[0] == person_id),
        )
        self.m = RosterModel.create(own, triples)
        for family in HARD + SOFT:
            if family not in COUPLING:
                family(self.m)
        self.lines: list[tuple[Line, cp_model.IntVar]] = [((s, d), x) for (_, s, d), x in self.m.x.items()]
        self.last: Column | None = None

    def cost(self, solver: cp_model.CpSolver) -> int:
        return sum(t.weight * int(solver.value(t.amount)) for t in self.m.ledger)

    def price(self, duals: dict[Line, float], seconds: float) -> tuple[float, float, Column, int] | None:
        """(the pattern's reduced cost before the convexity dual, a lower bound of it, the
        column, the column's own cost)."""
        model = self.m.model
        terms: list[cp_model.LinearExprT] = [t.amount for t in self.m.ledger]
        weights: list[float] = [float(t.weight) for t in self.m.ledger]
        for key, x in self.lines:
            dual = duals.get(key, 0.0)
            if dual:
                terms.append(x)
                weights.append(-dual)
        model.minimize(cp_model.LinearExpr.weighted_sum(terms, weights))
        model.clear_hints()  # type: ignore[no-untyped-call]
        if self.last is not None:
            for key, x in self.lines:
                model.add_hint(x, key in self.last)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = 1
        params.max_time_in_seconds = max(0.01, seconds)
        # One person's model: the LP at level 2 pays (Curtois 14's nurses: 70 ms per pricing
        # instead of 500 ms); presolve and probing once are enough.
        params.linearization_level = 2
        params.max_presolve_iterations = 1
        params.cp_model_probing_level = 0
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        column = frozenset(key for key, x in self.lines if solver.boolean_value(x))
        self.last = column
        return solver.objective_value, solver.best_objective_bound, column, self.cost(solver)

    def force(self, key: Line) -> None:
        self.m.model.add(self.m.x[(self.m.problem.people[0].id, *key)] == 1)


class _Master:
    def __init__(self, problem: Problem, people: list[str]) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        assert solver is not None
        self.lp = solver
        self.objective = solver.Objective()
        self.objective.SetMinimization()
        self.count: dict[Line, int] = {}
        self.under: dict[Line, int] = {}
        self.over: dict[Line, int] = {}
        weights = problem.weights
        for shift in problem.shifts:
            for line, demand in enumerate(shift.demands):
                key = (shift.id, line)
                self.count[key] = demand.count
                self.under[key] = shift.under_points(weights)
                self.over[key] = shift.over_points(weights)
        self.cover = {key: row for key, (row, _, _) in self._cover_lines(solver, self.objective).items()}
        self.convex = {p: solver.Constraint(1, 1) for p in people}
        self.columns: dict[str, dict[Column, pywraplp.Variable]] = {p: {} for p in people}

    def add(self, person: str, column: Column, cost: int) -> bool:
        if column in self.columns[person]:
            return False
        var = self.lp.NumVar(0, self.lp.infinity(), "")
        self.objective.SetCoefficient(var, cost)
        self.convex[person].SetCoefficient(var, 1)
        for key in column:
            self.cover[key].SetCoefficient(var, 1)
        self.columns[person][column] = var
        return True

    def solve(self) -> tuple[float, dict[Line, float], dict[str, float]]:
        """The LP's value and its duals (cover lines, people's convexity rows)."""
        self.lp.Solve()
        duals = {key: row.dual_value() for key, row in self.cover.items()}
        convex = {p: row.dual_value() for p, row in self.convex.items()}
        return self.objective.Value(), duals, convex

    def integer(
        self, start: dict[str, Column], seconds: float, stopped: Callable[[], bool]
    ) -> dict[str, Column] | None:
        """One column per person, chosen by SCIP among all the columns priced so far (at the root
        and in the dive) with ``start`` as the hint; None when SCIP is missing or finds nothing
        better than ``start`` in ``seconds``."""
        solver = pywraplp.Solver.CreateSolver("SCIP")
        if solver is None:
            return None
        objective = solver.Objective()
        objective.SetMinimization()
        lines = self._cover_lines(solver, objective, integer=True)
        filled = self._filled(start)
        hinted: list[pywraplp.Variable] = []
        values: list[float] = []
        for key, (_, short, extra) in lines.items():
            hinted += [short, extra]
            values += [max(0, self.count[key] - filled[key]), max(0, filled[key] - self.count[key])]
        chosen: dict[tuple[str, Column], pywraplp.Variable] = {}
        for p, columns in self.columns.items():
            one = solver.Constraint(1, 1)
            for column, var in columns.items():
                y = solver.BoolVar("")
                chosen[p, column] = y
                one.SetCoefficient(y, 1)
                objective.SetCoefficient(y, self.objective.GetCoefficient(var))
                for key in column:
                    lines[key][0].SetCoefficient(y, 1)
        for (p, column), y in chosen.items():
            hinted.append(y)
            values.append(float(start[p] == column))
        solver.SetHint(hinted, values)  # complete, so SCIP need not complete it (completesol)
        solver.SetTimeLimit(max(1, int(seconds * 1000)))
        done = threading.Event()

        def watch() -> None:
            while not done.wait(STOP_POLL_SECONDS):
                if stopped():
                    solver.InterruptSolve()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            status = solver.Solve()
        finally:
            done.set()
            watcher.join()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return None
        if objective.Value() > self.cost(start) - 0.5:
            return None
        return {p: c for (p, c), y in chosen.items() if y.solution_value() > 0.5}

    def cost(self, chosen: dict[str, Column]) -> float:
        """The master's objective of one column per person."""
        total: float = sum(self.objective.GetCoefficient(self.columns[p][c]) for p, c in chosen.items())
        filled = self._filled(chosen)
        for key, demand in self.count.items():
            total += max(0, demand - filled[key]) * self.under[key]
            total += max(0, filled[key] - demand) * self.over[key]
        return total

    def _cover_lines(
        self, solver: pywraplp.Solver, objective: pywraplp.Objective, integer: bool = False
    ) -> dict[Line, tuple[pywraplp.Constraint, pywraplp.Variable, pywraplp.Variable]]:
        """Each cover line's row (columns + shortfall − overstaffing = count) with its shortfall
        and overstaffing variables, paid in ``objective``: continuous for the LP, integer for
        the integer program."""
        lines = {}
        var = solver.IntVar if integer else solver.NumVar
        for key, demand in self.count.items():
            # The LP's shortfall is unbounded above, so that its duals keep the Lagrangian bound.
            short = var(0, demand if integer else solver.infinity(), "")
            extra = var(0, solver.infinity(), "")
            objective.SetCoefficient(short, self.under[key])
            objective.SetCoefficient(extra, self.over[key])
            row = solver.Constraint(demand, demand)
            row.SetCoefficient(short, 1)
            row.SetCoefficient(extra, -1)
            lines[key] = (row, short, extra)
        return lines

    @staticmethod
    def _filled(chosen: dict[str, Column]) -> dict[Line, int]:
        filled: dict[Line, int] = defaultdict(int)
        for column in chosen.values():
            for key in column:
                filled[key] += 1
        return filled

    def values(self) -> dict[tuple[str, Column], float]:
        """Each column's value in the last LP solution."""
        return {(p, c): v.solution_value() for p, cols in self.columns.items() for c, v in cols.items()}


def column_roster(
    problem: Problem, triples: Sequence[Triple], seconds: float, stopped: Callable[[], bool]
) -> ColumnResult | None:
    """Root column generation for at most ROOT_SHARE of ``seconds``, then the dive until
    INTEGER_SHARE of ``seconds`` is left, then the integer program over all columns; None when not
    one column per person could be priced in time."""
    started = time.monotonic()

    def left() -> float:
        return seconds - (time.monotonic() - started)

    by_person: dict[str, list[Triple]] = defaultdict(list)
    for triple in triples:
        by_person[triple[0].id].append(triple)
    people = sorted(by_person)
    models = {p: _Person(problem, p, by_person[p]) for p in people}
    master = _Master(problem, people)
    for p in people:
        priced = models[p].price({}, min(PRICE_SECONDS, left()))
        if priced is None or stopped() or left() <= 0:
            return None
        master.add(p, priced[2], priced[3])

    forced: dict[str, set[Line]] = defaultdict(set)

    def generate(deadline: float, most: int = 0) -> tuple[float, float]:
        """Price until no column improves the LP, ``deadline`` (seconds left) passes or (``most``
        > 0) after that many rounds; returns the LP value and the best Lagrangian bound seen."""
        best_bound, rounds, value = -math.inf, 0, math.inf
        while not most or rounds < most:
            rounds += 1
            value, duals, convex = master.solve()
            bound = sum(master.count[key] * dual for key, dual in duals.items())
            added, complete = 0, True
            for p in people:
                if left() <= deadline or stopped():
                    return value, best_bound
                priced = models[p].price(duals, min(PRICE_SECONDS, left() - deadline))
                if priced is None:
                    complete = False
                    continue
                reduced, low, column, cost = priced
                bound += low
                if reduced - convex[p] < -TINY and master.add(p, column, cost):
                    added += 1
            if complete:
                best_bound = max(best_bound, bound)
            if added == 0 or math.ceil(best_bound - TINY) >= math.ceil(value - TINY):
                # No better column, or the LP cannot fall below the next integer above the
                # bound: the root is done.
                return value, best_bound
        return value, best_bound

    lp, best_bound = generate(deadline=seconds * (1 - ROOT_SHARE))
    bound = max(0, math.ceil(best_bound - TINY)) if math.isfinite(best_bound) else 0
    complete = False
    reserve = seconds * INTEGER_SHARE  # for the integer program over the columns
    while not stopped() and left() > reserve:
        master.solve()
        values = master.values()
        weight: dict[tuple[str, Line], float] = defaultdict(float)
        for (p, column), v in values.items():
            if v > TINY:
                for key in column:
                    weight[p, key] += v
        open_ = [(v, pk) for pk, v in weight.items() if pk[1] not in forced[pk[0]]]
        if all(v > 1 - TINY for v, _ in open_):
            complete = True
            break
        open_.sort(key=lambda vk: (-vk[0], vk[1]))
        chosen = [pk for v, pk in open_ if v > 1 - TINY]
        chosen += [next(pk for v, pk in open_ if v <= 1 - TINY)]
        for p, key in chosen:
            forced[p].add(key)
            models[p].force(key)
            for column, var in master.columns[p].items():
                if key not in column:
                    var.SetUb(0)
        generate(deadline=reserve, most=DIVE_ROUNDS)
    master.solve()
    values = master.values()
    roster = {p: max(master.columns[p], key=lambda c: (values[p, c], -len(c))) for p in people}
    if left() > 0 and not stopped():
        roster = master.integer(roster, min(left(), reserve), stopped) or roster
    assignments: list[Assignment] = []
    for p in people:
        assignments.extend(Assignment(p, shift, line) for shift, line in sorted(roster[p]))
    return ColumnResult(assignments, bound, lp, complete)
