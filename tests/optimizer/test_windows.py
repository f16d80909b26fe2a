"""Window helpers at their edges: first and last window, shifts across midnight, weeks, cliques."""

from optimizer.windows import (
    all_too_close,
    conflict_cliques,
    day_windows,
    inner_blocks,
    overlaps,
    too_close,
    week_of,
    weekend_days,
)
from tests.builders import DAY, MON_08, MON_16, MON_20, MON_22, make_problem, shift


def test_windows_day_windows_run_from_the_first_to_the_last_day():
    windows = list(day_windows(7, 3))
    assert windows[0] == range(0, 3)
    assert windows[-1] == range(4, 7)
    assert len(windows) == 5
    assert list(day_windows(3, 4)) == []
    assert list(day_windows(3, 3)) == [range(0, 3)]


def test_windows_inner_blocks_never_touch_day_zero_or_the_last_day():
    blocks = list(inner_blocks(5, 3))
    assert (0, range(1, 2), 2) == blocks[0]
    assert (2, range(3, 4), 4) in blocks
    assert (1, range(2, 4), 4) == blocks[-1]
    assert all(
        before >= 0 and after <= 4 and block.start >= 1 and block.stop <= 4 for before, block, after in blocks
    )
    assert list(inner_blocks(2, 3)) == []


def test_windows_overlap_is_half_open():
    assert not overlaps(MON_08, MON_16, MON_16, MON_20)
    assert overlaps(MON_08, MON_16 + 1, MON_16, MON_20)


def test_windows_shift_across_midnight_conflicts_with_the_next_morning_only_within_rest():
    night = shift("night", MON_22, DAY + 6 * 60)
    morning = shift("morning", DAY + MON_08)
    assert not too_close(night, morning, 120)
    assert too_close(night, morning, 121)
    assert night.day == 0 and morning.day == 1


def test_windows_conflict_cliques_are_maximal_and_cover_every_conflict():
    a, b, c, d = (
        shift("a", MON_08, MON_16),
        shift("b", MON_16 - 60, MON_20),
        shift("c", MON_16, MON_22),
        shift("e", 2 * DAY),
    )
    cliques = [sorted(s.id for s in clique) for clique in conflict_cliques([a, b, c, d], 0)]
    assert cliques == [["a", "b"], ["b", "c"], ["e"]]
    assert all_too_close([b, c], 0) and not all_too_close([a, c], 0)


def test_windows_weeks_and_weekends_follow_first_weekday():
    problem = make_problem([], [], days=9, first_weekday=5)  # starts on a Saturday
    assert [week_of(problem, d) for d in (0, 1, 2, 8)] == [0, 0, 1, 1]
    assert weekend_days(problem) == {0: [0, 1], 1: [7, 8]}
