"""Closing the short lines (lns.gap_piece and solve._close_gaps) and the second pass that gives
the time kept for it to the parts with the widest gaps."""

from __future__ import annotations

import importlib
import time
from typing import Any

import pytest

from optimizer import TEST_PARAMS, Assignment, Priority, Problem, SolveStatus, Window
from optimizer.builder import build
from optimizer.check import check_roster
from optimizer.greedy import greedy_roster
from optimizer.lns import gap_piece
from tests.builders import DAY, HOUR, make_problem, person, random_problem, shift, solve_and_check

solve_module = importlib.import_module("optimizer.solve")  # the module, not the function

MON_18 = 18 * HOUR
SAT_19, SUN_19 = 5 * DAY + 19 * HOUR, 6 * DAY + 19 * HOUR


def _chain(*, crowded: bool = False) -> tuple[Problem, list[Assignment]]:
    """The street's weak community in small: the high-risk evening line H is short in the start
    roster because its candidates are busy. A is at the weekly cap with two weekend lines, B is on
    a normal line at H's hour. Filling H takes A off a weekend line and B onto it. ``crowded``:
    one more normal line X at H's hour, which nobody can fill without leaving another."""
    problem = make_problem(
        [person("A", max_minutes_per_week=240), person("B"), person("C", available=())],
        [
            shift("H", MON_18, MON_18 + 2 * HOUR, priority=Priority.HIGH_RISK),
            shift("G", MON_18, MON_18 + 2 * HOUR),
            shift("N1", SAT_19, SAT_19 + 2 * HOUR),
            shift("N2", SUN_19, SUN_19 + 2 * HOUR),
            *([shift("X", MON_18, MON_18 + 2 * HOUR)] if crowded else []),
        ],
    )
    start = [Assignment("A", "N1", 0), Assignment("A", "N2", 0), Assignment("B", "G", 0)]
    return problem, start


def _keys(roster: list[Assignment]) -> set[tuple[str, str, int]]:
    return {(a.person_id, a.shift_id, a.demand_index) for a in roster}


def test_the_piece_frees_the_short_lines_candidates_heaviest_line_first_within_the_limit() -> None:
    problem = make_problem(
        [person(p) for p in "ABCDE"],
        [
            shift("H", MON_18, MON_18 + 2 * HOUR, priority=Priority.HIGH_RISK, demand=2),
            shift("N", SAT_19, SAT_19 + 2 * HOUR),
        ],
    )
    m = build(problem)
    everybody = set(m.x)
    assert len(everybody) == 10  # five people, two shifts, everybody eligible for both
    # H has one of its two heads, N none: both short; all five are candidates of each.
    assert gap_piece(m, {("A", "H", 0)}, limit=10) == everybody
    assert gap_piece(m, {("A", "H", 0)}, limit=9) == set()  # a line comes whole or not at all
    assert gap_piece(m, {("A", "H", 0), ("B", "H", 0), ("C", "N", 0)}, limit=10) == set()  # nothing short


def test_a_line_too_big_for_the_piece_leaves_room_for_a_lighter_one() -> None:
    monday = (Window(0, DAY),)
    problem = make_problem(
        [person("A"), person("B", available=monday), person("C", available=monday)],
        [
            shift("H", MON_18, MON_18 + 2 * HOUR, priority=Priority.HIGH_RISK, demand=3),
            shift("N", SAT_19, SAT_19 + 2 * HOUR),
        ],
    )
    m = build(problem)
    # H's candidates: A, B, C (A's two variables, one each for B and C); N's: A alone.
    assert len(m.x) == 4
    assert gap_piece(m, set(), limit=4) == set(m.x)
    assert gap_piece(m, set(), limit=3) == {("A", "H", 0), ("A", "N", 0)}  # H too big: N's line
    assert gap_piece(m, set(), limit=1) == set()


def test_closing_the_gaps_fills_the_high_risk_line_through_the_chain_and_hints_it_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solve_module, "GAP_PIECE_SHARE", 1.0)  # a tiny model: the piece is all of it
    problem, roster = _chain()
    m = build(problem)
    start = solve_module._scored_part(problem, roster)
    assert start is not None and start.objective >= problem.weights.shortfall_high_risk
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    closed, spent = solve_module._close_gaps(m, start, 2.0, run)
    report = check_roster(problem, closed.assignments)
    assert report.violations == () and report.objective == closed.objective
    # Every line filled: A takes H and gives a weekend line up, which B takes over (or B takes
    # H and both weekend lines, and A takes G).
    assert report.points_by_kind().get("shortfall", 0) == 0
    assert closed.objective < start.objective
    assert closed.bound == start.bound == 0  # a piece proves nothing about the whole
    assert 0 < spent <= 2.0 + 0.5
    # The model is hinted with the new roster, every variable of it (a complete hint).
    hint = m.model.proto.solution_hint
    assert list(hint.vars) == list(range(len(m.model.proto.variables)))
    hinted = {key for key, x in m.x.items() if hint.values[x.index] == 1}
    assert hinted == _keys(closed.assignments)


