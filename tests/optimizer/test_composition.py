"""composition: 党员先锋岗 (party_lead) and other composition needs."""

from optimizer import CompositionNeed
from tests.builders import make_problem, person, shift, solve_and_check


def test_composition_prefers_a_party_member_on_a_party_lead_shift():
    needs = (CompositionNeed("party_member", 1, kind="party_lead"),)
    people = [person("volunteer"), person("member", tags=frozenset({"party_member"}))]
    solution = solve_and_check(make_problem(people, [shift("s1", needs=needs)]))
    assert solution.people_on("s1") == {"member"}
    assert solution.breakdown == ()


def test_composition_lacking_people_are_penalised_by_kind():
    needs = (
        CompositionNeed("party_member", 1, kind="party_lead"),
        CompositionNeed("professional", 2),
    )
    people = [person("v1"), person("pro", tags=frozenset({"professional"}))]
    solution = solve_and_check(make_problem(people, [shift("s1", demand=2, needs=needs)]))
    assert solution.people_on("s1") == {"v1", "pro"}
    assert sorted((b.kind, b.amount, b.points) for b in solution.breakdown) == [
        ("composition", 1, 1_000),
        ("party_lead", 1, 3_000),
    ]
