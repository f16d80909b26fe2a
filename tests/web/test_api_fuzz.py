"""The API fuzzed against its own OpenAPI document (schemathesis): no 500s, every error in the error shape."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.accounts.models import StaffAccount
from scheduler.accounts.service import issue_api_token
from tests.web.conftest import World, make_app


@pytest.fixture
def fuzz_app(session: Session, world: World) -> Flask:
    return make_app(session, JOB_RUNNER="none")  # a fuzzed "generate" queues a job and runs no solve


@pytest.fixture
def fuzz_headers(session: Session, world: World) -> dict[str, str]:
    account_id = session.scalar(select(StaffAccount.id).where(StaffAccount.username == "cuihu"))
    assert account_id is not None
    return {"Authorization": f"Bearer {issue_api_token(session=session, account_id=account_id)}"}


def error_shape(response: Any) -> None:
    """Every 4xx answer is {"error": {"code": str, "message": str}}."""
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict) and set(body) == {"error"}, body
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str), body


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_never_answers_500_and_always_uses_the_error_shape(
    fuzz_app: Flask, fuzz_headers: dict[str, str], mode: GenerationMode
) -> None:
    # Why not schemathesis' pytest plugin: under pytest 9 its parametrisation fails (Function._nodeid).
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            response = case.call(headers=fuzz_headers)
            case.validate_response(response, checks=[not_a_server_error])
            error_shape(response)

        check()
