"""Attendance: check-in and check-out complete an assignment, no-shows are recorded and read by planning."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.attendance import service as attendance
from scheduler.attendance.models import Attendance, AttendanceStatus, Via
from scheduler.audit.models import AuditEntry
from scheduler.errors import Conflict, DomainError, NotFound
from scheduler.rosters.models import AssignmentStatus, RosterStatus
from scheduler.rosters.planning import build_problem
from tests.scheduler.dbbuilders import WEEK
from tests.scheduler.ledger_history import LATER, History, local


def test_check_in_and_out_complete_the_assignment_with_served_time_inside_the_shift(session: Session) -> None:
    h = History(session)
    a = h.assignment(h.s1, h.worker)
    record = attendance.get_attendance(session=session, shift_id=h.s1.id, person_id=h.worker.id)
    assert record is not None
    assert (a.status, record.status, record.check_in_via) == (
        AssignmentStatus.COMPLETED,
        AttendanceStatus.COMPLETED,
        Via.LEADER,
    )
    assert record.served_minutes() == 240  # 07:50–12:10 on an 08:00–12:00 shift
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(a.id))).all()
    assert actions == ["attendance.check_in", "attendance.check_out"]


def test_a_person_checks_in_with_their_own_link(session: Session) -> None:
    h = History(session)
    a = attendance.assignment_by_link(session=session, token=h.vol_a2.link_token, shift_id=h.s3.id)
    record = attendance.check_in(
        session=session, assignment_id=a.id, now=local(2, 9, 5), actor="person", via=Via.LINK
    )
    assert (record.status, record.check_in_at, record.check_in_via) == (
        AttendanceStatus.CHECKED_IN,
        local(2, 9, 5),
        Via.LINK,
    )
    again = attendance.check_in(
        session=session, assignment_id=a.id, now=local(2, 9, 6), actor="person", via=Via.LINK
    )
    assert again.id == record.id and again.check_in_at == local(2, 9, 5)  # a second tap changes nothing
    out = attendance.check_out(
        session=session, assignment_id=a.id, now=local(2, 10, 35), actor="person", via=Via.LINK
    )
    assert out.served_minutes() == 90 and a.status is AssignmentStatus.COMPLETED


def test_a_wrong_link_is_not_found(session: Session) -> None:
    h = History(session)
    with pytest.raises(NotFound):
        attendance.assignment_by_link(session=session, token="nope", shift_id=h.s3.id)
    with pytest.raises(NotFound):
        attendance.assignment_by_link(session=session, token=h.vol.link_token, shift_id=h.s3.id)


def test_an_offered_person_who_comes_is_taken_as_confirmed(session: Session) -> None:
    h = History(session)
    a = h.assignment(h.s3, h.vol_a2)
    a.status = AssignmentStatus.OFFERED
    attendance.check_in(session=session, assignment_id=a.id, now=local(2, 9), actor="leader", via=Via.LEADER)
    assert a.status is AssignmentStatus.CONFIRMED


@pytest.mark.parametrize(
    ("at", "now", "code"),
    [
        (local(2, 7, 59), LATER, "too_early"),
        (local(2, 11, 0), LATER, "shift_over"),
        (local(2, 10, 0), local(2, 9, 30), "time_in_future"),
    ],
)
def test_check_in_outside_the_shift_is_refused_and_writes_nothing(
    session: Session, at: datetime, now: datetime, code: str
) -> None:
    h = History(session)
    a = h.assignment(h.s3, h.vol_a2)
    before = session.scalar(select(func.count()).select_from(Attendance))
    with pytest.raises(DomainError) as error:
        attendance.check_in(
            session=session, assignment_id=a.id, now=now, actor="leader", via=Via.LEADER, at=at
        )
    assert error.value.code == code and error.value.message_zh and error.value.message_en
    assert session.scalar(select(func.count()).select_from(Attendance)) == before
    assert a.status is AssignmentStatus.CONFIRMED


def test_check_out_needs_a_check_in_before_it(session: Session) -> None:
    h = History(session)
    a = h.assignment(h.s3, h.vol_a2)
    with pytest.raises(Conflict) as error:
        attendance.check_out(session=session, assignment_id=a.id, now=LATER, actor="leader", via=Via.LEADER)
    assert error.value.code == "not_checked_in"
    attendance.check_in(
        session=session, assignment_id=a.id, now=LATER, actor="leader", via=Via.LEADER, at=local(2, 9, 30)
    )
    with pytest.raises(DomainError) as error:
        attendance.check_out(
            session=session, assignment_id=a.id, now=LATER, actor="leader", via=Via.LEADER, at=local(2, 9, 0)
        )
    assert error.value.code == "check_out_before_check_in"


def test_a_no_show_only_after_the_start_and_only_for_someone_confirmed_who_did_not_check_in(
    session: Session,
) -> None:
    h = History(session)
    a = h.assignment(h.s3, h.vol_a2)
    with pytest.raises(DomainError) as error:
        attendance.mark_no_show(
            session=session, assignment_id=a.id, now=h.s3.starts_at - timedelta(minutes=1), actor="leader"
        )
    assert error.value.code == "shift_not_started"
    with pytest.raises(Conflict) as error:
        attendance.mark_no_show(
            session=session, assignment_id=h.assignment(h.s1, h.worker).id, now=LATER, actor="leader"
        )
    assert error.value.code == "attendance_closed"
    with pytest.raises(Conflict) as error:
        attendance.mark_no_show(
            session=session, assignment_id=h.assignment(h.s4, h.vol_b).id, now=LATER, actor="leader"
        )
    assert error.value.code == "assignment_not_confirmed"
    record = attendance.mark_no_show(session=session, assignment_id=a.id, now=LATER, actor="leader")
    assert (record.status, a.status) == (AttendanceStatus.NO_SHOW, AssignmentStatus.NO_SHOW)
    with pytest.raises(Conflict):
        attendance.check_in(
            session=session, assignment_id=a.id, now=LATER, actor="leader", via=Via.LEADER, at=local(2, 10)
        )


def test_attendance_is_recorded_only_on_the_published_roster(session: Session) -> None:
    h = History(session)
    draft = h.draft.assignments[0]
    with pytest.raises(Conflict) as error:
        attendance.check_in(
            session=session, assignment_id=draft.id, now=LATER, actor="leader", via=Via.LEADER, at=local(0, 9)
        )
    assert error.value.code == "roster_not_published"
    assert h.draft.status is RosterStatus.DRAFT
    with pytest.raises(NotFound):
        attendance.check_in(session=session, assignment_id=10**9, now=LATER, actor="leader", via=Via.LEADER)


def test_the_no_show_record_feeds_the_next_weeks_planning(session: Session) -> None:
    h = History(session)
    planning = build_problem(session=session, street_id=h.st.street.id, week_start=WEEK + timedelta(days=7))
    rate = {p.id: p.no_show_permille for p in planning.problem.people}
    assert rate[str(h.vol.id)] == 1000  # one no-show, nothing completed
    assert rate[str(h.worker.id)] == 0 and rate[str(h.party.id)] == 0


def test_a_grid_leader_reads_the_check_in_sheet_of_a_shift(session: Session) -> None:
    h = History(session)
    sheet = attendance.shift_attendance(session=session, shift_id=h.s1.id)
    assert [(r.person_id, r.status) for r in sheet] == [
        (h.worker.id, AttendanceStatus.COMPLETED),
        (h.vol.id, AttendanceStatus.NO_SHOW),
    ]
    with pytest.raises(NotFound):
        attendance.shift_attendance(session=session, shift_id=10**9)


def test_the_no_show_rate_from_attendance_survives_a_new_roster_version(session: Session) -> None:
    h = History(session)
    h.roster_.status = RosterStatus.SUPERSEDED  # as after a re-plan: the old version holds the no-show
    session.flush()
    rates = attendance.no_show_permille(session=session, since=local(0, 0), until=local(7, 0))
    assert rates == {h.vol.id: 1000}
    assert attendance.no_show_permille(session=session, since=local(1, 0), until=local(7, 0)) == {}
