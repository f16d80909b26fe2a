"""solve(problem) -> Solution: validate, split into independent parts, solve each with CP-SAT,
join, read the breakdown back from the penalty ledger and explain every shortfall."""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import SatParameters

from optimizer.builder import RosterModel, build
from optimizer.check import CheckReport, check_roster
from optimizer.columns import applies as columns_apply
from optimizer.columns import column_roster
from optimizer.construct import first_roster
from optimizer.decompose import Part, bridge_people, empty_roster_cost, split
from optimizer.eligibility import Triple, eligible_triples
from optimizer.explain import explain
from optimizer.greedy import extend_roster, greedy_roster, previous_roster, repair_roster
from optimizer.lns import Neighbourhoods, fixed, gap_piece, short_lines, window_piece
from optimizer.params import SolveParams
from optimizer.problem import Problem
from optimizer.solution import Assignment, PenaltyLine, Progress, Solution, SolveStats, SolveStatus
from optimizer.validate import validate

ProgressFn = Callable[[Progress], None]


@dataclass
class _PartResult:
    status: SolveStatus
    assignments: list[Assignment]
    breakdown: list[PenaltyLine]
    objective: int
    bound: int
    variables: int = 0
    constraints: int = 0
    branches: int = 0
    conflicts: int = 0
    spent: float = 0.0  # seconds, or deterministic time in deterministic mode
    values: list[int] = field(default_factory=list)  # with keep_values: every model variable


@dataclass
class _Run:
    """State shared by the solving thread, the CP-SAT callback thread and the stop watcher."""

    params: SolveParams
    on_progress: ProgressFn | None
    started: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    current: cp_model.CpSolver | None = None  # a full (not first-solution-only) search in progress
    stopped: bool = False
    solutions: int = 0
    done_objective: int = 0
    done_bound: int = 0
    pending: int = 0  # empty-roster cost of the parts not solved yet
    fixed_bound: int | None = None  # during LNS: the part's bound (the pieces' bounds are no bounds)
    # A bound of the part in search known before its search (the columns' Lagrangian bound, or the
    # part's bound before its second pass): progress never reports less for the part.
    part_bound: int = 0
    limit: float = 0.0  # the time limit (params.seconds, or the one by size)
    budget: float = 0.0  # seconds for the parts: the time limit less what joining them will take
    whole_roster: list[Assignment] | None = None  # bridged parts: the whole problem's greedy roster

    def left(self) -> float:
        """Wall-clock seconds left for the parts."""
        return self.budget - (time.monotonic() - self.started)

    reported: float = math.inf  # last objective sent to on_progress

    def watch(self, stop: threading.Event, finished: threading.Event) -> None:
        """Stop the running search when ``stop`` is set; repeat until that search has returned,
        since a stop_search() that lands before CP-SAT starts would otherwise be lost."""
        while not finished.is_set():
            if not stop.wait(0.05):
                continue
            with self.lock:
                self.stopped = True
                target = self.current
            if target is not None:
                target.stop_search()
            time.sleep(0.02)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, run: _Run) -> None:
        super().__init__()
        self.run = run

    def on_solution_callback(self) -> None:
        run = self.run
        run.solutions += 1
        objective = run.done_objective + round(self.objective_value) + run.pending
        if objective >= run.reported:
            return  # CP-SAT may announce an equal roster twice; report only better ones
        run.reported = objective
        if run.on_progress is not None:
            own = run.fixed_bound
            if own is None:
                own = max(run.part_bound, math.ceil(self.best_objective_bound - 1e-6))
            bound = run.done_bound + own
            run.on_progress(
                Progress(
                    objective, min(bound, objective), time.monotonic() - run.started, run.solutions, run.limit
                )
            )


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    *,
    on_progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
) -> Solution:
    """The best roster found within ``params.seconds`` (None: by the problem's size, see
    SolveParams.time_limit); ``stop`` ends the search early and keeps
    the best roster so far; ``on_progress`` hears of each better roster."""
    validate(problem)
    params = params or SolveParams()
    run = _Run(params, on_progress, time.monotonic())
    triples = list(eligible_triples(problem))
    parts = split(problem, triples)
    bridged = bool(bridge_people(parts))
    run.limit = params.time_limit(len(triples))
    # Joining the parts (for bridged parts also repair and greedy completion), the checker and
    # explain take time after the search: 3.7 s for the 3,000-person street (306k variables), 4 s
    # for Curtois 22 (109k variables, many unmet lines), on a loaded 2-core machine.
    reserve = JOIN_SECONDS_PER_VARIABLE * len(triples)
    run.budget = run.limit - (0.0 if params.deterministic else min(reserve, run.limit / 10))
    finished = threading.Event()
    watcher = threading.Thread(target=run.watch, args=(stop, finished), daemon=True) if stop else None
    if watcher:
        watcher.start()
    if bridged:
        run.whole_roster = greedy_roster(problem, triples)
    try:
        results = _solve_parts(parts, run, lns=not bridged)
        return _join(problem, parts, results, run, triples)
    finally:
        finished.set()
        if watcher:
            watcher.join()


