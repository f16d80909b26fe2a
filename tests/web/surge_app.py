"""The surge tests' small district (tests/scheduler/surge_support) behind the web app, with accounts.

Accounts (password ``PASSWORD``): ``shequ`` coordinates 甲社区 (grids A1, A2); ``jiedao`` the street;
``other`` the second street (grid C1). People free all week: four volunteers of A1, a nurse of B1
and an in-service party member of 区税务局 homed in B1 (another community).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scheduler.accounts.models import Role
from scheduler.accounts.service import create_account
from scheduler.clock import FixedClock
from scheduler.people.models import Category, Person
from tests.conftest import NOW
from tests.scheduler.notify_support import SETTINGS
from tests.scheduler.surge_support import District, district
from tests.web.conftest import PASSWORD, make_app, signed_in

UNIT = "区税务局"


@dataclass
class SurgeWeb:
    d: District
    app: Flask
    volunteers: list[Person]
    nurse: Person
    party: Person

    def client(self, username: str | None) -> FlaskClient:
        return signed_in(self.app, username)


def surge_web(session: Session) -> SurgeWeb:
    d = district(session)
    volunteers = [d.person(f"志愿者{i}", d.st.a1) for i in range(4)]
    nurse = d.person("护士小王", d.st.b1, skills={"nurse": None})
    party = d.person("党员老李", d.st.b1, category=Category.PARTY_IN_SERVICE, work_unit=UNIT)
    for username, role, scope_id in (
        ("shequ", Role.COMMUNITY_COORDINATOR, d.st.a.id),
        ("jiedao", Role.STREET_COORDINATOR, d.st.street.id),
        ("other", Role.STREET_COORDINATOR, d.street2.id),
    ):
        create_account(
            session=session, username=username, password=PASSWORD, role=role, scope_id=scope_id, now=NOW
        )
    session.flush()
    app = make_app(session, CLOCK=FixedClock(NOW), NOTIFY_SETTINGS=SETTINGS)
    return SurgeWeb(d, app, volunteers, nurse, party)
