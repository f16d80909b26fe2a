"""Permission tables: each role against each page and API route, including another street's coordinator."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scheduler.people.models import Person
from tests.web.conftest import AuthActions, World

# Which objects each account may reach: admin (district: both streets), cuihu (翠湖 street),
# qingyun (青云 community of 翠湖), huashan (the other street).
SEES = {
    "admin": {"qy", "lh", "hs"},
    "cuihu": {"qy", "lh"},
    "qingyun": {"qy"},
    "huashan": {"hs"},
}

# route template, the area the object lives in (None: every signed-in account may open it)
PAGES: list[tuple[str, str | None]] = [
    ("/people", None),
    ("/people/new", None),
    ("/grids", None),
    ("/account", None),
    ("/people/{volunteer}", "qy"),
    ("/people/{volunteer}/edit", "qy"),
    ("/people/{nurse}", "lh"),
    ("/people/{nurse}/edit", "lh"),
    ("/people/{other_worker}", "hs"),
    ("/people/{other_worker}/edit", "hs"),
    ("/grids/{grid_qy}", "qy"),
    ("/grids/{grid_lh}", "lh"),
    ("/grids/{grid_hs}", "hs"),
    ("/templates/{template_qy}/edit", "qy"),
    ("/templates/{template_hs}/edit", "hs"),
]
API: list[tuple[str, str | None]] = [
    ("/api/v1/me", None),
    ("/api/v1/people", None),
    ("/api/v1/grids", None),
    ("/api/v1/people/{volunteer}", "qy"),
    ("/api/v1/people/{nurse}", "lh"),
    ("/api/v1/people/{other_worker}", "hs"),
    ("/api/v1/grids/{grid_qy}/templates", "qy"),
    ("/api/v1/grids/{grid_hs}/templates", "hs"),
]


def ids(world: World) -> dict[str, int]:
    return {
        "volunteer": world.volunteer.id,
        "nurse": world.nurse.id,
        "other_worker": world.other_worker.id,
        "grid_qy": world.grid_qy.id,
        "grid_lh": world.grid_lh.id,
        "grid_hs": world.grid_hs.id,
        "template_qy": world.template_qy.id,
        "template_hs": world.template_hs.id,
    }


@pytest.mark.parametrize(("route", "area"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: FlaskClient, world: World, route: str, area: str | None
) -> None:
    response = client.get(route.format(**ids(world)))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("username", sorted(SEES))
@pytest.mark.parametrize(("route", "area"), PAGES)
def test_pages_open_only_inside_the_accounts_area(
    client: FlaskClient, auth: AuthActions, world: World, username: str, route: str, area: str | None
) -> None:
    auth.login(username)
    response = client.get(route.format(**ids(world)))
    expected = 200 if area is None or area in SEES[username] else 403
    assert response.status_code == expected
    if expected == 403:
        assert "没有权限" in response.get_data(as_text=True)


@pytest.mark.parametrize("username", sorted(SEES))
@pytest.mark.parametrize(("route", "area"), API)
def test_api_routes_answer_only_inside_the_tokens_area(
    client: FlaskClient,
    api_token: Callable[[str], dict[str, str]],
    world: World,
    username: str,
    route: str,
    area: str | None,
) -> None:
    response = client.get(route.format(**ids(world)), headers=api_token(username))
    expected = 200 if area is None or area in SEES[username] else 403
    assert response.status_code == expected
    if expected == 403:
        assert response.json == {"error": {"code": "forbidden", "message": "您没有权限查看或修改这项内容"}}


@pytest.mark.parametrize(("route", "area"), API)
def test_api_routes_refuse_requests_without_a_token(
    client: FlaskClient, world: World, route: str, area: str | None
) -> None:
    response = client.get(route.format(**ids(world)))
    assert response.status_code == 401
    assert response.json is not None and response.json["error"]["code"] == "unauthorized"


def test_a_session_cookie_does_not_open_the_api(client: FlaskClient, auth: AuthActions) -> None:
    auth.login("cuihu")
    assert client.get("/api/v1/people").status_code == 401


def test_people_lists_show_only_the_accounts_area(
    client: FlaskClient, auth: AuthActions, api_token: Callable[[str], dict[str, str]]
) -> None:
    expected = {
        "admin": {"李娜", "张护士", "王大爷", "赵强"},
        "cuihu": {"李娜", "张护士", "王大爷"},
        "qingyun": {"李娜", "王大爷"},
        "huashan": {"赵强"},
    }
    for username, names in expected.items():
        body = client.get("/api/v1/people", headers=api_token(username)).json
        assert body is not None and {p["name"] for p in body["items"]} == names
        auth.login(username)
        page = client.get("/people").get_data(as_text=True)
        assert {n for n in expected["admin"] if n in page} == names
        auth.logout()


def test_the_other_streets_coordinator_cannot_deactivate_our_volunteer(
    client: FlaskClient, auth: AuthActions, world: World, fresh: Session
) -> None:
    auth.login("huashan")
    response = client.post(f"/people/{world.volunteer.id}/active", data={"active": "0"})
    assert response.status_code == 403
    fresh.expire_all()
    person = fresh.get(Person, world.volunteer.id)
    assert person is not None and person.active


def test_the_other_streets_coordinator_cannot_edit_our_template_through_the_api(
    client: FlaskClient, api_token: Callable[[str], dict[str, str]], world: World
) -> None:
    body = {"weekdays": "0", "start": "08:00", "end": "09:00", "demands": [{"skill": None, "count": 1}]}
    response = client.put(
        f"/api/v1/templates/{world.template_qy.id}", json=body, headers=api_token("huashan")
    )
    assert response.status_code == 403


def test_a_community_coordinator_cannot_add_a_person_to_a_grid_outside_the_community(
    client: FlaskClient, auth: AuthActions, world: World, fresh: Session
) -> None:
    auth.login("qingyun")
    response = client.post(
        "/people/new",
        data={
            "name": "越界",
            "category": "volunteer",
            "phone": "13900000009",
            "home_grid_id": str(world.grid_lh.id),
            "monthly_quota_hours": "0",
        },
    )
    assert response.status_code == 200
    assert "不是有效的选择" in response.get_data(as_text=True)
    assert fresh.query(Person).filter_by(name="越界").count() == 0


def test_missing_objects_are_404_not_403(client: FlaskClient, auth: AuthActions) -> None:
    auth.login("cuihu")
    assert client.get("/people/999999").status_code == 404
    assert client.get("/grids/999999").status_code == 404
    assert client.get("/templates/999999/edit").status_code == 404
