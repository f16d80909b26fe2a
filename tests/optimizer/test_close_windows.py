"""Closing short lines through the days around them (lns.window_piece, solve._close_windows):
everybody free over a window that widens while it finds nothing, the rest of the roster fixed."""

from __future__ import annotations

import importlib
import time
from typing import Any

import pytest

from optimizer import TEST_PARAMS, Assignment, Problem, Rules, SolveParams, Window
from optimizer.builder import build
from optimizer.check import check_roster
from optimizer.columns import ColumnResult
from optimizer.lns import short_lines, window_piece
from tests.builders import DAY, day_shift, make_problem, person, solve_and_check

solve_module = importlib.import_module("optimizer.solve")  # the module, not the function


def _chain(cap: int | None = None) -> tuple[Problem, list[Assignment]]:
    """Four day shifts S0-S3 of one head each; A and B may work two shifts each, B only on days
    0-2 (no cap on extra heads, as in the Curtois benchmark, so the columns apply). The start
    roster leaves S3 short: A, its one candidate, is on S0 and S1 and at the cap. Filling S3
    takes a chain: B onto S1, A off it and onto S3 (A: S0, S3; B: S1, S2). The short line's
    candidates alone (A) find nothing; the days 1-5 around it hold the chain. ``cap``: extra heads
    allowed on a line (0: the street's default, which couples people)."""
    two_shifts = 2 * 8 * 60
    problem = make_problem(
        [
            person("A", max_minutes_total=two_shifts),
            person("B", max_minutes_total=two_shifts, available=(Window(0, 3 * DAY),)),
        ],
        [day_shift(f"S{d}", d) for d in range(4)],
        rules=Rules(max_extra_heads=cap),
    )
    start = [Assignment("A", "S0", 0), Assignment("A", "S1", 0), Assignment("B", "S2", 0)]
    return problem, start


def _keys(roster: list[Assignment]) -> set[tuple[str, str, int]]:
    return {(a.person_id, a.shift_id, a.demand_index) for a in roster}


