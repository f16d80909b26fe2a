"""/api/v1/surge: raise a call by API (201), the duplicate asks to confirm (409), bad input is a 400 with an
English code and writes nothing, the board and after-action are read back, scope is enforced."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.accounts.models import StaffAccount
from scheduler.accounts.service import issue_api_token
from scheduler.audit.models import AuditEntry
from scheduler.surge.models import SurgeCall
from tests.web.surge_app import SurgeWeb, surge_web

BODY: dict[str, Any] = {
    "grid": "A1",
    "place": "3号楼东门",
    "starts_at": "2026-11-27T10:00:00+08:00",
    "ends_at": "2026-11-27T14:00:00+08:00",
    "needs": [{"skill": "general", "count": 2}],
    "lead": False,
}


@pytest.fixture
def web(session: Session) -> SurgeWeb:
    return surge_web(session)


def headers(session: Session, username: str) -> dict[str, str]:
    account_id = session.scalar(select(StaffAccount.id).where(StaffAccount.username == username))
    assert account_id is not None
    token = issue_api_token(session=session, account_id=account_id)
    session.flush()
    return {"Authorization": f"Bearer {token}"}


def counts(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(SurgeCall)) or 0,
        session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
    )


def post(client: FlaskClient, h: dict[str, str], **changes: Any) -> Any:
    return client.post("/api/v1/surge/calls", json={**BODY, **changes}, headers=h)


def test_a_call_raised_by_api_is_on_its_board(web: SurgeWeb, session: Session) -> None:
    client, h = web.app.test_client(), headers(session, "shequ")
    response = post(client, h)
    assert response.status_code == 201
    data = response.get_json()
    assert (data["status"], data["tier"], data["offers"], data["unfillable"]) == ("open", "community", 3, [])
    assert data["board_url"] == f"/surge/calls/{data['call_id']}"
    read = client.get(f"/api/v1/surge/calls/{data['call_id']}", headers=h).get_json()
    general = read["board"]["needs"][0]
    assert (general["need"], general["needed"], general["offered"], general["missing"]) == (
        "general",
        2,
        3,
        2,
    )
    assert read["after_action"]["asked"] == 3 and read["after_action"]["confirmed"] == 0


def test_a_skill_nobody_has_is_accepted_with_the_reason(web: SurgeWeb, session: Session) -> None:
    response = post(web.app.test_client(), headers(session, "shequ"), needs=[{"skill": "doctor", "count": 1}])
    assert response.status_code == 201
    (unfillable,) = response.get_json()["unfillable"]
    assert (unfillable["need"], unfillable["reason"], unfillable["missing"]) == (
        "doctor",
        "no_one_has_skill",
        1,
    )


def test_a_duplicate_is_a_409_until_confirmed(web: SurgeWeb, session: Session) -> None:
    client, h = web.app.test_client(), headers(session, "shequ")
    assert post(client, h).status_code == 201
    before = counts(session)
    duplicate = post(client, h)
    assert duplicate.status_code == 409 and duplicate.get_json()["error"]["code"] == "duplicate_call"
    assert counts(session) == before
    assert post(client, h, confirm_duplicate=True).status_code == 201


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"needs": []}, 400, "invalid_field"),
        ({"needs": [{"skill": "general", "count": 0}]}, 400, "no_requirements"),
        ({"ends_at": "2026-11-27T09:00:00+08:00"}, 400, "end_before_start"),
        ({"starts_at": "2026-11-27T10:00:00"}, 400, "invalid_field"),
        ({"starts_at": "9999-12-31T23:59:59+08:00", "ends_at": None}, 400, "out_of_range"),
        ({"grid": "Z9"}, 404, "grid_not_found"),
        ({"grid": "C1"}, 404, "grid_not_found"),  # another street's grid is not found in scope
        ({"needs": [{"skill": "telepathy", "count": 1}]}, 400, "unknown_skill"),
        ({"priority": "panic"}, 400, "invalid_field"),
    ],
)
def test_bad_input_is_an_english_code_and_writes_nothing(
    web: SurgeWeb, session: Session, changes: dict[str, Any], status: int, code: str
) -> None:
    before = counts(session)
    response = post(web.app.test_client(), headers(session, "shequ"), **changes)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert counts(session) == before


def test_scope_and_tokens_are_enforced(web: SurgeWeb, session: Session) -> None:
    client = web.app.test_client()
    assert post(client, {}).status_code == 401
    other = headers(session, "other")
    grid_id = web.d.st.a1.id
    assert post(client, other, grid=None, grid_id=grid_id).status_code == 403
    call_id = post(client, headers(session, "shequ")).get_json()["call_id"]
    assert client.get(f"/api/v1/surge/calls/{call_id}", headers=other).status_code == 403
    assert (
        client.get("/api/v1/surge/calls/999999", headers=other).get_json()["error"]["code"]
        == "call_not_found"
    )
