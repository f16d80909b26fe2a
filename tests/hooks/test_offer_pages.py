"""The personal offer link: one tap to confirm or decline; bad links and late answers change nothing."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.clock import FixedClock
from scheduler.notify.models import AssignmentOffer
from scheduler.rosters.models import Assignment, AssignmentStatus
from tests.hooks.conftest import AUTH_TOKEN
from tests.scheduler.notify_support import SETTINGS, Published
from tests.web.conftest import make_app


def _offer(session: Session, a: Assignment) -> AssignmentOffer:
    offer = session.scalar(
        select(AssignmentOffer).where(
            AssignmentOffer.shift_id == a.shift_id, AssignmentOffer.person_id == a.person_id
        )
    )
    assert offer is not None
    return offer


def _last_action(session: Session) -> str | None:
    return session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1))


def test_the_offer_page_shows_the_shift_with_confirm_and_decline(
    client: FlaskClient, session: Session, published: Published
) -> None:
    a = published.on(published.shifts[0])
    page = client.get(f"/o/{_offer(session, a).token}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert a.person.name in body and "甲社区甲一网格" in body and "12月1日周二09:00-11:00" not in body
    assert "11月30日周一09:00-11:00" in body
    assert "确认" in body and "拒绝" in body


def test_one_tap_confirms(client: FlaskClient, session: Session, published: Published) -> None:
    a = published.on(published.shifts[0])
    response = client.post(f"/o/{_offer(session, a).token}/confirm")
    assert response.status_code == 200 and "已确认" in response.get_data(as_text=True)
    assert a.status is AssignmentStatus.CONFIRMED
    assert _last_action(session) == "offer.confirmed"


def test_one_tap_declines_and_a_later_confirm_is_refused_without_change(
    client: FlaskClient, session: Session, published: Published
) -> None:
    a = published.on(published.shifts[0])
    token = _offer(session, a).token
    assert client.post(f"/o/{token}/decline").status_code == 200
    assert a.status is AssignmentStatus.DECLINED
    again = client.post(f"/o/{token}/confirm")
    assert again.status_code == 409 and "您已拒绝过这个值守安排" in again.get_data(as_text=True)
    assert a.status is AssignmentStatus.DECLINED
    assert _last_action(session) == "offer.confirm_after_decline"


def test_an_unknown_link_is_a_clear_chinese_page_and_an_audit_entry(
    client: FlaskClient, session: Session, published: Published
) -> None:
    for response in (client.get("/o/not-a-real-token"), client.post("/o/not-a-real-token/confirm")):
        assert response.status_code == 404 and "链接无效" in response.get_data(as_text=True)
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "offer.unknown")).all() == [
        "offer.unknown",
        "offer.unknown",
    ]
    assert {a.status for a in published.roster.assignments} == {AssignmentStatus.OFFERED}


def test_a_link_after_the_shift_started_has_expired(session: Session, published: Published) -> None:
    a = published.on(published.shifts[0])
    late = make_app(
        session,
        NOTIFY_SETTINGS=SETTINGS,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        CLOCK=FixedClock(a.shift.starts_at + timedelta(minutes=5)),
    )
    client = late.test_client()
    token = _offer(session, a).token
    for response in (client.get(f"/o/{token}"), client.post(f"/o/{token}/confirm")):
        assert response.status_code == 410 and "链接已失效" in response.get_data(as_text=True)
    assert a.status is AssignmentStatus.OFFERED and _last_action(session) == "offer.expired"


def test_answering_needs_no_login_but_a_csrf_token_when_protection_is_on(
    session: Session, published: Published
) -> None:
    app: Flask = make_app(session, NOTIFY_SETTINGS=SETTINGS, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    a = published.on(published.shifts[0])
    token = _offer(session, a).token
    assert client.post(f"/o/{token}/confirm").status_code == 400
    page = client.get(f"/o/{token}").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(f"/o/{token}/confirm", data={"csrf_token": csrf}).status_code == 200
    assert a.status is AssignmentStatus.CONFIRMED