def test_nothing_short_or_nothing_better_leaves_the_start_and_its_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solve_module, "GAP_PIECE_SHARE", 1.0)
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    full = [
        Assignment("A", "H", 0),
        Assignment("A", "N2", 0),
        Assignment("B", "G", 0),
        Assignment("B", "N1", 0),
    ]
    problem, _ = _chain()
    start = solve_module._scored_part(problem, full)
    assert start is not None
    assert solve_module._close_gaps(build(problem), start, 2.0, run) == (start, 0.0)  # nothing short
    # A short line nobody can fill frees nobody.
    lonely = make_problem([person("C", available=())], [shift("H", MON_18, MON_18 + 2 * HOUR)])
    empty = solve_module._scored_part(lonely, [])
    assert empty is not None
    assert solve_module._close_gaps(build(lonely), empty, 2.0, run) == (empty, 0.0)
    # X is short, but its candidates A and B are on H and G at that hour: the piece searches and
    # finds nothing better, and the model keeps the hint it had.
    crowded, _ = _chain(crowded=True)
    m = build(crowded)
    start = solve_module._scored_part(crowded, full)
    assert start is not None and start.objective >= crowded.weights.shortfall_normal
    solve_module._add_hint(m, _keys(full), run)
    hint = m.model.proto.solution_hint
    before = (list(hint.vars), list(hint.values))
    assert before[0]
    closed, spent = solve_module._close_gaps(m, start, 2.0, run)
    assert closed is start and spent > 0
    hint = m.model.proto.solution_hint
    assert (list(hint.vars), list(hint.values)) == before


def test_the_second_pass_shares_the_time_by_gap_widest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = [random_problem(10, 1, seed=seed) for seed in (1, 2)]
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    models, results = [], []
    for problem in problems:
        start = solve_module._scored_part(problem, greedy_roster(problem) or [])
        assert start is not None and start.objective > 1
        models.append(build(problem))
        results.append(start)
    # The second part claims a gap of one point: it comes last and gets what the first leaves.
    results[1].bound = results[1].objective - 1
    wide_gap = results[0].objective - results[0].bound
    searches: list[tuple[int, float]] = []
    search = solve_module._solve_part

    def spy(m: Any, seconds: float, run: Any, **kwargs: Any) -> Any:
        if not kwargs.get("piece"):
            searches.append((models.index(m), seconds))
        return search(m, seconds, run, **kwargs)

    monkeypatch.setattr(solve_module, "_solve_part", spy)
    after = solve_module._second_pass(models, list(results), run, 3.0)
    assert [i for i, _ in searches][:1] == [0]  # the widest gap first
    share = 3.0 * wide_gap / (wide_gap + 1)
    assert share * (1 - solve_module.CLOSE_GAPS_SHARE) - 1e-9 <= searches[0][1] <= share
    for problem, result, before in zip(problems, after, results, strict=True):
        assert result.objective <= before.objective
        report = check_roster(problem, result.assignments)
        assert report.violations == () and report.objective == result.objective
    # Searched again: the full model, small here, proves its roster best.
    assert after[0] is not results[0] and after[0].status == SolveStatus.OPTIMAL


def _stuck_search(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Problem, Any, list[tuple[int, int, int]], list[int]]:
    """Solve the chain with its start as the first roster and a full search that ends where it
    began: the start roster, nothing proven (CP-SAT proves this tiny model at once; a street's
    community is where this happens). The piece searches are real. Returns the problem, the
    solution, each closing (start objective, start bound, closed objective) and how many
    closings had happened when the second pass began."""
    monkeypatch.setattr(solve_module, "GAP_PIECE_SHARE", 1.0)
    problem, start = _chain()

    def mine(part: Problem) -> list[Assignment]:
        people = {p.id for p in part.people}
        return [a for a in start if a.person_id in people]

    monkeypatch.setattr(solve_module, "first_roster", lambda part, *args, **kwargs: (mine(part), 0.0))
    search, close, second_pass = solve_module._solve_part, solve_module._close_gaps, solve_module._second_pass
    closings: list[tuple[int, int, int]] = []
    before_second_pass: list[int] = []

    def stuck(m: Any, seconds: float, run: Any, **kwargs: Any) -> Any:
        if kwargs.get("piece"):
            return search(m, seconds, run, **kwargs)
        return solve_module._scored_part(m.problem, mine(m.problem))

    def close_spy(m: Any, begun: Any, seconds: float, run: Any) -> Any:
        closed, spent = close(m, begun, seconds, run)
        closings.append((begun.objective, begun.bound, closed.objective))
        return closed, spent

    def second_pass_spy(*args: Any, **kwargs: Any) -> Any:
        before_second_pass.append(len(closings))
        return second_pass(*args, **kwargs)

    monkeypatch.setattr(solve_module, "_solve_part", stuck)
    monkeypatch.setattr(solve_module, "_close_gaps", close_spy)
    monkeypatch.setattr(solve_module, "_second_pass", second_pass_spy)
    return problem, solve_and_check(problem), closings, before_second_pass


def test_a_part_whose_search_ends_with_a_wide_gap_closes_its_short_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The stuck search proves nothing (bound 0): count that gap as settled here.
    monkeypatch.setattr(solve_module, "SETTLED_GAP", 1.0)
    problem, solution, closings, before_second_pass = _stuck_search(monkeypatch)
    assert before_second_pass == [1]  # closed right after the part's search, not left for later
    objective, bound, closed = closings[0]
    assert objective >= problem.weights.shortfall_high_risk and bound == 0
    assert closed < problem.weights.shortfall_normal  # the piece filled every line
    assert solution.objective == closed
    assert solution.unmet == ()


def test_a_gap_the_search_had_no_time_to_settle_closes_nothing_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A bound of 0 against 20,000 points: the search never reached its LP bound, and the gap
    # says nothing about the roster (the second pass may still close it, with time to spare).
    _, _, _, before_second_pass = _stuck_search(monkeypatch)
    assert before_second_pass == [0]


def test_a_share_too_short_for_the_bound_closes_nothing_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solve_module, "SETTLED_GAP", 1.0)
    monkeypatch.setattr(solve_module, "CLOSE_GAPS_SECONDS_PER_VARIABLE", 10.0)  # no share is long enough
    _, _, _, before_second_pass = _stuck_search(monkeypatch)
    assert before_second_pass == [0]