def _solve_parts(parts: list[Part], run: _Run, *, lns: bool) -> list[_PartResult]:
    """Parts one after another, each with the whole machine (while one searches, the next is
    built: see _Ahead). Time left (wall clock including model building, or deterministic time in
    test mode) is shared by size among the parts not solved yet, so time a small part does not
    need flows to the bigger ones. With ``lns``, a part whose full search found no roster in its
    share has its first roster improved by LNS; without (bridge copies) the part rosters are
    repaired at the join anyway, so their time goes to the full search and its bound."""
    deterministic = run.params.deterministic
    left = run.budget
    run.pending = sum(empty_roster_cost(part.problem) for part in parts)
    results: list[_PartResult] = []
    models: list[RosterModel | None] = []
    too_big = [
        not deterministic and part.size * BUILD_SECONDS_PER_VARIABLE > max(run.budget * HUGE_PART_SHARE, 1.0)
        for part in parts
    ]
    to_search = [i for i, big in enumerate(too_big) if not big]
    windows: set[int] = set()  # parts whose second pass closes short lines through windows
    ahead = _Ahead(run)
    for index, part in enumerate(parts):
        run.pending -= empty_roster_cost(part.problem)
        if not deterministic:
            left = run.left()
        rest_size = sum(p.size for p in parts[index:]) or 1
        share = max(left * part.size / rest_size, MIN_PART_SECONDS)
        if too_big[index]:
            # Building would eat much of the time limit (the whole limit: against the time left,
            # the last community of a 60 s street, 36k variables, got no search and the street's
            # gap went from 1.2 % to 11 %) and the search would buy next to nothing:
            # Curtois 24 (1.04 million variables) built in 52 s, completed the hint in 21 s, and
            # CP-SAT took 149 s to improve the first roster from 701,575 to 701,570 (and ended
            # 16 s after its limit). The first roster is the answer. (Giving construct.py the whole
            # share to improve each person's pattern made it worse there: 763,704 in 308 s.)
            roster = (
                previous_roster(part.problem, part.triples)
                if part.problem.previous
                else first_roster(part.problem, run.params, share * FIRST_ROSTER_SHARE, part.triples)[0]
            )
            first = _scored_part(part.problem, roster)
            if first is not None:
                run.done_objective += first.objective
                results.append(first)
                models.append(None)
                continue
        m, roster, spent = ahead.take(part, share * FIRST_ROSTER_SHARE)
        following = next((parts[i] for i in to_search if i > index), None)
        if following is not None and not deterministic:
            # Built and hinted while this part searches (see _Ahead); its hint's time as its share
            # would be now.
            hint_seconds = run.left() * following.size / (rest_size - part.size or 1) * FIRST_ROSTER_SHARE
            ahead.start(following, hint_seconds)
        if deterministic:
            left -= spent
        else:
            left = run.left()
        share = max(left * part.size / rest_size, MIN_PART_SECONDS)
        column_bound = 0
        tail = 0.0
        # People's own patterns tied by coverage alone (columns.applies): the columns where they
        # pay, and short lines closed through windows of days (see _close_windows).
        own_patterns = not deterministic and columns_apply(part.problem, part.triples)
        if own_patterns and lns:
            windows.add(index)
        if own_patterns and _columns_pay(part, share):
            start, column_bound = _column_hint(m, part, roster, share * COLUMNS_SHARE, run)
            if start is not None:
                # The columns' roster rounds an LP that covers what it can; a line it leaves
                # short may be filled by a chain through the days around it.
                start.bound = column_bound
                roster = _close_windows(m, start, share * WINDOWS_SHARE, run)[0].assignments
            run.part_bound = column_bound
            left = run.left()
            share = max(left * part.size / rest_size, MIN_PART_SECONDS)
        elif own_patterns and lns:
            # Too big for the columns: the search keeps WINDOWS_TAIL of the share for the second
            # pass, which closes the short lines through windows and searches again.
            tail = WINDOWS_TAIL
        if lns and deterministic:
            result = _solve_part(m, share * FULL_SEARCH_SHARE, run)
        else:
            # The whole share, unless (with lns) CP-SAT has no roster of its own by then.
            result = _solve_part(
                m, share * (1 - tail), run, give_up=share * FULL_SEARCH_SHARE if lns else None
            )
        used = result.spent
        searched = result.status != SolveStatus.NO_ROSTER  # CP-SAT found a roster of its own
        if result.status == SolveStatus.NO_ROSTER:
            proven = result.bound
            result = _scored_part(m.problem, roster) or result
            if result.status == SolveStatus.FEASIBLE:
                result.bound = min(result.objective, proven)
                if result.bound == result.objective:
                    result.status = SolveStatus.OPTIMAL
            result.variables, result.constraints = (
                len(m.model.proto.variables),
                len(m.model.proto.constraints),
            )
        if result.status != SolveStatus.NO_ROSTER and column_bound > result.bound:
            # The columns' Lagrangian bound is a bound of the part: it stands where the search
            # proved less.
            result.bound = min(result.objective, column_bound)
            if result.bound == result.objective:
                result.status = SolveStatus.OPTIMAL
        if lns and not searched and result.status == SolveStatus.FEASIBLE:
            # CP-SAT found no roster by FULL_SEARCH_SHARE of the share: improve the first roster by
            # LNS until LNS_SHARE of it; the second pass gets the rest. (Where the full search
            # finds rosters it did better than LNS on Curtois 5-8 at 60 s, and worse on 9:
            # 1148/1950/1108/1919/707 against 1345/2238/1180/2061/570, loads 2.7-4.2 and 3.2-3.9.)
            budget = share * LNS_SHARE - used
            if not deterministic:
                budget = min(budget, run.left())
            result, more = _improve(m, result, budget, run, seed=run.params.seed + index)
            used += more
        if (
            result.status == SolveStatus.FEASIBLE
            and WIDE_GAP * result.objective
            < result.objective - result.bound
            <= SETTLED_GAP * result.objective
            and share >= CLOSE_GAPS_SECONDS_PER_VARIABLE * len(m.x)
        ):
            # The part's gap is wide where its neighbours' are not (street seed 2: one community
            # at 4.9 %, the others at 0.1-0.7 %): its short lines may want a chain its search
            # missed. Beyond SETTLED_GAP the search had no time for its bound, and the gap says
            # nothing about the roster (a 3,000-person street in 30 s: 2 s per community, bounds
            # 5-80 % short; closing every part's lines then took the last parts' time). Nor with
            # a share that short: a community's LP bound needs about 2 s of search, and 1.5 s of
            # closings in the middle of a 30 s street left its last three parts with no bound.
            budget = min(share * CLOSE_GAPS_SHARE, left - used if deterministic else run.left())
            result, closing = _close_gaps(m, result, budget, run)
            used += closing
        if deterministic:
            left -= used
        run.part_bound = 0
        run.done_objective += result.objective
        run.done_bound += result.bound
        results.append(result)
        models.append(m)
    ahead.close()
    return _second_pass(models, results, run, left, windows=windows)


