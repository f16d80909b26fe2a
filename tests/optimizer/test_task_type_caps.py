"""task_type_caps: at most max_shifts_of_type(t) shifts of type t per person."""

from optimizer import UnmetReason
from tests.builders import day_shift, make_problem, person, solve_and_check


def test_task_type_caps_limit_shifts_of_the_capped_type_only():
    shifts = [day_shift(f"n{d}", d, task_type="night_patrol") for d in range(3)]
    shifts += [day_shift(f"v{d}", d + 3, task_type="visit") for d in range(2)]
    solution = solve_and_check(
        make_problem([person("p1", max_shifts_by_type=(("night_patrol", 2),))], shifts)
    )
    mine = solution.shifts_of("p1")
    assert len({s for s in mine if s.startswith("n")}) == 2
    assert {"v0", "v1"} <= mine
    [unmet] = solution.unmet
    assert (unmet.reason, unmet.blocked_by) == (UnmetReason.AT_LIMIT, (("p1", "task_type_caps"),))
    assert unmet.suggestion is not None and unmet.suggestion.rule == "task_type_caps"
