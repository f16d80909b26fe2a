"""Web fixtures: an app on the rolled-back test database, a small fixed cast, and flaskr's auth helper.

The cast (tests read as "the other street's coordinator gets 403"):
- 五华区 (district) with 翠湖街道 (our street: 青云社区, 莲花池社区) and 华山街道 (the other street);
- accounts: ``admin`` (district admin), ``cuihu`` (翠湖 street coordinator), ``qingyun`` (青云 community
  coordinator / grid leader), ``huashan`` (the other street's coordinator); password ``PASSWORD``;
- people: 李娜 (volunteer, 青云), 张护士 (professional nurse, 莲花池), 王大爷 (no-post party member, 青云),
  赵强 (full-time grid worker, 华山 — the other street).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from scheduler.accounts.models import Role
from scheduler.accounts.service import create_account
from scheduler.clock import FixedClock
from scheduler.people.models import Category, Person, PersonSkill
from scheduler.reference import ensure_reference_data, skills_by_code, task_types_by_code
from scheduler.rosters.models import ShiftTemplate, TemplateDemand
from scheduler.territory.models import Community, District, Grid, Street
from tests.conftest import NOW
from web import create_app

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    district: District
    street: Street
    other_street: Street
    qingyun: Community
    lianhua: Community
    huashan: Community
    grid_qy: Grid
    grid_lh: Grid
    grid_hs: Grid
    volunteer: Person
    nurse: Person
    elder: Person
    other_worker: Person
    template_qy: ShiftTemplate
    template_hs: ShiftTemplate


def _person(
    session: Session, name: str, category: Category, phone: str, grid: Grid, token: str, **fields: object
) -> Person:
    person = Person(name=name, category=category, phone=phone, home_grid=grid, link_token=token, **fields)
    session.add(person)
    return person


def _template(session: Session, grid: Grid, task_type: object) -> ShiftTemplate:
    t = ShiftTemplate(
        grid=grid,
        task_type=task_type,
        weekdays="0123456",
        start=time(19),
        end=time(21),
        needs_party_lead=True,
    )
    t.demands = [TemplateDemand(skill=None, count=2)]
    session.add(t)
    return t


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why: scrypt costs ~0.4 s per hash, and every test creates four accounts. Hashing is werkzeug's."""
    monkeypatch.setattr("scheduler.accounts.service.PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture
def world(session: Session) -> World:
    ensure_reference_data(session=session)
    skills, types = skills_by_code(session=session), task_types_by_code(session=session)
    district = District(name="五华区")
    street, other = Street(name="翠湖街道", district=district), Street(name="华山街道", district=district)
    qingyun, lianhua = Community(name="青云社区", street=street), Community(name="莲花池社区", street=street)
    huashan = Community(name="华山社区", street=other)
    grid_qy = Grid(community=qingyun, code="T-QY1", name="青云第1网格", households=420)
    grid_lh = Grid(community=lianhua, code="T-LH1", name="莲花池第1网格", households=380)
    grid_hs = Grid(community=huashan, code="T-HS1", name="华山第1网格", households=510)
    session.add_all([district, street, other, qingyun, lianhua, huashan, grid_qy, grid_lh, grid_hs])
    volunteer = _person(
        session,
        "李娜",
        Category.VOLUNTEER,
        "+8613800000001",
        grid_qy,
        "tok-volunteer-li-na-0001",
        organisation="邻里守望志愿队",
    )
    nurse = _person(
        session,
        "张护士",
        Category.PROFESSIONAL,
        "+8613800000002",
        grid_lh,
        "tok-nurse-zhang-0002",
        profession="nurse",
    )
    nurse.skills = [PersonSkill(skill=skills["nurse"])]
    elder = _person(
        session,
        "王大爷",
        Category.PARTY_NO_POST,
        "+8613800000003",
        grid_qy,
        "tok-elder-wang-0003",
        no_night=True,
        no_heavy=True,
    )
    other_worker = _person(
        session, "赵强", Category.GRID_FULL_TIME, "+8613800000004", grid_hs, "tok-worker-zhao-0004"
    )
    template_qy = _template(session, grid_qy, types["patrol"])
    template_hs = _template(session, grid_hs, types["patrol"])
    session.flush()
    for username, role, scope_id in (
        ("admin", Role.DISTRICT_ADMIN, district.id),
        ("cuihu", Role.STREET_COORDINATOR, street.id),
        ("qingyun", Role.COMMUNITY_COORDINATOR, qingyun.id),
        ("huashan", Role.STREET_COORDINATOR, other.id),
    ):
        create_account(
            session=session, username=username, password=PASSWORD, role=role, scope_id=scope_id, now=NOW
        )
    session.flush()
    return World(
        district,
        street,
        other,
        qingyun,
        lianhua,
        huashan,
        grid_qy,
        grid_lh,
        grid_hs,
        volunteer,
        nurse,
        elder,
        other_worker,
        template_qy,
        template_hs,
    )


def make_app(session: Session, **overrides: object) -> Flask:
    """An app whose every request session joins the test's outer transaction (rolled back afterwards)."""
    connection = session.connection()

    def factory() -> Session:
        return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)

    config: dict[str, object] = {
        "ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SESSION_FACTORY": factory,
        "CLOCK": FixedClock(NOW),
        "WTF_CSRF_ENABLED": False,
    }
    config.update(overrides)
    app = create_app(config)

    @app.teardown_request
    def _expire_test_session(_exc: BaseException | None) -> None:
        # The test's own session must read what the request stored, not its cached objects.
        session.expire_all()

    return app


@pytest.fixture
def app(session: Session, world: World) -> Flask:
    return make_app(session)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def signed_in(app: Flask, username: str | None) -> FlaskClient:
    """A test client of ``app``, signed in as ``username`` (None: anonymous)."""
    client = app.test_client()
    if username is not None:
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.status_code
    return client


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str = "cuihu", password: str = PASSWORD) -> TestResponse:
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self) -> TestResponse:
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def api_token(app: Flask, session: Session) -> Callable[[str], dict[str, str]]:
    """Authorization headers carrying a fresh API token for the named account."""
    from sqlalchemy import select

    from scheduler.accounts.models import StaffAccount
    from scheduler.accounts.service import issue_api_token

    def headers(username: str) -> dict[str, str]:
        account_id = session.scalar(select(StaffAccount.id).where(StaffAccount.username == username))
        assert account_id is not None
        token = issue_api_token(session=session, account_id=account_id)
        session.flush()
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def fresh(session: Session) -> Iterator[Session]:
    """The test's session with everything expired: read what the app stored, not what we cached."""
    session.expire_all()
    yield session


def field_html(body: str, name: str) -> str:
    """The HTML of one field's block: from its wrapper to the next field (or the end of the form)."""
    start = body.index(f'id="field-{name}"')
    ends = [i for i in (body.find('<div class="field', start + 1), body.find("</form>", start)) if i != -1]
    return body[start : min(ends)]
