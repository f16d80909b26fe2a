"""Roster services: stamp a week, generate a draft, publish in one step, re-plan with few changes."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.params import TEST_PARAMS
from scheduler.audit.models import AuditEntry
from scheduler.errors import Conflict, NotFound, ValidationError
from scheduler.people.models import Category
from scheduler.rosters import service
from scheduler.rosters.models import AssignmentStatus, RosterStatus, Shift, ShiftTemplate, TemplateDemand
from tests.conftest import NOW
from tests.scheduler.dbbuilders import WEEK, Street1


def small_street(session: Session) -> Street1:
    st = Street1(session)
    st.person("甲", windows=[("0123456", "08:00", "22:00")])
    st.person("乙", windows=[("0123456", "08:00", "22:00")])
    st.person("丙", category=Category.PARTY_IN_SERVICE, windows=[("0123456", "18:00", "21:30")])
    return st


def test_stamp_week_creates_one_shift_per_template_day_and_is_idempotent(session: Session) -> None:
    st = Street1(session)
    t = ShiftTemplate(
        grid=st.a1, task_type=st.types["patrol"], weekdays="024", start=time(21, 0), end=time(1, 0)
    )
    t.demands = [TemplateDemand(count=2)]
    session.add(t)
    session.flush()
    assert service.stamp_week(session=session, street_id=st.street.id, week_start=WEEK) == 3
    assert service.stamp_week(session=session, street_id=st.street.id, week_start=WEEK) == 0
    shifts = session.scalars(select(Shift).order_by(Shift.starts_at)).all()
    assert [s.headcount for s in shifts] == [2, 2, 2]
    assert all((s.ends_at - s.starts_at).total_seconds() == 4 * 3600 for s in shifts)  # across midnight


def test_stamp_week_refuses_a_week_that_does_not_start_on_monday(session: Session) -> None:
    st = Street1(session)
    with pytest.raises(ValidationError) as err:
        service.stamp_week(session=session, street_id=st.street.id, week_start=WEEK.replace(day=1))
    assert err.value.code == "week_not_monday"


def test_generate_roster_stores_a_draft_with_assignments_unmet_reasons_and_figures(session: Session) -> None:
    st = small_street(session)
    evening = st.shift(0, "19:00", "21:00", demand=[(None, 2)], lead=True)
    nurse_shift = st.shift(1, "09:00", "11:00", demand=[("nurse", 1)])
    r = service.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS, actor="test"
    )
    assert r.status is RosterStatus.DRAFT and r.version == 1
    assert (r.required, r.filled) == (3, 2)
    on_evening = {a.person.name for a in r.assignments if a.shift_id == evening.id}
    assert len(on_evening) == 2 and "丙" in on_evening  # the party member leads (党员先锋岗)
    assert all(a.status is AssignmentStatus.PROPOSED for a in r.assignments)
    (gap,) = r.unmet
    assert (gap.shift_id, gap.skill_code, gap.missing, gap.reason) == (nurse_shift.id, "nurse", 1, "no_skill")
    assert r.objective is not None and r.bound is not None and r.objective >= r.bound
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.generate")) is not None


def test_publish_roster_offers_every_assignment_and_supersedes_the_previous_version(session: Session) -> None:
    st = small_street(session)
    st.shift(0, "19:00", "21:00", demand=[(None, 2)])
    first = service.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    service.publish_roster(session=session, roster_id=first.id, now=NOW)
    assert first.status is RosterStatus.PUBLISHED and first.published_at == NOW
    assert {a.status for a in first.assignments} == {AssignmentStatus.OFFERED}
    second = service.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    assert second.version == 2
    service.publish_roster(session=session, roster_id=second.id, now=NOW)
    assert first.status is RosterStatus.SUPERSEDED
    assert service.get_published(session=session, street_id=st.street.id, week_start=WEEK) is second


def test_publishing_twice_is_refused_and_changes_nothing(session: Session) -> None:
    st = small_street(session)
    st.shift(0, "19:00", "21:00")
    r = service.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    service.publish_roster(session=session, roster_id=r.id, now=NOW)
    with pytest.raises(Conflict) as err:
        service.publish_roster(session=session, roster_id=r.id, now=NOW)
    assert err.value.code == "roster_not_draft"
    assert r.status is RosterStatus.PUBLISHED


def test_unknown_roster_and_street_are_clear_errors(session: Session) -> None:
    with pytest.raises(NotFound):
        service.get_roster(session=session, roster_id=999_999)
    with pytest.raises(NotFound):
        service.generate_roster(
            session=session, street_id=999_999, week_start=WEEK, now=NOW, params=TEST_PARAMS
        )


def test_replan_keeps_confirmed_people_and_replaces_only_the_one_who_declined(session: Session) -> None:
    st = small_street(session)
    st.person("丁", windows=[("0123456", "08:00", "22:00")])
    shifts = [st.shift(day, "09:00", "11:00") for day in range(3)]
    r = service.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    service.publish_roster(session=session, roster_id=r.id, now=NOW)
    by_shift = {a.shift_id: a for a in r.assignments}
    by_shift[shifts[0].id].status = AssignmentStatus.CONFIRMED
    by_shift[shifts[1].id].status = AssignmentStatus.DECLINED
    session.flush()
    decliner = by_shift[shifts[1].id].person_id
    new = service.replan(session=session, roster_id=r.id, now=NOW, params=TEST_PARAMS)
    after = {a.shift_id: a for a in new.assignments}
    assert after[shifts[0].id].person_id == by_shift[shifts[0].id].person_id
    assert after[shifts[0].id].status is AssignmentStatus.CONFIRMED  # carried over
    assert after[shifts[1].id].person_id != decliner  # the slot went to somebody else
    assert after[shifts[2].id].person_id == by_shift[shifts[2].id].person_id  # untouched
    changes = service.diff_rosters(old=r, new=new)
    assert changes["added"] == [(shifts[1].id, after[shifts[1].id].person_id)]
    assert new.based_on_id == r.id and new.status is RosterStatus.DRAFT


def test_replan_replaces_a_confirmed_person_who_has_fallen_sick_since(session: Session) -> None:
    from scheduler.availability.models import AvailabilityException, ExceptionKind

    st = small_street(session)
    st.person("丁", windows=[("0123456", "08:00", "22:00")])
    shifts = [st.shift(day, "09:00", "11:00") for day in range(3)]
    r = service.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    service.publish_roster(session=session, roster_id=r.id, now=NOW)
    by_shift = {a.shift_id: a for a in r.assignments}
    for a in r.assignments:
        a.status = AssignmentStatus.CONFIRMED
    sick = by_shift[shifts[0].id].person_id
    session.add(AvailabilityException(
        person_id=sick, kind=ExceptionKind.SICKNESS, starts_at=shifts[0].starts_at, ends_at=shifts[0].ends_at
    ))
    session.flush()
    new = service.replan(session=session, roster_id=r.id, now=NOW, params=TEST_PARAMS)
    after = {a.shift_id: a for a in new.assignments}
    assert shifts[0].id not in after or after[shifts[0].id].person_id != sick  # the pin no longer holds
    for s in shifts[1:]:  # everyone else stays as confirmed
        assert after[s.id].person_id == by_shift[s.id].person_id
        assert after[s.id].status is AssignmentStatus.CONFIRMED


def test_replan_refuses_a_draft(session: Session) -> None:
    st = small_street(session)
    st.shift(0, "19:00", "21:00")
    r = service.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    with pytest.raises(Conflict):
        service.replan(session=session, roster_id=r.id, now=NOW, params=TEST_PARAMS)


def test_publishing_draws_the_standby_list_from_people_not_on_duty(session: Session) -> None:
    from scheduler.resilience.models import StandbyEntry

    st = small_street(session)
    st.shift(0, "19:00", "21:00")
    r = service.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    service.publish_roster(session=session, roster_id=r.id, now=NOW)
    on_duty_monday = {a.person_id for a in r.assignments}
    standby = session.scalars(select(StandbyEntry).where(StandbyEntry.roster_id == r.id)).all()
    assert standby
    assert not {e.person_id for e in standby if e.day == WEEK} & on_duty_monday
