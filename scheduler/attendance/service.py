"""Check-in, check-out and no-show per assignment, by the grid leader or the person's link (no commits)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.attendance.models import Attendance, AttendanceStatus, Via
from scheduler.audit import service as audit
from scheduler.errors import Conflict, NotFound, ValidationError
from scheduler.people.models import Person
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift

# Why an hour: people arrive early to take over a post; earlier than that is not this shift.
EARLIEST_CHECK_IN = timedelta(hours=1)


def get_attendance(*, session: Session, shift_id: int, person_id: int) -> Attendance | None:
    return session.scalar(
        select(Attendance).where(Attendance.shift_id == shift_id, Attendance.person_id == person_id)
    )


def _published_assignment(*, session: Session, assignment_id: int) -> Assignment:
    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFound("assignment_not_found", "找不到这条排班", "no such assignment")
    if a.roster.status is not RosterStatus.PUBLISHED:
        raise Conflict(
            "roster_not_published",
            "只能为已发布排班中的安排签到签退",
            "attendance is recorded only on assignments of the published roster",
        )
    return a


def assignment_by_link(*, session: Session, token: str, shift_id: int) -> Assignment:
    """The person of this personal link on this shift, in the published roster."""
    person = (
        session.scalar(select(Person).where(Person.link_token == token))
        if token and len(token) <= 64
        else None
    )
    a = (
        None
        if person is None
        else session.scalar(
            select(Assignment)
            .join(Roster)
            .where(
                Assignment.person_id == person.id,
                Assignment.shift_id == shift_id,
                Roster.status == RosterStatus.PUBLISHED,
            )
            .order_by(Roster.id.desc())
            .limit(1)
        )
    )
    if a is None:
        raise NotFound(
            "assignment_not_found", "链接无效或这个班次没有您的安排", "no assignment of yours on this shift"
        )
    return a


def _when(at: datetime | None, now: datetime) -> datetime:
    when = at or now
    if when.tzinfo is None:
        raise ValidationError("naive_time", "时间必须带时区", "the time must carry a time zone")
    if when > now:
        raise ValidationError(
            "time_in_future",
            "签到签退时间不能晚于现在",
            "a check-in or check-out time cannot be in the future",
        )
    return when


def check_in(
    *,
    session: Session,
    assignment_id: int,
    now: datetime,
    actor: str,
    via: Via,
    at: datetime | None = None,
) -> Attendance:
    """Record arrival at the post. ``at`` lets a grid leader enter a time afterwards (not in the future).

    A person who was offered the shift and comes without having answered has, in fact, confirmed:
    the assignment becomes confirmed. A second check-in is a no-op.
    """
    a = _published_assignment(session=session, assignment_id=assignment_id)
    when = _when(at, now)
    shift = a.shift
    existing = get_attendance(session=session, shift_id=a.shift_id, person_id=a.person_id)
    if existing is not None and existing.status is AttendanceStatus.CHECKED_IN:
        return existing
    if existing is not None or a.status in (AssignmentStatus.COMPLETED, AssignmentStatus.NO_SHOW):
        raise Conflict(
            "attendance_closed", "这个班次的考勤已经结束", "attendance for this shift is already closed"
        )
    if a.status not in (AssignmentStatus.OFFERED, AssignmentStatus.CONFIRMED):
        raise Conflict(
            "assignment_not_confirmed", "只有已确认的安排可以签到", "only a confirmed assignment can check in"
        )
    if shift.cancelled:
        raise Conflict("shift_cancelled", "这个班次已取消", "this shift was called off")
    if when < shift.starts_at - EARLIEST_CHECK_IN:
        raise ValidationError(
            "too_early",
            "签到太早：最早在班次开始前一小时",
            "too early: check-in opens one hour before the shift",
        )
    if when >= shift.ends_at:
        raise ValidationError(
            "shift_over", "班次已经结束，不能再签到", "the shift is over: check-in is closed"
        )
    if a.status is AssignmentStatus.OFFERED:
        a.status = AssignmentStatus.CONFIRMED
    a.updated_at = now
    return _new_record(
        session=session,
        a=a,
        status=AttendanceStatus.CHECKED_IN,
        now=now,
        actor=actor,
        action="attendance.check_in",
        detail={"via": via.value, "at": when.isoformat()},
        check_in_at=when,
        check_in_via=via,
    )


def check_out(
    *,
    session: Session,
    assignment_id: int,
    now: datetime,
    actor: str,
    via: Via,
    at: datetime | None = None,
) -> Attendance:
    """Record leaving the post: the assignment is completed (confirmed → completed)."""
    a = _published_assignment(session=session, assignment_id=assignment_id)
    when = _when(at, now)
    record = get_attendance(session=session, shift_id=a.shift_id, person_id=a.person_id)
    if record is None or record.check_in_at is None:
        raise Conflict("not_checked_in", "还没有签到，不能签退", "not checked in: cannot check out")
    if record.status is not AttendanceStatus.CHECKED_IN:
        raise Conflict(
            "attendance_closed", "这个班次的考勤已经结束", "attendance for this shift is already closed"
        )
    if when <= record.check_in_at:
        raise ValidationError(
            "check_out_before_check_in",
            "签退时间必须晚于签到时间",
            "the check-out time must be after the check-in time",
        )
    record.status = AttendanceStatus.COMPLETED
    record.check_out_at = when
    record.check_out_via = via
    record.recorded_by = actor
    record.updated_at = now
    a.status = AssignmentStatus.COMPLETED
    a.updated_at = now
    session.flush()
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="attendance.check_out",
        entity="assignment",
        entity_id=a.id,
        detail={"via": via.value, "at": when.isoformat(), "served_minutes": record.served_minutes()},
    )
    return record


def mark_no_show(*, session: Session, assignment_id: int, now: datetime, actor: str) -> Attendance:
    """The grid leader records that a confirmed person did not come (confirmed → no_show).

    Only once the shift has started, and not for someone who checked in. Planning reads the
    no-show record into each person's rate (reliable people first for critical shifts).
    """
    a = _published_assignment(session=session, assignment_id=assignment_id)
    if get_attendance(session=session, shift_id=a.shift_id, person_id=a.person_id) is not None:
        raise Conflict(
            "attendance_closed", "这个人已经签到或已记录缺勤", "already checked in or recorded as a no-show"
        )
    if a.status is not AssignmentStatus.CONFIRMED:
        raise Conflict(
            "assignment_not_confirmed",
            "只有已确认的安排可以记为缺勤",
            "only a confirmed assignment can be recorded as a no-show",
        )
    if now < a.shift.starts_at:
        raise ValidationError(
            "shift_not_started", "班次还没开始，不能记为缺勤", "the shift has not started yet"
        )
    a.status = AssignmentStatus.NO_SHOW
    a.updated_at = now
    return _new_record(
        session=session,
        a=a,
        status=AttendanceStatus.NO_SHOW,
        now=now,
        actor=actor,
        action="attendance.no_show",
        detail={},
    )


def _new_record(
    *,
    session: Session,
    a: Assignment,
    status: AttendanceStatus,
    now: datetime,
    actor: str,
    action: str,
    detail: dict[str, Any],
    **fields: Any,
) -> Attendance:
    """Store the attendance row of an assignment and audit it in the caller's transaction."""
    record = Attendance(
        shift_id=a.shift_id,
        person_id=a.person_id,
        roster_id=a.roster_id,
        status=status,
        recorded_by=actor,
        updated_at=now,
        **fields,
    )
    session.add(record)
    session.flush()
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action=action,
        entity="assignment",
        entity_id=a.id,
        detail=detail,
    )
    return record


