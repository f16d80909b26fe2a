"""The resilience check's incremental repair picks what a whole-street greedy re-plan would pick.

The check builds its plan once and, per scenario, repairs only the shifts that lost someone
(scheduler/resilience/simulate.py). Here, on a small three-community street with rest, daily and
weekly caps, a party-member need, a high-risk shift, skills, availability, a street-wide nurse, a
shift with two lines and drivers whose order changes within one repair, every loss of one or two
people is repaired both ways: incrementally, and by
``optimizer.greedy.greedy_roster`` over the whole street with everyone left pinned. The two must
give the very same assignments (person, shift, line), so speed did not change the answer.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from optimizer.greedy import greedy_roster
from optimizer.problem import (
    CompositionNeed,
    Demand,
    Person,
    Pin,
    Priority,
    Problem,
    Rules,
    Shift,
    Skill,
    Window,
)
from scheduler.resilience.simulate import Plan, eligibility, simulate, standby_people

H = 60
DAY = 24 * H


def shift(
    sid: str,
    day: int,
    start: float,
    end: float,
    demands: list[tuple[str | None, int]],
    community: str,
    **kw: object,
) -> Shift:
    return Shift(
        id=sid,
        start=day * DAY + int(start * H),
        end=day * DAY + int(end * H),
        day=day,
        demands=tuple(Demand(n, skill) for skill, n in demands),
        community_id=community,
        grid_id=f"{community}{sid[-1]}",
        **kw,  # type: ignore[arg-type]
    )


def street() -> tuple[Problem, list[tuple[str, str]]]:
    a = [
        Person(
            f"a{i}",
            home_community="A",
            communities=frozenset({"A"}),
            home_grid=f"A{i % 3}",
            fair_share_minutes=480 + 60 * i,
            tags=frozenset({"party_member"}) if i in (1, 4) else frozenset(),
            max_minutes_per_week=600 if i % 2 else None,
        )
        for i in range(7)
    ]
    b = [
        Person(
            f"b{i}",
            home_community="B",
            communities=frozenset({"B"}),
            home_grid=f"B{i % 2}",
            fair_share_minutes=600,
            available=(Window(0, 2 * DAY),) if i == 3 else None,
        )
        for i in range(5)
    ]
    nurse = Person(
        "n0",
        home_community="A",
        communities=frozenset({"A"}),
        skills=(Skill("nurse"),),
        street_wide_skills=frozenset({"nurse"}),
        fair_share_minutes=480,
    )
    nurse2 = Person(
        "n1",
        home_community="B",
        communities=frozenset({"B"}),
        skills=(Skill("nurse"),),
        fair_share_minutes=480,
    )
    anywhere = Person("z0", communities=None, fair_share_minutes=300, no_night=True)
    # A party member with a heavy load: only the party-member need puts her first.
    member = Person(
        "a7",
        home_community="A",
        communities=frozenset({"A"}),
        fair_share_minutes=200,
        tags=frozenset({"party_member"}),
    )
    shifts = (
        shift("sa1", 0, 8, 12, [(None, 3)], "A", needs=(CompositionNeed("party_member"),)),
        shift("sa2", 0, 12.5, 16, [(None, 2)], "A"),
        shift("sa3", 0, 18, 23, [(None, 2)], "A", night=True),
        shift("sa4", 1, 8, 12, [(None, 2), ("nurse", 1)], "A"),
        shift("sa5", 1, 14, 18, [(None, 2)], "A", priority=Priority.HIGH_RISK),
        shift("sb1", 0, 9, 13, [(None, 2)], "B"),
        shift("sb2", 2, 17, 21, [("nurse", 1), (None, 2)], "B"),
        shift("sb3", 2, 8, 16, [(None, 2)], "B"),
        shift("sc1", 3, 8, 12, [("driver", 1)], "C"),
        shift("sc2", 4, 8, 12, [("driver", 1)], "C"),
        shift("sc3", 5, 8, 10, [("driver", 1)], "C"),
    )
    # Community C: drivers only. Losing both r-drivers, x (idle) takes the first gap and is then
    # heavier than y, who takes the second: a pick within a repair reorders the candidates.
    drivers = [
        Person(
            pid,
            home_community="C",
            communities=frozenset({"C"}),
            skills=(Skill("driver"),),
            fair_share_minutes=480,
        )
        for pid in ("r1", "r2", "x0", "y0")
    ]
    problem = Problem(
        people=(*a, *b, nurse, nurse2, anywhere, member, *drivers),
        shifts=shifts,
        horizon_days=7,
        rules=Rules(min_rest_minutes=60, max_minutes_per_day=480),
        pins=(Pin("a2", "sa5", assigned=False),),  # a2 declined the high-risk shift
    )
    roster = [
        ("a0", "sa1"),
        ("a1", "sa1"),
        ("a2", "sa1"),
        ("a3", "sa2"),
        ("a5", "sa3"),
        ("a0", "sa4"),
        ("a4", "sa4"),
        ("n0", "sa4"),  # on the nurse line, while the other line is full
        ("a6", "sa5"),
        ("a7", "sa5"),
        ("b0", "sb1"),
        ("b1", "sb1"),
        ("n1", "sb2"),
        ("b2", "sb2"),
        ("b4", "sb3"),
        ("r1", "sc1"),
        ("r2", "sc2"),
        ("y0", "sc3"),
    ]
    return problem, roster


def whole_replan(
    problem: Problem, kept: list[tuple[str, str]], removed: frozenset[str]
) -> set[tuple[str, str, int]]:
    declines = tuple(pin for pin in problem.pins if not pin.assigned)
    left = replace(
        problem,
        people=tuple(p for p in problem.people if p.id not in removed),
        pins=declines + tuple(Pin(p, s) for p, s in kept),
    )
    result = greedy_roster(left)
    assert result is not None
    return {(a.person_id, a.shift_id, a.demand_index) for a in result}


def test_incremental_repair_equals_a_whole_street_greedy_replan_for_every_loss_of_one_or_two() -> None:
    problem, roster = street()
    plan = Plan(problem, roster)
    assert plan.dropped == 0
    # The baseline itself is the whole greedy with the roster pinned.
    assert {(a.person_id, a.shift_id, a.demand_index) for a in plan.base} == whole_replan(
        problem, roster, frozenset()
    )
    base = {(a.person_id, a.shift_id) for a in plan.base}
    ids = sorted(plan.people)
    repaired = crossed = led = 0
    for k in (1, 2):
        for lost in itertools.combinations(ids, k):
            removed = frozenset(lost)
            ours = plan.repaired(removed)
            kept = [(p, s) for p, s in sorted(base) if p not in removed]
            assert {(a.person_id, a.shift_id, a.demand_index) for a in ours} == whole_replan(
                problem, kept, removed
            ), lost
            new = [a for a in ours if (a.person_id, a.shift_id) not in base]
            repaired += bool(new)
            crossed += any(a.person_id == "n0" and a.shift_id.startswith("sb") for a in new)
            led += any(a.person_id == "a7" for a in new)
            if removed == {"r1", "r2"}:
                assert {(a.person_id, a.shift_id) for a in new} == {("x0", "sc1"), ("y0", "sc2")}
    # Not vacuous: many losses are repaired, some by the street-wide nurse in the other community,
    # some by the heavy-loaded party member because a party-member need lacks her.
    assert repaired >= 40 and crossed >= 1 and led >= 1


def test_standby_people_fill_gaps_the_pool_cannot() -> None:
    problem, roster = street()
    plan = Plan(problem, roster)
    removed = frozenset({"n0", "n1"})  # both nurses: nobody left may fill the nurse lines
    without = plan.scenario(removed)
    assert without["sa4", 1] == 0 and without["sb2", 0] == 0
    extra = standby_people({("A", "nurse"): 1, ("B", "nurse"): 1})
    withs = plan.scenario(removed, eligibility(problem, extra, problem.shifts))
    assert withs["sa4", 1] == 1 and withs["sb2", 0] == 1


def test_simulate_is_the_same_for_the_same_seed_and_counts_every_pair_exactly() -> None:
    problem, roster = street()
    first = simulate(problem, roster, rates=[10, 20], samples=200, seed=3)
    again = simulate(problem, roster, rates=[10, 20], samples=200, seed=3)
    assert first == again
    assert [(r.removed, r.scenarios, r.exact) for r in first.rates] == [(2, 190, True), (4, 200, False)]
    # At 10 % (2 of 20 people) the expectation is the mean over the 190 pairs of the whole re-plans.
    plan = Plan(problem, roster)
    base = sorted({(a.person_id, a.shift_id) for a in plan.base})
    total = 0
    for lost in itertools.combinations(sorted(plan.people), 2):
        removed = frozenset(lost)
        counts: dict[tuple[str, int], int] = {}
        for _, s, d in whole_replan(problem, [(p, s) for p, s in base if p not in removed], removed):
            counts[s, d] = counts.get((s, d), 0) + 1
        total += sum(min(n, plan.lines[ln]) for ln, n in counts.items())
    assert first.rates[0].coverage == pytest.approx(total / (190 * plan.required))


def test_roster_pairs_that_break_a_hard_rule_are_counted_and_left_out_of_the_baseline() -> None:
    problem, roster = street()
    # a0 works 08-12 on sa1; sa2 starts at 12:30, inside the hour of rest.
    plan = Plan(problem, [*roster, ("a0", "sa2")])
    assert plan.dropped == 1
    assert ("a0", "sa2") not in {(a.person_id, a.shift_id) for a in plan.base}
    assert plan.unrepaired(frozenset()) == len(roster) + 1  # the roster itself still counts it