class _Ahead:
    """Build (and hint) the next part in a thread while CP-SAT searches the one before.

    Why: CP-SAT releases the GIL while it searches, and building a community's model and its hint
    is Python: 1.4 s for each 33k-variable community of the 3,000-person street, 14 s of a 60 s
    limit when done between the searches. Built alongside, it costs the search a share of one core
    for that time instead. In deterministic mode nothing is built ahead (same models, same order)."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridroster-build")
        self.part: Part | None = None
        self.future: Future[tuple[RosterModel, list[Assignment] | None, float]] | None = None

    def start(self, part: Part, hint_seconds: float) -> None:
        if self.part is not part:
            self.part, self.future = part, self.pool.submit(self._make, part, hint_seconds)

    def take(self, part: Part, hint_seconds: float) -> tuple[RosterModel, list[Assignment] | None, float]:
        """``part``'s model, its hint and the time the hint took: built ahead if it was, else now.
        What went wrong building ahead is raised here."""
        if self.part is part and self.future is not None:
            future, self.part, self.future = self.future, None, None
            return future.result()
        return self._make(part, hint_seconds)

    def _make(self, part: Part, hint_seconds: float) -> tuple[RosterModel, list[Assignment] | None, float]:
        m = build(part.problem, part.triples)
        roster, spent = _hint(m, self.run, hint_seconds)
        return m, roster, spent

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _second_pass(
    models: list[RosterModel | None],
    results: list[_PartResult],
    run: _Run,
    left: float,
    *,
    windows: Collection[int] = (),
) -> list[_PartResult]:
    """Time that parts proven early did not use goes to the parts still open by their gap
    (objective − bound: the street's gap is the sum of its parts'), widest first, each first
    closing its short lines (_close_gaps, or for the parts in ``windows`` _close_windows, which may take
    the part's whole share), then searching again from its best roster (a complete hint); a part
    keeps the better roster and the higher bound."""
    open_parts = [
        i for i, r in enumerate(results) if r.status == SolveStatus.FEASIBLE and models[i] is not None
    ]
    open_parts.sort(key=lambda i: results[i].bound - results[i].objective)  # widest gap first
    for n, i in enumerate(open_parts):
        if not run.params.deterministic:
            left = run.left()
        rest_gap = sum(results[j].objective - results[j].bound for j in open_parts[n:]) or 1
        share = left * (results[i].objective - results[i].bound) / rest_gap
        m, before = models[i], results[i]
        if share < 1.0 or run.stopped or m is None:
            continue
        m.model.clear_hints()  # type: ignore[no-untyped-call]
        chosen = {(a.person_id, a.shift_id, a.demand_index) for a in before.assignments}
        hinting = _add_hint(m, chosen, run)
        run.done_objective -= before.objective
        run.done_bound -= before.bound
        run.part_bound = before.bound
        if i in windows:
            closed, closing = _close_windows(m, before, share, run)
        else:
            closed, closing = _close_gaps(m, before, share * CLOSE_GAPS_SHARE, run)
        if run.params.deterministic:
            left -= hinting + closing
        if share - closing < MIN_PART_SECONDS:
            best = closed  # the windows took the part's share
            best.bound = min(best.objective, before.bound)
        else:
            after = _solve_part(m, share - closing, run)
            if run.params.deterministic:
                left -= after.spent
            best = (
                after
                if after.status != SolveStatus.NO_ROSTER and after.objective <= closed.objective
                else closed
            )
            best.bound = min(best.objective, max(before.bound, after.bound))
        best.status = SolveStatus.OPTIMAL if best.bound == best.objective else SolveStatus.FEASIBLE
        run.part_bound = 0
        run.done_objective += best.objective
        run.done_bound += best.bound
        results[i] = best
    return results


MIN_PART_SECONDS = 0.05
# A part's share of the time: first roster (when the greedy cannot: construct.py) at most
# FIRST_ROSTER_SHARE, then the full model (the bound) FULL_SEARCH_SHARE, then LNS until
# LNS_SHARE has gone; what is left goes to the second pass (full model, hinted with the best).
FIRST_ROSTER_SHARE = 0.1
FULL_SEARCH_SHARE = 0.6
LNS_SHARE = 0.85
# A part whose gap after its search is wider than WIDE_GAP of its objective (but no wider than
# SETTLED_GAP), and each part in the second pass, re-solves its short lines (_close_gaps) for at
# most CLOSE_GAPS_SHARE of its time, in a piece of at most GAP_PIECE_SHARE of its variables.
WIDE_GAP = 0.01
SETTLED_GAP = 0.1
CLOSE_GAPS_SECONDS_PER_VARIABLE = 100e-6  # a share shorter than this: the time goes to the bounds
CLOSE_GAPS_SHARE = 0.5
GAP_PIECE_SHARE = 0.3
# After the columns' roster (see _close_windows), for at most WINDOWS_SHARE of the part's time:
# windows of days around its short lines, each piece at most WINDOW_PIECE_SHARE of the variables
# and WINDOW_MOVE_SECONDS long.
WINDOWS_SHARE = 0.1
WINDOW_PIECE_SHARE = 0.5
WINDOW_MOVE_SECONDS = 5.0
WINDOWS_TAIL = 0.3  # kept from the search, for the windows, where the columns do not run
LOCAL_SEARCH_SUBSOLVERS = ("ls", "ls_lin")  # CP-SAT's names for its local-search helpers
LNS_WORKERS = 1  # small pieces: one worker did better than two (Curtois 8, 60 s: 2156 vs 2268)
LNS_MOVE_SECONDS = (0.5, 3.0)  # each move's limit: a twentieth of the LNS time, within these
REFUTED_AT_ONCE = 1e-3  # seconds (or deterministic time): a move with no roster this fast was refuted
# measured: about 40 µs per decision variable to build, and 17 µs to complete the hint
BUILD_SECONDS_PER_VARIABLE = 60e-6
HUGE_PART_SHARE = 0.2  # a part whose build would take more of the time limit gets no CP-SAT search
BIG_PART = 5_000  # decision variables
# Column generation first (see _columns_pay) for parts below BIG_PART with at least this share,
# for at most COLUMNS_SHARE of it.
COLUMNS_MIN_SECONDS = 30.0
COLUMNS_SHARE = 0.65
JOIN_SECONDS_PER_VARIABLE = 40e-6
HINT_SECONDS_PER_VARIABLE = 50e-6  # completing a hint: 0.2 s for a 36k-variable community


def _solve_part(
    m: RosterModel,
    seconds: float,
    run: _Run,
    *,
    piece: bool = False,
    piece_workers: int = LNS_WORKERS,
    keep_values: bool = False,
    give_up: float | None = None,
) -> _PartResult:
    """Search the whole model, or with ``piece`` an LNS piece (most variables fixed): no
    bound-oriented workers there, and no first-solution search after a stop (the hint is a
    roster already). ``give_up``: wall seconds after which a search without any roster stops."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = run.params.worker_count()
    if piece:
        params.num_workers = min(params.num_workers, piece_workers)
    else:
        _tune_for_few_workers(params, len(m.x))
    params.random_seed = run.params.seed
    if len(m.x) >= BIG_PART:
        # Street-sized parts: probing and repeated presolve cost seconds and buy little here
        # (a 12k-variable community: proven in 3.6 s instead of 9.3 s).
        params.cp_model_probing_level = 0
        params.max_presolve_iterations = 1
        params.symmetry_level = 1
    params.log_search_progress = run.params.log
    if run.params.deterministic:
        params.max_deterministic_time = seconds
    else:
        params.max_time_in_seconds = seconds
    timer: threading.Timer | None = None
    if give_up is not None and give_up < seconds and not run.params.deterministic:
        seen = run.solutions

        def no_roster_yet() -> None:
            if run.solutions == seen:
                solver.stop_search()

        timer = threading.Timer(give_up, no_roster_yet)
        timer.daemon = True
        timer.start()
    try:
        status = _run_solver(solver, m, run)
    finally:
        if timer is not None:
            timer.cancel()
    if status == cp_model.UNKNOWN and run.stopped and not piece:
        status = _run_solver(solver, m, run)  # stopped before any roster: take the first one
    proto = m.model.proto
    spent = solver.deterministic_time if run.params.deterministic else solver.wall_time
    stats = dict(
        variables=len(proto.variables),
        constraints=len(proto.constraints),
        spent=spent,
        branches=solver.num_branches,
        conflicts=solver.num_conflicts,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # No roster in time, but what the search proved is still a bound (the full model only).
        proven = solver.best_objective_bound
        bound = (
            0
            if piece or status != cp_model.UNKNOWN or not math.isfinite(proven)
            else max(0, math.ceil(proven - 1e-6))
        )
        return _PartResult(SolveStatus.NO_ROSTER, [], [], 0, bound, **stats)  # type: ignore[arg-type]
    assignments = [Assignment(p, s, d) for (p, s, d), x in m.x.items() if solver.boolean_value(x)]
    breakdown = _read_ledger(m, solver)
    objective = sum(line.points for line in breakdown)
    bound = (
        objective
        if status == cp_model.OPTIMAL
        else max(0, min(objective, math.ceil(solver.best_objective_bound - 1e-6)))
    )
    solved = SolveStatus.OPTIMAL if bound == objective else SolveStatus.FEASIBLE
    values = list(solver.response_proto.solution) if keep_values else []
    return _PartResult(solved, assignments, breakdown, objective, bound, values=values, **stats)  # type: ignore[arg-type]


def _close_gaps(m: RosterModel, start: _PartResult, seconds: float, run: _Run) -> tuple[_PartResult, float]:
    """``start`` with its short lines re-solved for at most ``seconds``: everybody who could fill
    one free, everybody else fixed (lns.gap_piece); see _re_solve. Also returns the time spent.

    Why: CP-SAT's own LNS pieces are random; where filling a short line takes a chain through
    the people who could fill it, they miss it (see gap_piece: 20,000 points on the street's
    seed 2 in 1.3 s, which 20 s of the full search did not find)."""
    chosen = {(a.person_id, a.shift_id, a.demand_index) for a in start.assignments}
    free = gap_piece(m, chosen, GAP_PIECE_SHARE * len(m.x))
    if not free or seconds < LNS_MOVE_SECONDS[0]:
        return start, 0.0
    result, _, spent = _re_solve(m, start, free, seconds, run)
    return result, spent


def _close_windows(
    m: RosterModel, start: _PartResult, seconds: float, run: _Run
) -> tuple[_PartResult, float]:
    """``start`` with everybody re-solved over a window of days around each day with a short
    line (lns.window_piece), for at most ``seconds`` in all: the window starts a day wide on each
    side and widens by a day while its piece is searched to the end with nothing better, until a
    piece runs out of its WINDOW_MOVE_SECONDS, passes WINDOW_PIECE_SHARE of the variables or holds
    them all. After a better roster the short lines are taken again. Returns the best roster
    (hinted to the model completely) and the time spent.

    Why: where everybody qualified could fill a short line, its candidates are the whole part
    (gap_piece takes none), and the chain that fills it runs through the days around it; see
    window_piece."""
    best, spent = start, 0.0
    began = time.monotonic()

    def used() -> float:
        # Wall clock: the pieces' fixing, checking and hinting take time beside CP-SAT's own (on
        # Curtois 12 the solve ended 3 s late when only the searches were counted).
        return spent if run.params.deterministic else time.monotonic() - began

    done: set[int] = set()  # days whose windows gave nothing since the last better roster
    while not run.stopped and best.objective > start.bound:
        chosen = {(a.person_id, a.shift_id, a.demand_index) for a in best.assignments}
        days = dict.fromkeys(s.day for s, _ in short_lines(m, chosen))
        day = next((d for d in days if d not in done), None)
        if day is None:
            break
        done.add(day)
        width = 1
        while seconds - used() >= LNS_MOVE_SECONDS[0] and not run.stopped:
            free = window_piece(m, day, width)
            if len(free) > WINDOW_PIECE_SHARE * len(m.x):
                break
            after, ended, searched = _re_solve(m, best, free, min(WINDOW_MOVE_SECONDS, seconds - used()), run)
            spent += searched
            if after is not best:
                best = after
                done.clear()
                break
            if not ended or len(free) == len(m.x):
                break  # out of time, or the window holds the whole part already
            width += 1
        if seconds - used() < LNS_MOVE_SECONDS[0]:
            break
    return best, used()


def _re_solve(
    m: RosterModel, start: _PartResult, free: set[tuple[str, str, int]], seconds: float, run: _Run
) -> tuple[_PartResult, bool, float]:
    """``start`` with the variables ``free`` re-solved and every other decision fixed, for at
    most ``seconds``. A better roster, checked by the independent checker, is returned and hinted
    to the model completely (the piece's solution is one of the whole model); else ``start``, and
    the model keeps its hint. Also returns whether the piece was searched to the end (its roster
    proven best for the piece) and the time spent."""
    chosen = {(a.person_id, a.shift_id, a.demand_index) for a in start.assignments}
    hint = m.model.proto.solution_hint
    saved = (list(hint.vars), list(hint.values))
    run.fixed_bound = start.bound  # the piece's bound is no bound of the part
    try:
        with fixed(m, chosen, free):
            # All workers: a piece of thousands of variables, not an LNS move (seed 2's weak
            # community: 632,454 after 0.8 s on two workers, 632,450 after 1.3 s on one).
            after = _solve_part(
                m, seconds, run, piece=True, piece_workers=run.params.worker_count(), keep_values=True
            )
    finally:
        run.fixed_bound = None
    ended = after.status == SolveStatus.OPTIMAL
    hint = m.model.proto.solution_hint  # fixed() leaves the model without a hint
    if (
        after.status != SolveStatus.NO_ROSTER
        and after.objective < start.objective
        and _adopt(m, start, after)
    ):
        hint.vars.extend(range(len(after.values)))
        hint.values.extend(after.values)
        after.values = []
        return after, ended, after.spent
    hint.vars.extend(saved[0])
    hint.values.extend(saved[1])
    return start, ended, after.spent


def _columns_pay(part: Part, share: float) -> bool:
    """Whether the roster of a part of people's own patterns (columns.applies; never in
    deterministic mode) is first sought by column generation (columns.py): where the part is
    small and its time not too short. Curtois
    14 (3,572 variables, 300 s): 1279 from the columns in 181 s, against 1512 from the full search
    alone; Curtois 5 at 60 s: 1144 from the columns in 13 s (the dive and the integer program over
    its columns), 1143 after the search, against 1143-1151 from the search alone."""
    return share >= COLUMNS_MIN_SECONDS and part.size < BIG_PART


def _column_hint(
    m: RosterModel, part: Part, roster: list[Assignment] | None, seconds: float, run: _Run
) -> tuple[_PartResult | None, int]:
    """The roster of columns.column_roster, hinted to ``m`` completely when the checker finds it
    valid and better than ``roster`` (the first roster); returns the roster to fall back on,
    scored by the checker (None: neither is valid), and the columns' Lagrangian bound (0: none)."""
    first = _scored_part(part.problem, roster)
    found = column_roster(part.problem, part.triples, seconds, lambda: run.stopped)
    if found is None:
        return first, 0
    better = _scored_part(part.problem, found.assignments)
    if better is None or (first is not None and better.objective >= first.objective):
        return first, found.bound
    m.model.clear_hints()  # type: ignore[no-untyped-call]
    _add_hint(m, {(a.person_id, a.shift_id, a.demand_index) for a in better.assignments}, run)
    objective = run.done_objective + better.objective + run.pending
    if run.on_progress is not None and objective < run.reported:
        # Minutes may pass before the search's first roster: the job page hears of this one.
        run.reported = objective
        bound = min(objective, run.done_bound + found.bound)
        run.on_progress(Progress(objective, bound, time.monotonic() - run.started, run.solutions, run.limit))
    return better, found.bound


def _scored_part(problem: Problem, roster: list[Assignment] | None) -> _PartResult | None:
    """A roster built outside CP-SAT (greedy or constructed), scored by the independent checker,
    when CP-SAT has none in time: a coordinator always gets a valid roster; its bound is 0."""
    if roster is None:
        return None
    report = check_roster(problem, roster)
    if report.violations:
        return None
    return _PartResult(SolveStatus.FEASIBLE, roster, list(report.breakdown), report.objective, 0)


def _improve(
    m: RosterModel, start: _PartResult, seconds: float, run: _Run, *, seed: int
) -> tuple[_PartResult, float]:
    """LNS from ``start`` for ``seconds`` (deterministic time in deterministic mode): re-solve a
    piece with the rest fixed, keep the roster when it is no worse. The bound stays ``start``'s;
    the result is scored by the independent checker (``start`` is kept if it disagrees).
    Returns the best roster and the time spent."""
    best, spent = start, 0.0
    chosen = {(a.person_id, a.shift_id, a.demand_index) for a in start.assignments}
    pieces = Neighbourhoods(m, seed)
    low, high = LNS_MOVE_SECONDS
    move_seconds = min(high, max(low, seconds / 20))
    run.fixed_bound = start.bound
    try:
        while seconds - spent >= low and not run.stopped and best.objective > start.bound:
            with fixed(m, chosen, pieces.next()):
                after = _solve_part(m, min(move_seconds, seconds - spent), run, piece=True)
            spent += after.spent
            if after.status == SolveStatus.NO_ROSTER:
                if after.spent < REFUTED_AT_ONCE:
                    # The roster kept around the piece is a solution of it, so only running out
                    # of time gives no roster, unless the model rejects a roster the checker
                    # accepts; then every move is refuted at once and the loop would never end.
                    break
                pieces.learn(False)
                continue
            pieces.learn(after.bound == after.objective)
            if after.objective <= best.objective:
                best = after
                chosen = {(a.person_id, a.shift_id, a.demand_index) for a in after.assignments}
    finally:
        run.fixed_bound = None
    if best is start or not _adopt(m, start, best):
        return start, spent
    best.spent = start.spent + spent
    best.branches += start.branches
    best.conflicts += start.conflicts
    return best, spent


def _adopt(m: RosterModel, start: _PartResult, better: _PartResult) -> bool:
    """Whether ``better``, a roster from pieces of ``start``'s model, stands: the independent
    checker must agree with it. If so it takes ``start``'s bound (a piece's bound is no bound of
    the part) and its model's size."""
    report = check_roster(m.problem, better.assignments)
    if report.violations or report.objective != better.objective:
        return False
    better.bound = min(start.bound, better.objective)
    better.status = SolveStatus.OPTIMAL if better.bound == better.objective else SolveStatus.FEASIBLE
    better.variables, better.constraints = start.variables, start.constraints
    return True


def _tune_for_few_workers(params: SatParameters, variables: int) -> None:
    """On 1-2 workers the default portfolio keeps only default_lp, whose LP misses the bound on
    coverage/preference models (30 people: bound stuck at 20 vs optimum 32 after 30 s); the
    stronger LP (linearization level 2, the "max_lp" worker) proves the same model in 0.2 s.
    ``variables``: the model's decision variables."""
    if params.num_workers == 1:
        params.linearization_level = 2
    elif params.num_workers == 2:
        params.subsolvers.append("max_lp")
        # Objective lower-bound search lifts the bound on the Curtois instances (Instance5 after
        # 30 s: 917 instead of 757; Instance3 proven in 10.7 s instead of 20.7 s).
        params.use_objective_lb_search = True
        # The second worker takes turns among the LNS and the local-search (violation LS,
        # feasibility jump) helpers. Every search here starts from a complete feasible hint; on
        # a small model the LNS pieces are searched whole and their LP-guided ones find the
        # better rosters, so the local search only takes their turns (Curtois 5, 60 s, seeds
        # 1-5: 1143, 1150, 1143 proven, 1147, 1150 without it; 1144, 1147, 1243, 1237, 1242
        # with it). On big models its cheap moves pay: Curtois 13 (39,936 variables), 300 s:
        # 4039 and 4317 without it, 3444 with it.
        if variables < BIG_PART:
            params.ignore_subsolvers.extend(LOCAL_SEARCH_SUBSOLVERS)


def _run_solver(solver: cp_model.CpSolver, m: RosterModel, run: _Run) -> int:
    """One CP-SAT search; after a stop request only a first-solution search, which the watcher
    leaves alone, so every part still gets a roster."""
    with run.lock:
        first_only = run.stopped
        run.current = None if first_only else solver
    solver.parameters.stop_after_first_solution = first_only
    try:
        return int(solver.solve(m.model, _Callback(run)))
    finally:
        with run.lock:
            run.current = None


def _hint(m: RosterModel, run: _Run, seconds: float) -> tuple[list[Assignment] | None, float]:
    """A complete hint: the published roster when re-planning (hints only speed up; the change
    term is what limits churn), else the first roster (construct.first_roster). Returns a valid
    roster to fall back on (the published one as far as it still holds, or the first roster),
    and the time (deterministic time in deterministic mode) spent on it."""
    roster: list[Assignment] | None = None
    spent = 0.0
    triples = [(m.people[p], m.shifts[s], d) for p, s, d in m.x]
    if m.problem.previous:
        # The published roster kept as far as it still holds: the fallback when CP-SAT finds
        # nothing in time (a street-sized re-plan can spend its limit in presolve).
        roster = previous_roster(m.problem, triples)
        pairs, lines = set(m.problem.previous), None
    else:
        if run.whole_roster is not None:
            # Bridged parts all start from one roster of the whole problem, so where their searches
            # leave the street-wide people alone the parts' rosters agree and join without repair.
            roster = [a for a in run.whole_roster if (a.person_id, a.shift_id, a.demand_index) in m.x]
        else:
            roster, spent = first_roster(m.problem, run.params, seconds, triples)
        if roster is None:
            return None, spent
        pairs = {(a.person_id, a.shift_id) for a in roster}
        lines = {(a.person_id, a.shift_id, a.demand_index) for a in roster}
    hinted: set[tuple[str, str]] = set()
    keys: set[tuple[str, str, int]] = set()
    for p, s, d in m.x:
        if (p, s) in pairs and (p, s) not in hinted and (lines is None or (p, s, d) in lines):
            hinted.add((p, s))
            keys.add((p, s, d))
    spent += _add_hint(m, keys, run)
    return roster, spent


def _add_hint(m: RosterModel, chosen: set[tuple[str, str, int]], run: _Run) -> float:
    """Hint the roster ``chosen``, completed with the value of every other variable (shortfalls,
    runs, penalties) by a search with the decision variables fixed; returns the time it took.

    Why: a hint of the decision variables alone was found again by CP-SAT only after 8 s on a
    36k-variable community (the street's parts ran out of time with no roster and a weak bound);
    a complete feasible hint is CP-SAT's first roster at once, and its bound rose to within 0.1 %
    in 3 s. Where the completion finds nothing in time (the roster breaks a rule of the model),
    the decision variables alone are hinted."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = run.params.seed
    limit = max(MIN_PART_SECONDS, HINT_SECONDS_PER_VARIABLE * len(m.x))
    if run.params.deterministic:
        solver.parameters.max_deterministic_time = limit
    else:
        solver.parameters.max_time_in_seconds = limit
    with fixed(m, chosen, set()):
        status = solver.solve(m.model)
    spent = solver.deterministic_time if run.params.deterministic else solver.wall_time
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for index, value in enumerate(solver.response_proto.solution):
            m.model.add_hint(m.model.get_int_var_from_proto_index(index), value)
    else:
        for key, x in m.x.items():
            m.model.add_hint(x, key in chosen)
    return float(spent)


def _read_ledger(m: RosterModel, solver: cp_model.CpSolver) -> list[PenaltyLine]:
    lines = []
    for term in m.ledger:
        amount = term.amount if isinstance(term.amount, int) else solver.value(term.amount)
        if amount != 0:
            lines.append(PenaltyLine(term.kind, term.subject, amount, amount * term.weight))
    return lines


def _join(
    problem: Problem, parts: list[Part], results: list[_PartResult], run: _Run, triples: list[Triple]
) -> Solution:
    """Sum objectives and bounds; person lines split across parts (change) are merged."""
    merged: dict[tuple[str, str, int], PenaltyLine] = {}
    order: list[tuple[str, str, int]] = []
    for part, result in zip(parts, results, strict=True):
        for n, line in enumerate(result.breakdown):
            if line.kind == "preference":
                line = PenaltyLine(
                    line.kind, str(part.request_index[int(line.subject)]), line.amount, line.points
                )
            # Per-person kinds can appear in two parts only for "change"; per-line kinds never do.
            key = (line.kind, line.subject, 0 if line.kind == "change" else id(result) * 100_000 + n)
            if key in merged:
                old = merged[key]
                merged[key] = PenaltyLine(
                    old.kind, old.subject, old.amount + line.amount, old.points + line.points
                )
            else:
                merged[key] = line
                order.append(key)
    statuses = {r.status for r in results}
    if SolveStatus.NO_ROSTER in statuses:
        status = SolveStatus.NO_ROSTER
    else:
        status = SolveStatus.OPTIMAL if statuses <= {SolveStatus.OPTIMAL} else SolveStatus.FEASIBLE
    assignments = tuple(a for r in results for a in r.assignments)
    breakdown = tuple(merged[k] for k in order) if status != SolveStatus.NO_ROSTER else ()
    objective = sum(line.points for line in breakdown)
    stats = SolveStats(
        seconds=time.monotonic() - run.started,
        variables=sum(r.variables for r in results),
        constraints=sum(r.constraints for r in results),
        components=len(parts),
        workers=run.params.worker_count(),
        branches=sum(r.branches for r in results),
        conflicts=sum(r.conflicts for r in results),
        solutions=run.solutions,
    )
    if status == SolveStatus.NO_ROSTER:
        return Solution(status, (), (), (), 0, sum(r.bound for r in results), stats)
    bound = sum(r.bound for r in results)
    bridges = bridge_people(parts)
    if bridges:
        roster, report = _join_bridged(problem, list(assignments), bridges, triples, run.whole_roster)
        bound = min(bound, report.objective)
        status = SolveStatus.OPTIMAL if bound == report.objective else SolveStatus.FEASIBLE
        stats = dataclasses.replace(stats, seconds=time.monotonic() - run.started, solutions=run.solutions)
        if run.on_progress is not None and report.objective < run.reported:
            run.on_progress(Progress(report.objective, bound, stats.seconds, run.solutions, run.limit))
        final = tuple(roster)
        return Solution(
            status, final, explain(problem, final), report.breakdown, report.objective, bound, stats
        )
    unmet = explain(problem, assignments)
    return Solution(status, assignments, unmet, breakdown, objective, bound, stats)


def _join_bridged(
    problem: Problem,
    roster: list[Assignment],
    bridges: set[str],
    triples: list[Triple],
    whole: list[Assignment] | None,
) -> tuple[list[Assignment], CheckReport]:
    """Parts solved with copies of street-wide people (decompose.split): keep each person's
    assignments that still fit their rules across parts, fill what that freed with the greedy.
    The parts' bounds stay valid (each part was a relaxation), so the gap is honest."""
    roster = extend_roster(problem, repair_roster(problem, roster, bridges), triples)
    report = check_roster(problem, roster)
    # The repair can cost more than the parts gained (copies that all chose the same nurse): the
    # whole problem's greedy roster is the floor.
    if whole is not None:
        other = check_roster(problem, whole)
        if not other.violations and other.objective < report.objective:
            return whole, other
    return roster, report
