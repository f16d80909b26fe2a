"""/api/v1: bearer tokens, the error shape, people and templates through the API, the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.people.models import Person
from scheduler.rosters.models import ShiftTemplate
from tests.web.conftest import World

Headers = Callable[[str], dict[str, str]]


def person_body(world: World, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "周敏",
        "category": "party_in_service",
        "phone": "13700001111",
        "home_grid_id": world.grid_qy.id,
        "work_unit": "区税务局",
        "skills": ["first_aid"],
    }
    body.update(changes)
    return body


def assert_error(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.is_json
    error = response.json["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]


def test_the_openapi_document_is_valid_and_public(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.json)


def test_every_api_route_is_in_the_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec is not None
    documented = {
        (path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"
    }
    served = set()
    for rule in client.application.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
            served |= {(path, m.lower()) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    assert served == documented


def test_a_wrong_token_is_401_with_the_error_shape(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/people", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")


def test_an_unknown_api_route_is_404_json(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_a_wrong_method_is_405_json(client: FlaskClient, api_token: Headers) -> None:
    assert_error(client.delete("/api/v1/people", headers=api_token("cuihu")), 405, "method_not_allowed")


def test_creating_a_person_returns_201_and_stores_them(
    client: FlaskClient, api_token: Headers, world: World, session: Session
) -> None:
    response = client.post("/api/v1/people", json=person_body(world), headers=api_token("cuihu"))
    assert response.status_code == 201
    assert response.json is not None
    assert response.json["phone"] == "+8613700001111"
    assert response.json["skills"] == [{"code": "first_aid", "valid_until": None}]
    assert session.get(Person, response.json["id"]) is not None


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"name": ""}, "name_missing", "name"),
        ({"name": 5}, "invalid_field", "name"),
        ({"phone": "123"}, "phone_invalid", "phone"),
        ({"phone": "13800000001"}, "phone_taken", "phone"),
        ({"category": "alien"}, "invalid_field", "category"),
        ({"home_grid_id": "1"}, "invalid_field", "home_grid_id"),
        ({"home_grid_id": 999999}, "grid_not_found", "home_grid_id"),
        ({"birth_year": 1800}, "invalid_field", "birth_year"),
        ({"experienced": "yes"}, "invalid_field", "experienced"),
        ({"skills": "first_aid"}, "invalid_field", "skills"),
        ({"skills": ["levitation"]}, "skill_unknown", "skills"),
    ],
)
def test_bad_person_fields_are_400_with_code_and_field_and_nothing_saved(
    client: FlaskClient,
    api_token: Headers,
    world: World,
    session: Session,
    changes: dict[str, object],
    code: str,
    field: str,
) -> None:
    before = session.scalar(select(func.count(Person.id)))
    response = client.post("/api/v1/people", json=person_body(world, **changes), headers=api_token("cuihu"))
    assert_error(response, 400, code)
    assert response.json["error"]["field"] == field  # type: ignore[index]
    assert session.scalar(select(func.count(Person.id))) == before


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"null", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_400(client: FlaskClient, api_token: Headers, raw: bytes) -> None:
    headers = {**api_token("cuihu"), "Content-Type": "application/json"}
    assert_error(client.post("/api/v1/people", data=raw, headers=headers), 400, "invalid_json")


def test_an_english_client_gets_english_messages(
    client: FlaskClient, api_token: Headers, world: World
) -> None:
    headers = {**api_token("cuihu"), "Accept-Language": "en"}
    response = client.post("/api/v1/people", json=person_body(world, name=""), headers=headers)
    assert response.json is not None and response.json["error"]["message"] == "name is empty"


def test_deactivating_through_the_api(client: FlaskClient, api_token: Headers, world: World) -> None:
    response = client.put(
        f"/api/v1/people/{world.volunteer.id}/active", json={"active": False}, headers=api_token("qingyun")
    )
    assert response.status_code == 200 and response.json is not None and response.json["active"] is False
    assert_error(
        client.put(f"/api/v1/people/{world.volunteer.id}/active", json={}, headers=api_token("qingyun")),
        400,
        "invalid_field",
    )


def test_updating_a_template_through_the_api(
    client: FlaskClient, api_token: Headers, world: World, session: Session
) -> None:
    body = {
        "weekdays": "56",
        "start": "08:00",
        "end": "11:30",
        "priority": "normal",
        "demands": [{"skill": None, "count": 2}, {"skill": "sampling", "count": 1}],
    }
    response = client.put(f"/api/v1/templates/{world.template_qy.id}", json=body, headers=api_token("cuihu"))
    assert response.status_code == 200
    assert response.json is not None and response.json["demands"] == [
        {"skill": None, "count": 2},
        {"skill": "sampling", "count": 1},
    ]
    t = session.get(ShiftTemplate, world.template_qy.id)
    assert t is not None and t.weekdays == "56"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"start": "8am"}, "invalid_field"),
        ({"weekdays": ""}, "weekdays_invalid"),
        ({"weekdays": "78"}, "weekdays_invalid"),
        ({"end": "08:00"}, "times_equal"),
        ({"demands": [{"skill": "nurse", "count": 1}, {"skill": "nurse", "count": 2}]}, "demand_duplicate"),
        ({"demands": [{"count": 0}]}, "demand_empty"),
        ({"demands": [{"skill": "x", "count": 1}]}, "skill_unknown"),
        ({"demands": [{"count": 51}]}, "invalid_field"),
        ({"demands": "many"}, "invalid_field"),
    ],
)
def test_bad_template_updates_are_400_and_change_nothing(
    client: FlaskClient,
    api_token: Headers,
    world: World,
    session: Session,
    changes: dict[str, object],
    code: str,
) -> None:
    body: dict[str, object] = {"weekdays": "56", "start": "08:00", "end": "11:30", "demands": [{"count": 1}]}
    body.update(changes)
    response = client.put(f"/api/v1/templates/{world.template_qy.id}", json=body, headers=api_token("cuihu"))
    assert_error(response, 400, code)
    t = session.get(ShiftTemplate, world.template_qy.id)
    assert t is not None and t.weekdays == "0123456"


# Found by the fuzzer (test_api_fuzz.py); kept as plain regression tests.
def test_an_id_beyond_32_bits_is_404_not_an_overflow(client: FlaskClient, api_token: Headers) -> None:
    assert_error(
        client.get("/api/v1/grids/9223372036854775808/templates", headers=api_token("cuihu")),
        404,
        "not_found",
    )


@pytest.mark.parametrize("url", ["/api/v1/people?skill=nurse%00", "/api/v1/people?q=%00"])
def test_a_nul_character_in_the_query_is_400_not_a_database_error(
    client: FlaskClient, api_token: Headers, url: str
) -> None:
    assert_error(client.get(url, headers=api_token("cuihu")), 400, "bad_request")


def test_a_nul_character_in_a_json_field_is_400(
    client: FlaskClient, api_token: Headers, world: World
) -> None:
    response = client.post(
        "/api/v1/people", json=person_body(world, name="李\x00娜"), headers=api_token("cuihu")
    )
    assert_error(response, 400, "invalid_field")


def test_a_nul_character_in_a_personal_link_is_400(client: FlaskClient) -> None:
    assert client.get("/me/abc%00def").status_code == 400
