"""validate: bad input raises ProblemError naming the code and the item, before any solving."""

import pytest

from optimizer import Demand, Pin, ProblemError, Request, Rules, Shift, Weights, Window, solve, validate
from tests.builders import DAY, MON_08, MON_16, MON_20, make_problem, person, shift

CASES = [
    ("shift_ends_before_start", "s1", dict(shifts=[Shift("s1", MON_16, MON_08, 0, (Demand(1),))])),
    ("negative_demand", "s1", dict(shifts=[shift("s1", demand=-1)])),
    ("unknown_skill", "s1", dict(shifts=[shift("s1", skill="diver")])),
    ("duplicate_id", "p1", dict(people=[person("p1"), person("p1")])),
    ("duplicate_id", "s1", dict(shifts=[shift("s1"), shift("s1", MON_20)])),
    ("shift_outside_horizon", "s1", dict(shifts=[shift("s1", 8 * DAY)])),
    ("shift_day_mismatch", "s1", dict(shifts=[shift("s1", MON_08, day=1)])),
    ("min_above_max", "p1", dict(people=[person("p1", min_minutes_total=600, max_minutes_total=300)])),
    ("min_above_max", "p1", dict(people=[person("p1", min_consecutive_days=4, max_consecutive_days=3)])),
    ("negative_limit", "p1", dict(people=[person("p1", max_weekends=-1)])),
    ("window_ends_before_start", "p1", dict(people=[person("p1", available=(Window(MON_16, MON_08),))])),
    ("unknown_person", "ghost", dict(pins=(Pin("ghost", "s1"),))),
    ("unknown_shift", "s9", dict(pins=(Pin("p1", "s9"),))),
    ("unknown_person", "ghost", dict(requests=(Request("ghost", 1, True, day=0),))),
    ("unknown_shift", "s9", dict(requests=(Request("p1", 1, True, shift_id="s9"),))),
    ("request_matches_nothing", "0", dict(requests=(Request("p1", 1, True),))),
    ("pin_not_eligible", "p1/s1", dict(people=[person("p1", no_night=True)], pins=(Pin("p1", "s1"),))),
    ("pin_conflict", "p1/s1", dict(pins=(Pin("p1", "s1"), Pin("p1", "s1", assigned=False)))),
    (
        "pins_clash",
        "p1",
        dict(
            shifts=[shift("s1", night=True), shift("s2", MON_16 - 60)],
            pins=(Pin("p1", "s1"), Pin("p1", "s2")),
        ),
    ),
    (
        "pins_above_cap",
        "s1",
        dict(people=[person("p1"), person("p2")], pins=(Pin("p1", "s1"), Pin("p2", "s1"))),
    ),
    ("negative_weight", "overstaff", dict(weights=Weights(overstaff=-1))),
    ("negative_limit", "min_rest_minutes", dict(rules=Rules(min_rest_minutes=-5))),
    ("empty_horizon", "0", dict(days=0)),
]


@pytest.mark.parametrize(("code", "item", "changes"), CASES, ids=[f"{c}-{i}" for c, i, _ in CASES])
def test_validate_rejects_bad_input_with_code_and_item(code, item, changes):
    fields = dict(people=[person("p1")], shifts=[shift("s1", night=True)])
    fields.update(changes)
    problem = make_problem(fields.pop("people"), fields.pop("shifts"), **fields)
    with pytest.raises(ProblemError) as caught:
        validate(problem)
    assert (caught.value.code, caught.value.item) == (code, item)


def test_validate_runs_before_solving():
    with pytest.raises(ProblemError, match="negative_demand"):
        solve(make_problem([person("p1")], [shift("s1", demand=-2)]))


def test_validate_accepts_a_well_formed_problem():
    problem = make_problem(
        [person("p1", skills={"medic"})],
        [shift("s1", skill="medic")],
        pins=(Pin("p1", "s1"),),
        requests=(Request("p1", 2, True, day=0),),
    )
    assert validate(problem) is None