def _widths(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Record each window (day, width) _close_windows searches."""
    seen: list[tuple[int, int]] = []

    def spy(m: Any, day: int, width: int) -> Any:
        seen.append((day, width))
        return window_piece(m, day, width)

    monkeypatch.setattr(solve_module, "window_piece", spy)
    return seen


def test_the_window_frees_everybody_on_the_days_around_the_day() -> None:
    problem, start = _chain()
    m = build(problem)
    # B is not available on day 3: seven variables, A on all four days and B on three.
    assert len(m.x) == 7
    assert window_piece(m, 3, 1) == {("A", "S2", 0), ("B", "S2", 0), ("A", "S3", 0)}
    assert window_piece(m, 3, 2) == window_piece(m, 3, 1) | {("A", "S1", 0), ("B", "S1", 0)}
    assert window_piece(m, 0, 0) == {("A", "S0", 0), ("B", "S0", 0)}
    assert window_piece(m, 1, 3) == set(m.x)
    assert [(s.id, line) for s, line in short_lines(m, _keys(start))] == [("S3", 0)]


def test_the_window_widens_until_it_holds_the_chain_that_fills_the_short_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solve_module, "WINDOW_PIECE_SHARE", 1.0)  # a tiny model
    monkeypatch.setattr(solve_module, "GAP_PIECE_SHARE", 1.0)
    problem, roster = _chain()
    m = build(problem)
    start = solve_module._scored_part(problem, roster)
    assert start is not None and start.objective >= problem.weights.shortfall_normal
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    # The short line's own candidates (A alone) cannot fill it: A is at its cap.
    assert solve_module._close_gaps(m, start, 2.0, run)[0] is start
    widths = _widths(monkeypatch)
    closed, spent = solve_module._close_windows(m, start, 5.0, run)
    report = check_roster(problem, closed.assignments)
    assert report.violations == () and report.objective == closed.objective
    assert report.points_by_kind().get("shortfall", 0) == 0
    assert _keys(closed.assignments) == {("A", "S0", 0), ("A", "S3", 0), ("B", "S1", 0), ("B", "S2", 0)}
    # Days 2-4 hold nothing better (A's S1 is fixed); days 1-5 hold the chain. Then nothing is
    # short and the closing ends.
    assert widths == [(3, 1), (3, 2)]
    assert closed.bound == start.bound == 0  # a piece proves nothing about the whole
    assert 0 < spent <= 5.0
    hint = m.model.proto.solution_hint  # the model is hinted with the new roster, completely
    assert list(hint.vars) == list(range(len(m.model.proto.variables)))
    assert {key for key, x in m.x.items() if hint.values[x.index] == 1} == _keys(closed.assignments)


def test_a_line_nobody_can_fill_widens_to_the_whole_part_and_keeps_the_start_and_its_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solve_module, "WINDOW_PIECE_SHARE", 1.0)
    # A alone, two shifts at the same hour on day 1: one of them stays short whatever A does.
    problem = make_problem([person("A")], [day_shift("X", 1), day_shift("Y", 1), day_shift("Z", 3)])
    m = build(problem)
    roster = [Assignment("A", "X", 0), Assignment("A", "Z", 0)]
    start = solve_module._scored_part(problem, roster)
    assert start is not None and start.objective >= problem.weights.shortfall_normal
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    solve_module._add_hint(m, _keys(roster), run)
    hint = m.model.proto.solution_hint
    before = (list(hint.vars), list(hint.values))
    widths = _widths(monkeypatch)
    closed, spent = solve_module._close_windows(m, start, 5.0, run)
    assert closed is start and spent > 0
    assert widths == [(1, 1), (1, 2)]  # days 0-2 (X, Y), then days 0-3 hold every variable
    hint = m.model.proto.solution_hint
    assert (list(hint.vars), list(hint.values)) == before
    # A piece above WINDOW_PIECE_SHARE of the variables is not searched; nor without time.
    monkeypatch.setattr(solve_module, "WINDOW_PIECE_SHARE", 0.5)
    widths.clear()
    assert solve_module._close_windows(m, start, 5.0, run) == (start, 0.0)
    assert widths == [(1, 1)]
    monkeypatch.setattr(solve_module, "WINDOW_PIECE_SHARE", 1.0)
    assert solve_module._close_windows(m, start, solve_module.LNS_MOVE_SECONDS[0] / 2, run) == (start, 0.0)
    # Nothing short: nothing to search.
    lonely = make_problem([person("A")], [day_shift("X", 1)])
    full = solve_module._scored_part(lonely, [Assignment("A", "X", 0)])
    assert full is not None
    assert solve_module._close_windows(build(lonely), full, 5.0, run) == (full, 0.0)


def test_the_columns_roster_is_closed_through_windows_before_the_full_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the columns pay, their roster's short lines are closed through windows, and the full
    search starts from the closed roster."""
    problem, roster = _chain()
    monkeypatch.setattr(solve_module, "COLUMNS_MIN_SECONDS", 1.0)
    monkeypatch.setattr(solve_module, "WINDOW_PIECE_SHARE", 1.0)
    # The first roster and the columns' both leave S3 short.
    monkeypatch.setattr(solve_module, "first_roster", lambda *args, **kwargs: (roster, 0.0))
    monkeypatch.setattr(
        solve_module, "column_roster", lambda *args, **kwargs: ColumnResult(roster, 0, 0.0, True)
    )
    closings: list[tuple[int, int, float]] = []
    close = solve_module._close_windows

    def spy(m: Any, start: Any, seconds: float, run: Any) -> Any:
        closed, spent = close(m, start, seconds, run)
        closings.append((start.objective, closed.objective, seconds))
        return closed, spent

    monkeypatch.setattr(solve_module, "_close_windows", spy)
    # Eight seconds: a tenth of the share is a piece's shortest time (LNS_MOVE_SECONDS).
    solution = solve_and_check(problem, SolveParams(seconds=8.0, workers=1, seed=1))
    start = check_roster(problem, roster).objective
    assert len(closings) == 1
    assert closings[0][0] == start and closings[0][1] < start
    assert closings[0][2] <= 8.0 * solve_module.WINDOWS_SHARE
    assert solution.objective <= closings[0][1]


@pytest.mark.parametrize("cap", [None, 0])
def test_a_part_of_own_patterns_the_columns_do_not_take_keeps_a_tail_of_its_share_for_windows(
    monkeypatch: pytest.MonkeyPatch, cap: int | None
) -> None:
    """Where the columns apply (``cap`` None) but do not pay, the full search keeps WINDOWS_TAIL
    of the share, and the second pass closes the short lines through windows before searching
    again. Where people are coupled (``cap`` 0, the street) the search takes the whole share and
    the second pass closes gaps by candidates as before."""
    problem, roster = _chain(cap)
    monkeypatch.setattr(solve_module, "WINDOW_PIECE_SHARE", 1.0)
    monkeypatch.setattr(solve_module, "first_roster", lambda *args, **kwargs: (roster, 0.0))
    searches: list[float] = []
    search = solve_module._solve_part

    def stuck_first(m: Any, seconds: float, run: Any, **kwargs: Any) -> Any:
        if kwargs.get("piece"):
            return search(m, seconds, run, **kwargs)
        searches.append(seconds)
        if len(searches) == 1:  # the first search ends where it began, proving nothing
            return solve_module._scored_part(m.problem, roster)
        return search(m, seconds, run, **kwargs)

    closings: list[tuple[int, int]] = []
    close = solve_module._close_windows

    def spy(m: Any, start: Any, seconds: float, run: Any) -> Any:
        closed, spent = close(m, start, seconds, run)
        closings.append((start.objective, closed.objective))
        return closed, spent

    monkeypatch.setattr(solve_module, "_solve_part", stuck_first)
    monkeypatch.setattr(solve_module, "_close_windows", spy)
    limit = 8.0
    solution = solve_and_check(problem, SolveParams(seconds=limit, workers=1, seed=1))
    start = check_roster(problem, roster).objective
    if cap is None:
        assert searches[0] <= limit * (1 - solve_module.WINDOWS_TAIL)
        assert closings == [(start, solution.objective)] and solution.objective < start
        assert solution.unmet == ()
        assert len(searches) == 2  # the search again after the windows
    else:
        assert searches[0] > limit * (1 - solve_module.WINDOWS_TAIL)
        assert closings == []
