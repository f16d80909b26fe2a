"""Resilience check on a small street whose breaking point is known by hand.

Ten people of community 甲, free all week. Monday 08–12 on grid 甲一 needs 7 people (any);
Monday 14–16 on grid 甲二 needs 1 nurse, and exactly one of the ten is a nurse (she is not on the
morning shift). Losing 1, 2 or 3 people leaves at least 7 for the morning, so only the nurse's
shift can fail (when she is among the lost). Losing 4 leaves 6: the morning shift always lacks one.
With 250 samples every combination is simulated, so the expectations are exact.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.errors import DomainError, NotFound
from scheduler.people.models import Person
from scheduler.resilience import service as resilience
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus
from tests.conftest import NOW
from tests.scheduler.dbbuilders import WEEK, Street1


def known_street(session: Session) -> tuple[Street1, Roster]:
    st = Street1(session)
    people = [st.person(f"志愿者{i}") for i in range(9)]
    nurse = st.person("护士", skills={"nurse": None})
    morning = st.shift(0, "08:00", "12:00", demand=[(None, 7)])
    afternoon = st.shift(0, "14:00", "16:00", grid=st.a2, demand=[("nurse", 1)])
    roster = Roster(
        street_id=st.street.id,
        week_start=WEEK,
        version=1,
        status=RosterStatus.PUBLISHED,
        created_at=NOW,
        published_at=NOW,
    )
    roster.assignments = [
        Assignment(shift_id=morning.id, person_id=p.id, status=AssignmentStatus.OFFERED, updated_at=NOW)
        for p in people[:7]
    ] + [
        Assignment(
            shift_id=afternoon.id, person_id=nurse.id, status=AssignmentStatus.CONFIRMED, updated_at=NOW
        )
    ]
    session.add(roster)
    session.flush()
    return st, roster


def test_expected_coverage_per_rate_matches_the_hand_computed_values(session: Session) -> None:
    _, roster = known_street(session)
    report = resilience.resilience(session=session, roster_id=roster.id, rates=[10, 20, 30, 40], samples=250)
    assert (report.people, report.required, report.roster_filled, report.baseline_filled) == (10, 8, 8, 8)
    assert [r.removed for r in report.rates] == [1, 2, 3, 4]
    assert all(r.exact for r in report.rates)
    assert [r.scenarios for r in report.rates] == [10, 45, 120, 210]
    # Only the nurse's shift fails below 40 %: coverage = 1 - P(nurse lost) / 8 heads.
    assert report.rate(10).coverage == pytest.approx(1 - 0.1 / 8)
    assert report.rate(20).coverage == pytest.approx(1 - 0.2 / 8)
    assert report.rate(30).coverage == pytest.approx(1 - 0.3 / 8)
    # At 40 % the morning always lacks one, and the nurse is lost in 40 % of scenarios.
    assert report.rate(40).coverage == pytest.approx((6 + 0.6) / 8)
    assert report.rate(40).worst == pytest.approx(6 / 8)  # the nurse among the four lost
    # Without re-planning, losing one of the seven morning people is never made up.
    assert report.rate(10).coverage_without_repair < report.rate(10).coverage


def test_the_nurse_breaks_first_and_the_morning_grid_breaks_at_40_percent(session: Session) -> None:
    st, roster = known_street(session)
    report = resilience.resilience(session=session, roster_id=roster.id, rates=[10, 20, 30, 40], samples=250)
    assert [(b.name, b.rate) for b in report.skills_breaking] == [("护士", 10.0), ("不限", 40.0)]
    assert report.skills_breaking[0].coverage == pytest.approx(0.9)
    assert [(b.name, b.rate) for b in report.grids_breaking] == [("甲二网格", 10.0), ("甲一网格", 40.0)]
    assert report.rate(40).by_grid[str(st.a1.id)] == pytest.approx(6 / 7)


def test_standby_of_the_right_skills_restores_coverage(session: Session) -> None:
    _, roster = known_street(session)
    report = resilience.resilience(session=session, roster_id=roster.id, rates=[10, 20, 40], samples=250)
    # At 10 % the nurse is lost in 1 scenario of 10: the 90th percentile needs no standby.
    assert report.rate(10).standby == {} and report.rate(10).restored == pytest.approx(0.9)
    assert report.rate(20).standby == {"nurse": 1} and report.rate(20).restored == 1.0
    assert report.rate(40).standby == {"*": 1, "nurse": 1} and report.rate(40).restored == 1.0
    assert report.as_dict()["rates"][2]["standby"] == {"不限": 1, "护士": 1}


def test_sampled_runs_are_repeatable_with_the_same_seed(session: Session) -> None:
    _, roster = known_street(session)
    first = resilience.resilience(session=session, roster_id=roster.id, rates=[30], samples=7, seed=5)
    again = resilience.resilience(session=session, roster_id=roster.id, rates=[30], samples=7, seed=5)
    assert not first.rate(30).exact and first.rate(30).scenarios == 7
    assert first.rate(30).coverage == again.rate(30).coverage
    assert first.rate(30).by_skill == again.rate(30).by_skill


def test_declined_people_are_not_put_back_by_the_repair(session: Session) -> None:
    _, roster = known_street(session)
    morning = roster.assignments[0].shift_id
    on_duty = {a.person_id for a in roster.assignments}
    spare = [p for p in session.scalars(select(Person).order_by(Person.id)) if p.id not in on_duty]
    assert [p.name for p in spare] == ["志愿者7", "志愿者8"]
    roster.assignments += [
        Assignment(shift_id=morning, person_id=p.id, status=AssignmentStatus.DECLINED, updated_at=NOW)
        for p in spare
    ]
    session.flush()
    report = resilience.resilience(session=session, roster_id=roster.id, rates=[20], samples=250)
    # Losing two: only the nurse may step in on the morning (志愿者7 and 8 refused it). By hand:
    # 21 pairs of morning people -> 7/8, 7 morning+nurse -> 6/8, 14 morning+spare -> 8/8,
    # 2 nurse+spare -> 7/8, 1 spare pair -> 8/8.
    assert report.rate(20).coverage == pytest.approx((21 * 7 + 7 * 6 + 14 * 8 + 2 * 7 + 1 * 8) / (45 * 8))


@pytest.mark.parametrize(
    ("rates", "samples", "code"),
    [
        ([120], 10, "bad_rate"),
        ([-5], 10, "bad_rate"),
        ([], 10, "bad_rate"),
        ([10], 0, "bad_samples"),
        ([10], 100_000, "bad_samples"),
    ],
)
def test_bad_rates_and_samples_are_refused_and_nothing_is_written(
    session: Session, rates: list[float], samples: int, code: str
) -> None:
    _, roster = known_street(session)
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(DomainError) as error:
        resilience.resilience(session=session, roster_id=roster.id, rates=rates, samples=samples)
    assert error.value.code == code and error.value.message_zh and error.value.message_en
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before and not session.new


def test_rates_parse_from_text_and_an_unknown_roster_is_not_found(session: Session) -> None:
    assert resilience.parse_rates("10, 20%,30") == [10.0, 20.0, 30.0]
    with pytest.raises(DomainError) as error:
        resilience.parse_rates("ten")
    assert error.value.code == "bad_rate"
    with pytest.raises(NotFound):
        resilience.resilience(session=session, roster_id=10**9)
