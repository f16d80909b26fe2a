"""Personal pages by link token: my shifts, hours this month, tap to mark free or busy; unknown links 404."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.availability.models import AvailabilityException, ExceptionKind
from scheduler.people.models import Person
from scheduler.reference import task_types_by_code
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift
from tests.conftest import NOW
from tests.web.conftest import World

TODAY = date(2026, 11, 27)  # NOW is 10:00 on this Friday in Asia/Shanghai


def add_shift(
    session: Session,
    world: World,
    person: Person,
    start: datetime,
    hours: int,
    *,
    roster_status: RosterStatus = RosterStatus.PUBLISHED,
    status: AssignmentStatus = AssignmentStatus.CONFIRMED,
) -> Assignment:
    roster = Roster(
        street_id=world.street.id,
        week_start=date(2026, 11, 23),
        version=1 + len(list(session.scalars(select(Roster.id)))),
        status=roster_status,
        created_at=NOW,
    )
    shift = Shift(
        grid_id=world.grid_qy.id,
        task_type_id=task_types_by_code(session=session)["patrol"].id,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        location="青云路 1 号",
    )
    session.add_all([roster, shift])
    session.flush()
    a = Assignment(roster_id=roster.id, shift_id=shift.id, person_id=person.id, status=status, updated_at=NOW)
    session.add(a)
    session.flush()
    return a


def test_an_unknown_link_is_a_plain_chinese_404(client: FlaskClient) -> None:
    response = client.get("/me/not-a-real-token")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "个人链接无效或已停用" in body
    assert "/people" not in body and "/grids" not in body  # no way into the coordinator pages


def test_posting_to_an_unknown_link_is_404_and_writes_nothing(client: FlaskClient, session: Session) -> None:
    response = client.post(
        "/me/not-a-real-token/availability", data={"day": TODAY.isoformat(), "part": "day"}
    )
    assert response.status_code == 404
    assert session.scalar(select(AvailabilityException.id)) is None


def test_my_page_shows_my_published_shifts_and_hours_this_month(
    client: FlaskClient, world: World, session: Session
) -> None:
    add_shift(session, world, world.volunteer, datetime(2026, 11, 20, 11, tzinfo=UTC), 2)  # done
    add_shift(session, world, world.volunteer, datetime(2026, 11, 28, 11, tzinfo=UTC), 3)  # Saturday 19:00
    add_shift(
        session,
        world,
        world.volunteer,
        datetime(2026, 11, 29, 11, tzinfo=UTC),
        4,
        roster_status=RosterStatus.DRAFT,
    )  # a draft: not shown
    add_shift(
        session,
        world,
        world.volunteer,
        datetime(2026, 11, 30, 11, tzinfo=UTC),
        5,
        status=AssignmentStatus.DECLINED,
    )  # declined: shown, not counted
    body = client.get(f"/me/{world.volunteer.link_token}").get_data(as_text=True)
    assert "李娜" in body and "青云路 1 号" in body and "11-28 19:00" in body
    assert "11-29" not in body.split('id="availability"')[0]
    assert "<strong>2.0</strong> 小时已完成" in body and "<strong>3.0</strong> 小时已安排" in body


def test_tapping_a_free_evening_marks_it_busy_and_tapping_again_frees_it(
    client: FlaskClient, world: World, session: Session
) -> None:
    session.add(_weekly(world.volunteer.id))
    session.flush()
    url = f"/me/{world.volunteer.link_token}/availability"
    day = TODAY + timedelta(days=1)
    first = client.post(
        url, data={"day": day.isoformat(), "part": "evening"}, headers={"Accept": "application/json"}
    )
    assert first.json == {"day": day.isoformat(), "part": "evening", "free": False}
    rows = list(session.scalars(select(AvailabilityException)))
    assert [(r.kind, r.person_id) for r in rows] == [(ExceptionKind.BUSY, world.volunteer.id)]
    second = client.post(
        url, data={"day": day.isoformat(), "part": "evening"}, headers={"Accept": "application/json"}
    )
    assert second.json is not None and second.json["free"] is True
    assert list(session.scalars(select(AvailabilityException))) == []


def _weekly(person_id: int):  # type: ignore[no-untyped-def]
    from datetime import time

    from scheduler.availability.models import WeeklyWindow

    return WeeklyWindow(person_id=person_id, weekday=5, start=time(18), end=time(21, 30))  # Saturday evenings


def test_tapping_a_busy_slot_outside_the_weekly_windows_adds_extra_availability(
    client: FlaskClient, world: World, session: Session
) -> None:
    response = client.post(
        f"/me/{world.elder.link_token}/availability", data={"day": TODAY.isoformat(), "part": "day"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#availability")
    rows = list(session.scalars(select(AvailabilityException)))
    assert [(r.kind, r.person_id) for r in rows] == [(ExceptionKind.EXTRA, world.elder.id)]


@pytest.mark.parametrize("day", [TODAY - timedelta(days=1), TODAY + timedelta(days=21)])
def test_days_outside_the_coming_three_weeks_cannot_be_changed(
    client: FlaskClient, world: World, session: Session, day: date
) -> None:
    response = client.post(
        f"/me/{world.volunteer.link_token}/availability",
        data={"day": day.isoformat(), "part": "day"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json is not None and response.json["error"]["code"] == "day_out_of_range"
    assert session.scalar(select(AvailabilityException.id)) is None


@pytest.mark.parametrize(
    "data", [{"day": "tomorrow", "part": "day"}, {"day": "2026-11-28", "part": "night"}, {}]
)
def test_malformed_taps_are_400(client: FlaskClient, world: World, data: dict[str, str]) -> None:
    assert client.post(f"/me/{world.volunteer.link_token}/availability", data=data).status_code == 400


def test_leave_recorded_by_the_coordinator_cannot_be_undone_from_the_phone(
    client: FlaskClient, world: World, session: Session
) -> None:
    start = datetime(2026, 11, 27, 16, tzinfo=UTC)  # Saturday 00:00 local, whole day
    session.add(
        AvailabilityException(
            person_id=world.volunteer.id,
            kind=ExceptionKind.LEAVE,
            starts_at=start,
            ends_at=start + timedelta(days=1),
        )
    )
    session.flush()
    body = client.get(f"/me/{world.volunteer.link_token}").get_data(as_text=True)
    assert "已登记请假" in body
    response = client.post(
        f"/me/{world.volunteer.link_token}/availability",
        data={"day": "2026-11-28", "part": "evening"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.json is not None and "请假" in response.json["error"]["message"]
    assert len(list(session.scalars(select(AvailabilityException)))) == 1


def test_my_page_confirms_and_declines_a_shift_like_the_sms_link(
    client: FlaskClient, world: World, session: Session
) -> None:
    a = add_shift(
        session,
        world,
        world.volunteer,
        datetime(2026, 11, 28, 11, tzinfo=UTC),
        2,
        status=AssignmentStatus.OFFERED,
    )
    page = client.get(f"/me/{world.volunteer.link_token}").get_data(as_text=True)
    assert f"/me/{world.volunteer.link_token}/shifts/{a.id}" in page and "确认" in page and "拒绝" in page
    confirmed = client.post(f"/me/{world.volunteer.link_token}/shifts/{a.id}", data={"answer": "confirm"})
    assert confirmed.status_code == 200
    assert session.get(Assignment, a.id).status is AssignmentStatus.CONFIRMED  # type: ignore[union-attr]
    declined = client.post(f"/me/{world.volunteer.link_token}/shifts/{a.id}", data={"answer": "decline"})
    assert declined.status_code == 200 and 'id="answer-text"' in declined.get_data(as_text=True)
    assert session.get(Assignment, a.id).status is AssignmentStatus.DECLINED  # type: ignore[union-attr]
    again = client.post(f"/me/{world.volunteer.link_token}/shifts/{a.id}", data={"answer": "confirm"})
    assert "不能再确认" in again.get_data(as_text=True)
    assert session.get(Assignment, a.id).status is AssignmentStatus.DECLINED  # type: ignore[union-attr]


def test_nobody_answers_for_someone_else(client: FlaskClient, world: World, session: Session) -> None:
    a = add_shift(
        session,
        world,
        world.volunteer,
        datetime(2026, 11, 28, 11, tzinfo=UTC),
        2,
        status=AssignmentStatus.OFFERED,
    )
    response = client.post(f"/me/{world.elder.link_token}/shifts/{a.id}", data={"answer": "decline"})
    assert response.status_code == 404
    assert session.get(Assignment, a.id).status is AssignmentStatus.OFFERED  # type: ignore[union-attr]
    assert (
        client.post(f"/me/{world.volunteer.link_token}/shifts/{a.id}", data={"answer": "maybe"}).status_code
        == 400
    )


def test_my_page_links_my_calendar_feed(client: FlaskClient, world: World) -> None:
    body = client.get(f"/me/{world.volunteer.link_token}").get_data(as_text=True)
    assert f"webcal://127.0.0.1:5000/cal/{world.volunteer.link_token}.ics" in body
    assert client.get(f"/cal/{world.volunteer.link_token}.ics").status_code == 200
