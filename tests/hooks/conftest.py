"""Fixtures for the notification endpoints: the app on the rolled-back test database, a published roster."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from tests.scheduler.notify_support import SETTINGS, Published, published_roster
from tests.web.conftest import make_app

AUTH_TOKEN = "hooks-test-auth-token"


@pytest.fixture
def published(session: Session) -> Published:
    return published_roster(session, people=4, shifts=2)


@pytest.fixture
def app(session: Session, published: Published) -> Flask:
    return make_app(session, NOTIFY_SETTINGS=SETTINGS, TWILIO_AUTH_TOKEN=AUTH_TOKEN)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def signed(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> dict[str, str]:
    """The X-Twilio-Signature header Twilio would send for this URL and form."""
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, params)}
