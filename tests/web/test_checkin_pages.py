"""Check-in pages: the grid leader's sheet of today's shifts and the person's own link, on the hand-made week.

The clock reads Wednesday 2026-12-02 09:30: shift s3 (09–11, grid 甲二) has 志愿者丁 confirmed, no record.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.attendance.models import Attendance, AttendanceStatus, Via
from scheduler.audit.models import AuditEntry
from scheduler.rosters.models import AssignmentStatus
from tests.scheduler.ledger_history import local
from tests.web.history_app import HistoryWeb, history_web

WEDNESDAY_0930 = local(2, 9, 30)


@pytest.fixture
def web(session: Session) -> HistoryWeb:
    return history_web(session, WEDNESDAY_0930)


def audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def record_of(session: Session, web: HistoryWeb) -> Attendance | None:
    session.expire_all()
    return session.scalar(
        select(Attendance).where(Attendance.shift_id == web.h.s3.id, Attendance.person_id == web.h.vol_a2.id)
    )


def test_the_grid_leader_sees_todays_shifts_in_their_community(web: HistoryWeb) -> None:
    body = web.client("leader").get("/checkin").get_data(as_text=True)
    assert f'id="shift-{web.h.s3.id}"' in body and "志愿者丁" in body and "甲二网格" in body
    assert "网格员甲" not in body  # Monday's shift is not today
    monday = web.client("leader").get("/checkin", query_string={"day": "2026-11-30"}).get_data(as_text=True)
    assert "网格员甲" in monday and "state-completed" in monday and "state-no_show" in monday
    other = web.client("other").get("/checkin").get_data(as_text=True)
    assert "志愿者丁" not in other and 'class="empty"' in other


def test_a_leader_checks_in_then_out_and_a_second_check_in_changes_nothing(
    web: HistoryWeb, session: Session
) -> None:
    client = web.client("leader")
    a = web.h.assignment(web.h.s3, web.h.vol_a2)
    response = client.post(f"/checkin/{a.id}", data={"action": "in"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#shift-{web.h.s3.id}")
    record = record_of(session, web)
    assert record is not None and (record.status, record.check_in_via, record.check_in_at) == (
        AttendanceStatus.CHECKED_IN,
        Via.LEADER,
        WEDNESDAY_0930,
    )
    before = audit_count(session)
    again = client.post(f"/checkin/{a.id}", data={"action": "in"}, follow_redirects=True)
    assert "已经签到过了" in again.get_data(as_text=True)
    assert audit_count(session) == before
    assert "state-checked_in" in again.get_data(as_text=True)

    too_soon = client.post(f"/checkin/{a.id}", data={"action": "out"}, follow_redirects=True)
    assert "签退时间必须晚于签到时间" in too_soon.get_data(as_text=True)  # out at the same minute
    assert record_of(session, web).status is AttendanceStatus.CHECKED_IN  # type: ignore[union-attr]


def test_a_no_show_closes_attendance_and_a_later_check_in_is_refused(
    web: HistoryWeb, session: Session
) -> None:
    client = web.client("street")
    a = web.h.assignment(web.h.s3, web.h.vol_a2)
    client.post(f"/checkin/{a.id}", data={"action": "no_show"})
    record = record_of(session, web)
    assert record is not None and record.status is AttendanceStatus.NO_SHOW
    assert session.get(type(a), a.id).status is AssignmentStatus.NO_SHOW  # type: ignore[union-attr]
    before = audit_count(session)
    body = client.post(f"/checkin/{a.id}", data={"action": "in"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "考勤已经结束" in body and audit_count(session) == before


def test_another_streets_coordinator_cannot_check_anyone_in(web: HistoryWeb, session: Session) -> None:
    a = web.h.assignment(web.h.s3, web.h.vol_a2)
    assert web.client("other").post(f"/checkin/{a.id}", data={"action": "in"}).status_code == 403
    assert web.client("leader").post(f"/checkin/{a.id}", data={"action": "dance"}).status_code == 400
    assert web.client("leader").post("/checkin/999999", data={"action": "in"}).status_code == 404
    assert record_of(session, web) is None


def test_the_person_checks_in_and_out_from_their_link(web: HistoryWeb, session: Session) -> None:
    client = web.client(None)
    token, shift = web.h.vol_a2.link_token, web.h.s3.id
    page = client.get(f"/me/{token}").get_data(as_text=True)
    assert f'action="/me/{token}/checkin/{shift}"' in page
    client.post(f"/me/{token}/checkin/{shift}", data={"action": "in"})
    record = record_of(session, web)
    assert record is not None and (record.status, record.check_in_via) == (
        AttendanceStatus.CHECKED_IN,
        Via.LINK,
    )
    before = audit_count(session)
    again = client.post(f"/me/{token}/checkin/{shift}", data={"action": "in"}, follow_redirects=True)
    assert "已经签到过了" in again.get_data(as_text=True) and audit_count(session) == before


def test_someone_not_on_the_shift_gets_a_404_and_nothing_is_stored(web: HistoryWeb, session: Session) -> None:
    response = web.client(None).post(
        f"/me/{web.h.vol.link_token}/checkin/{web.h.s3.id}", data={"action": "in"}
    )
    assert response.status_code == 404
    assert "这个班次没有您的安排" in response.get_data(as_text=True)
    assert record_of(session, web) is None


def test_checking_in_on_the_wrong_day_is_refused_in_chinese(session: Session) -> None:
    web = history_web(session, local(1, 9, 30))  # Tuesday: s3 is tomorrow
    token, shift = web.h.vol_a2.link_token, web.h.s3.id
    assert f"/checkin/{shift}" not in web.client(None).get(f"/me/{token}").get_data(as_text=True)
    body = (
        web.client(None)
        .post(f"/me/{token}/checkin/{shift}", data={"action": "in"}, follow_redirects=True)
        .get_data(as_text=True)
    )
    assert "签到太早" in body
    assert record_of(session, web) is None
    assert re.search(r'class="flash error"', body)
