"""The hand-made ledger week (tests/scheduler/ledger_history.History) behind the web app, with accounts.

Accounts (password ``PASSWORD``): ``street`` coordinates 测试街道; ``leader`` is the grid leader of
甲社区 (grids 甲一, 甲二); ``other`` coordinates another street of the same district.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scheduler.accounts.models import Role
from scheduler.accounts.service import create_account
from scheduler.clock import FixedClock
from scheduler.territory.models import Street
from tests.scheduler.ledger_history import History
from tests.web.conftest import PASSWORD, make_app, signed_in


@dataclass
class HistoryWeb:
    h: History
    app: Flask
    other_street: Street

    def client(self, username: str | None) -> FlaskClient:
        return signed_in(self.app, username)


def history_web(session: Session, now: datetime) -> HistoryWeb:
    h = History(session)
    other = Street(name="别的街道", district=h.st.district)
    session.add(other)
    session.flush()
    for username, role, scope_id in (
        ("street", Role.STREET_COORDINATOR, h.st.street.id),
        ("leader", Role.COMMUNITY_COORDINATOR, h.st.a.id),
        ("other", Role.STREET_COORDINATOR, other.id),
    ):
        create_account(
            session=session, username=username, password=PASSWORD, role=role, scope_id=scope_id, now=now
        )
    session.flush()
    return HistoryWeb(h, make_app(session, CLOCK=FixedClock(now)), other)
