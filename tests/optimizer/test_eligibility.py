"""Eligibility: variables only where the README allows the person on the line."""

from optimizer import Person, Pin, Skill, Window
from optimizer.builder import build
from optimizer.eligibility import Barrier, barrier, declined_pairs, eligible_triples
from tests.builders import DAY, MON_08, MON_16, MON_22, make_problem, person, shift, solve_and_check


def test_eligibility_skips_people_whose_certificate_expired_before_the_shift():
    expired = Person("p1", skills=(Skill("medic", valid_until=MON_08 - 1),))
    valid = Person("p2", skills=(Skill("medic", valid_until=MON_08),))
    problem = make_problem([expired, valid], [shift("s1", skill="medic")])
    assert solve_and_check(problem).people_on("s1") == {"p2"}


def test_eligibility_needs_one_availability_window_containing_the_whole_shift():
    split = person("p1", available=(Window(MON_08, MON_08 + 240), Window(MON_08 + 240, MON_16)))
    whole = person("p2", available=(Window(0, DAY),))
    problem = make_problem([split, whole], [shift("s1")])
    assert solve_and_check(problem).people_on("s1") == {"p2"}


def test_eligibility_excludes_absences_fitness_limits_type_caps_and_declines():
    people = [
        person("absent", absences=(Window(MON_16 - 1, MON_16 + 60),)),
        person("no_night", no_night=True),
        person("no_heavy", no_heavy=True),
        person("capped", max_shifts_by_type=(("patrol", 0),)),
        person("declined"),
    ]
    s1 = shift("s1", MON_08, MON_16, night=True, heavy=True)
    problem = make_problem(people, [s1], pins=(Pin("declined", "s1", assigned=False),))
    assert list(eligible_triples(problem)) == []
    assert build(problem).x == {}


def test_eligibility_bulk_scan_agrees_with_the_pairwise_definition():
    people = [
        person("a", skills={"medic"}, available=(Window(0, MON_22),)),
        person("b", no_night=True),
        person("c", skills={"medic"}, absences=(Window(DAY, 2 * DAY),)),
    ]
    shifts = [
        shift("s1", skill="medic"),
        shift("s2", MON_16, MON_16 + 8 * 60, night=True),
        shift("s3", DAY + MON_08),
    ]
    problem = make_problem(people, shifts, pins=(Pin("a", "s3", assigned=False),))
    declined = declined_pairs(problem)
    pairwise = {(p.id, s.id, 0) for p in people for s in shifts if barrier(p, s, 0, declined) is None}
    bulk = {(p.id, s.id, d) for p, s, d in eligible_triples(problem)}
    assert bulk == pairwise == {("a", "s1", 0), ("c", "s1", 0), ("c", "s2", 0), ("b", "s3", 0)}


def test_eligibility_barrier_names_the_first_failed_check():
    s1 = shift("s1", skill="medic", night=True)
    assert barrier(person("p"), s1, 0, frozenset()) == Barrier.SKILL
    assert barrier(person("p", skills={"medic"}, no_night=True), s1, 0, frozenset()) == Barrier.FITNESS
    late = person("p", skills={"medic"}, available=(Window(MON_16, DAY),))
    assert barrier(late, s1, 0, frozenset()) == Barrier.TIME