def shift_attendance(*, session: Session, shift_id: int) -> list[Attendance]:
    """Every record of one shift (a grid leader's check-in sheet)."""
    if session.get(Shift, shift_id) is None:
        raise NotFound("shift_not_found", "找不到这个班次", "no such shift")
    return list(
        session.scalars(select(Attendance).where(Attendance.shift_id == shift_id).order_by(Attendance.id))
    )


def no_show_permille(*, session: Session, since: datetime, until: datetime) -> dict[int, int]:
    """Each person's no-show rate (per mille) from the attendance of shifts starting in [since, until).

    The rate over recorded outcomes: no-shows ÷ (no-shows + completed). Unlike assignment statuses,
    these records survive a re-plan of the week (a new roster version does not carry no-shows), so
    planning can read the reliability record from here.
    """
    rows = session.execute(
        select(Attendance.person_id, Attendance.status)
        .join(Shift, Attendance.shift_id == Shift.id)
        .where(Shift.starts_at >= since, Shift.starts_at < until)
    ).all()
    missed: dict[int, int] = {}
    done: dict[int, int] = {}
    for person_id, status in rows:
        if status is AttendanceStatus.NO_SHOW:
            missed[person_id] = missed.get(person_id, 0) + 1
        elif status is AttendanceStatus.COMPLETED:
            done[person_id] = done.get(person_id, 0) + 1
    return {p: 1000 * n // (n + done.get(p, 0)) for p, n in missed.items()}
