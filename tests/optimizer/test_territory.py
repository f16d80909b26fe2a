"""territory: people serve the communities they belong to; professionals may serve street-wide."""

from __future__ import annotations

from optimizer.check import check
from optimizer.solution import Assignment, Solution, SolveStatus, UnmetReason
from tests.builders import MON_08, make_problem, person, shift, solve_and_check


def test_territory_keeps_a_volunteer_in_their_community() -> None:
    problem = make_problem(
        [person("v", communities=frozenset({"east"}))],
        [
            shift("west-patrol", MON_08, community_id="west"),
            shift("east-patrol", MON_08 + 600, community_id="east"),
        ],
    )
    solution = solve_and_check(problem)
    assert solution.shifts_of("v") == {"east-patrol"}
    (gap,) = solution.unmet
    assert gap.shift_id == "west-patrol" and gap.reason is UnmetReason.NOT_ELIGIBLE


def test_territory_of_none_serves_every_community() -> None:
    problem = make_problem([person("nurse", communities=None)], [shift("west", MON_08, community_id="west")])
    assert solve_and_check(problem).shifts_of("nurse") == {"west"}


def test_territory_checker_names_a_person_outside_their_community() -> None:
    problem = make_problem(
        [person("v", communities=frozenset({"east"}))], [shift("w", MON_08, community_id="west")]
    )
    report = check(problem, Solution(SolveStatus.FEASIBLE, (Assignment("v", "w"),), (), (), 0, 0))
    assert len(report.violations) == 1 and "outside the person's communities" in report.violations[0]


def test_territory_lets_a_professional_serve_their_skill_street_wide_but_general_help_only_at_home() -> None:
    nurse = person(
        "n", skills={"nurse"}, communities=frozenset({"east"}), street_wide_skills=frozenset({"nurse"})
    )
    problem = make_problem(
        [nurse],
        [
            shift("west-clinic", MON_08, community_id="west", skill="nurse"),
            shift("west-patrol", MON_08 + 600, community_id="west"),
        ],
    )
    solution = solve_and_check(problem)
    assert solution.shifts_of("n") == {"west-clinic"}
    assert [u.shift_id for u in solution.unmet] == ["west-patrol"]


def test_territory_bridges_split_communities_and_never_overbook_the_shared_professional() -> None:
    # Two communities, each with its own volunteer; one nurse serves both clinics (same time).
    def local(pid: str, community: str):  # type: ignore[no-untyped-def]
        return person(pid, communities=frozenset({community}))

    nurse = person(
        "n", skills={"nurse"}, communities=frozenset({"east"}), street_wide_skills=frozenset({"nurse"})
    )
    problem = make_problem(
        [local("e", "east"), local("w", "west"), nurse],
        [
            shift("east-clinic", MON_08, community_id="east", skill="nurse"),
            shift("west-clinic", MON_08, community_id="west", skill="nurse"),
            shift("east-patrol", MON_08, community_id="east"),
            shift("west-patrol", MON_08, community_id="west"),
        ],
    )
    solution = solve_and_check(problem)
    assert solution.stats.components >= 2  # the nurse did not weld the communities into one part
    assert len(solution.shifts_of("n")) == 1  # never in two clinics at once
    assert solution.shifts_of("e") == {"east-patrol"} and solution.shifts_of("w") == {"west-patrol"}
    assert [(u.shift_id, u.missing) for u in solution.unmet] in ([("west-clinic", 1)], [("east-clinic", 1)])
    assert solution.bound <= solution.objective
