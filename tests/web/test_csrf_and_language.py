"""CSRF on every form (the API, on bearer tokens, is exempt); Chinese by default, English on request."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.people.models import Person
from tests.web.conftest import PASSWORD, World, make_app


def csrf_client(session: Session) -> FlaskClient:
    return make_app(session, WTF_CSRF_ENABLED=True).test_client()


def token_from(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', client.get(url).get_data(as_text=True))
    assert match is not None
    return match.group(1)


def test_a_form_posted_without_a_token_is_refused_in_chinese(session: Session, world: World) -> None:
    client = csrf_client(session)
    response = client.post("/login", data={"username": "cuihu", "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert client.get("/people").status_code == 302  # not signed in


def test_a_form_with_the_pages_token_goes_through(session: Session, world: World) -> None:
    client = csrf_client(session)
    token = token_from(client, "/login")
    response = client.post("/login", data={"username": "cuihu", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303


def test_adding_a_person_without_a_token_saves_nothing(session: Session, world: World) -> None:
    client = csrf_client(session)
    client.post(
        "/login", data={"username": "cuihu", "password": PASSWORD, "csrf_token": token_from(client, "/login")}
    )
    before = session.scalar(select(func.count(Person.id)))
    response = client.post(
        "/people/new",
        data={
            "name": "无令牌",
            "category": "volunteer",
            "phone": "13900000001",
            "home_grid_id": str(world.grid_qy.id),
            "monthly_quota_hours": "0",
        },
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count(Person.id))) == before


def test_availability_taps_need_the_token_too(session: Session, world: World) -> None:
    client = csrf_client(session)
    url = f"/me/{world.volunteer.link_token}/availability"
    assert client.post(url, data={"day": "2026-11-28", "part": "day"}).status_code == 400
    token = token_from(client, f"/me/{world.volunteer.link_token}")
    response = client.post(url, data={"day": "2026-11-28", "part": "day"}, headers={"X-CSRFToken": token})
    assert response.status_code == 303


def test_logout_without_a_token_keeps_you_signed_in(session: Session, world: World) -> None:
    client = csrf_client(session)
    client.post(
        "/login", data={"username": "cuihu", "password": PASSWORD, "csrf_token": token_from(client, "/login")}
    )
    assert client.post("/logout").status_code == 400
    assert client.get("/people").status_code == 200


def test_the_api_needs_no_csrf_token(session: Session, world: World) -> None:
    client = csrf_client(session)
    response = client.post("/api/v1/people", json={}, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401  # reached the token check, not stopped by CSRF


def test_pages_are_chinese_by_default(client: FlaskClient) -> None:
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in body and "登录" in body and "Sign in" not in body


def test_an_english_browser_gets_english(client: FlaskClient) -> None:
    body = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in body and "Sign in" in body


def test_a_chinese_browser_gets_chinese_even_with_english_second(client: FlaskClient) -> None:
    body = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "登录" in body


def test_the_language_switch_sticks_for_the_session_and_returns_to_the_page(client: FlaskClient) -> None:
    response = client.post("/lang/en", data={"next": "/login?x=1"})
    assert response.status_code == 303 and response.headers["Location"] == "/login?x=1"
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    client.post("/lang/zh_Hans_CN")
    assert "登录" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_language_switch_refuses_to_redirect_off_site(client: FlaskClient) -> None:
    response = client.post("/lang/en", data={"next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_form_errors_follow_the_language(client: FlaskClient, world: World) -> None:
    client.post("/login", data={"username": "cuihu", "password": PASSWORD})
    client.post("/lang/en")
    body = client.post(
        "/people/new",
        data={"name": "", "category": "volunteer", "phone": "1", "home_grid_id": str(world.grid_qy.id)},
    ).get_data(as_text=True)
    assert "Enter the name" in body and "请填写姓名" not in body
