"""/api/v1 rosters and jobs: generate (202) to publish through the API, scope by role, errors as JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.params import SolveParams
from scheduler.accounts.models import StaffAccount
from scheduler.accounts.service import issue_api_token
from scheduler.rosters.models import Roster, RosterStatus, Shift
from tests.web.conftest import World, make_app
from tests.web.test_roster_pages import draft, qy_shifts

Headers = Callable[[str], dict[str, str]]


def headers_for(session: Session, username: str) -> dict[str, str]:
    account_id = session.scalar(select(StaffAccount.id).where(StaffAccount.username == username))
    assert account_id is not None
    return {"Authorization": f"Bearer {issue_api_token(session=session, account_id=account_id)}"}


def test_generate_to_publish_through_the_api(session: Session, world: World) -> None:
    client = make_app(
        session, JOB_RUNNER="inline", SOLVE_PARAMS=SolveParams(seconds=2, workers=1, deterministic=True)
    ).test_client()
    h = headers_for(session, "cuihu")
    started = client.post(
        "/api/v1/rosters/generate", json={"street_id": world.street.id, "week": "2026-W49"}, headers=h
    )
    assert started.status_code == 202 and started.json is not None
    job = client.get(f"/api/v1/jobs/{started.json['id']}", headers=h).json
    assert job is not None and job["status"] == "succeeded" and job["week"] == "2026-W49"
    roster_id = job["result"]["roster_id"]
    listed = client.get(f"/api/v1/rosters?street_id={world.street.id}&week=2026-W49", headers=h).json
    assert listed is not None and [r["id"] for r in listed["items"]] == [roster_id]
    detail = client.get(f"/api/v1/rosters/{roster_id}", headers=h).json
    assert detail is not None and detail["status"] == "draft"
    assert len(detail["assignments"]) == detail["filled"]
    published = client.post(f"/api/v1/rosters/{roster_id}/publish", headers=h)
    assert (
        published.status_code == 200
        and published.json is not None
        and published.json["status"] == "published"
    )
    again = client.post(f"/api/v1/rosters/{roster_id}/publish", headers=h)
    assert (
        again.status_code == 409
        and again.json is not None
        and again.json["error"]["code"] == "roster_not_draft"
    )


def test_locking_through_the_api(
    client: FlaskClient, api_token: Headers, world: World, session: Session
) -> None:
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:1]})
    a = roster.assignments[0]
    response = client.put(
        f"/api/v1/assignments/{a.id}/lock", json={"locked": True}, headers=api_token("cuihu")
    )
    assert response.json == {"id": a.id, "locked": True}
    bad = client.put(f"/api/v1/assignments/{a.id}/lock", json={"locked": "yes"}, headers=api_token("cuihu"))
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("username", "read", "write"),
    [("admin", 200, 200), ("cuihu", 200, 200), ("qingyun", 200, 403), ("huashan", 403, 403)],
)
def test_roster_api_scope_by_role(
    client: FlaskClient,
    api_token: Headers,
    world: World,
    session: Session,
    username: str,
    read: int,
    write: int,
) -> None:
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:1], "张护士": []})
    a = roster.assignments[0]
    h = api_token(username)
    assert client.get(f"/api/v1/rosters/{roster.id}", headers=h).status_code == read
    assert client.get(f"/api/v1/rosters?street_id={world.street.id}", headers=h).status_code == read
    assert (
        client.put(f"/api/v1/assignments/{a.id}/lock", json={"locked": True}, headers=h).status_code == write
    )
    assert client.post(f"/api/v1/rosters/{roster.id}/publish", headers=h).status_code == write
    expected = RosterStatus.PUBLISHED if write == 200 else RosterStatus.DRAFT
    assert session.get(Roster, roster.id).status is expected  # type: ignore[union-attr]


def test_a_community_coordinator_reads_only_their_communitys_grids(
    client: FlaskClient, api_token: Headers, world: World, session: Session
) -> None:
    lh_shift = Shift(
        grid_id=world.grid_lh.id,
        task_type_id=world.template_qy.task_type_id,
        starts_at=datetime(2026, 12, 1, 1, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 3, tzinfo=UTC),
    )
    session.add(lh_shift)
    session.flush()
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:1], "张护士": [lh_shift.id]})
    body = client.get(f"/api/v1/rosters/{roster.id}", headers=api_token("qingyun")).json
    assert body is not None and {a["person_name"] for a in body["assignments"]} == {"李娜"}
    body = client.get(f"/api/v1/rosters/{roster.id}", headers=api_token("cuihu")).json
    assert body is not None and {a["person_name"] for a in body["assignments"]} == {"李娜", "张护士"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"street_id": 1}, 400, "invalid_field"),
        ({"street_id": "1", "week": "2026-W49"}, 400, "invalid_field"),
        ({"street_id": 999999, "week": "2026-W49"}, 403, "forbidden"),
    ],
)
def test_bad_generate_requests(
    client: FlaskClient, api_token: Headers, body: dict[str, object], status: int, code: str
) -> None:
    response = client.post("/api/v1/rosters/generate", json=body, headers=api_token("cuihu"))
    assert (
        response.status_code == status
        and response.json is not None
        and response.json["error"]["code"] == code
    )


def test_a_malformed_week_is_400(client: FlaskClient, api_token: Headers, world: World) -> None:
    response = client.post(
        "/api/v1/rosters/generate",
        json={"street_id": world.street.id, "week": "2026-W99"},
        headers=api_token("cuihu"),
    )
    assert (
        response.status_code == 400
        and response.json is not None
        and response.json["error"]["code"] == "bad_week"
    )
    listed = client.get(f"/api/v1/rosters?street_id={world.street.id}&week=soon", headers=api_token("cuihu"))
    assert listed.status_code == 400
