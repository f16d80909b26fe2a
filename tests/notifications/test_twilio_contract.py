"""Contract: every request the real twilio client sends validates against Twilio's own OpenAPI spec."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest
from openapi_core.validation.request.exceptions import RequestValidationError

from notifications.messages import Sms
from notifications.sms.twilio import TwilioSmsSender
from tests.notifications.twilio_stub import RecordedRequest, TwilioStub

SPEC = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "vendor-specs"
    / "twilio"
    / "twilio_api_v2010.json"
)
OFFER = Sms(
    to="+8613812345678", body="李雷：12月26日周六08:00-12:00 幸福里社区第3网格 巡查。", key="offer:1:0"
)


@pytest.fixture(scope="module")
def twilio_api() -> OpenAPI:
    # Fail, never skip: a missing spec means the contract is not being checked.
    assert SPEC.is_file(), f"Twilio OpenAPI spec missing at {SPEC} (twilio/twilio-oai twilio_api_v2010.json)"
    with SPEC.open(encoding="utf-8") as f:
        # from_dict, not from_file_path: the latter parses this JSON as YAML and fails.
        return OpenAPI.from_dict(json.load(f))


def as_sent_to_twilio(recorded: RecordedRequest) -> RequestsOpenAPIRequest:
    """The request exactly as it arrived at the stub, addressed to the host the spec names."""
    url = "https://api.twilio.com" + recorded.path
    if recorded.query_string:
        url += "?" + recorded.query_string.decode()
    headers = {k: v for k, v in recorded.headers.items() if k.lower() != "host"}
    prepared = requests.Request(recorded.method, url, headers=headers, data=recorded.body or None).prepare()
    return RequestsOpenAPIRequest(prepared)


def sender(stub: TwilioStub, **overrides: str) -> TwilioSmsSender:
    options = {"account_sid": stub.account_sid, "auth_token": stub.auth_token, "api_base": stub.url}
    options.update(overrides)
    return TwilioSmsSender(**options)  # type: ignore[arg-type]


def test_every_request_the_sender_makes_matches_twilios_spec(
    twilio_stub: TwilioStub, twilio_api: OpenAPI
) -> None:
    by_number = sender(
        twilio_stub, from_number="+15005550006", status_callback="https://wg.example.cn/hooks/s"
    )
    by_service = sender(twilio_stub, messaging_service_sid="MG" + "1" * 32)
    by_number.send(OFFER)
    by_service.send(OFFER)
    by_number.lookup(OFFER, since=datetime.now(UTC) - timedelta(minutes=5))
    methods = sorted({(r.method, r.path.rsplit("/", 1)[-1]) for r in twilio_stub.requests})
    assert methods == [("GET", "Messages.json"), ("POST", "Messages.json")]
    for recorded in twilio_stub.requests:
        twilio_api.validate_request(as_sent_to_twilio(recorded))


def test_the_contract_check_rejects_a_request_twilio_would_refuse(
    twilio_stub: TwilioStub, twilio_api: OpenAPI
) -> None:
    # The negative control: the same kind of request with a mistyped field must fail validation.
    sender(twilio_stub, from_number="+15005550006").send(OFFER)
    [create] = twilio_stub.creates()
    broken = RecordedRequest(
        method=create.method,
        path=create.path,
        query_string=b"",
        headers=create.headers,
        body=create.body + b"&ValidityPeriod=abc",
        form=create.form,
    )
    with pytest.raises(RequestValidationError):
        twilio_api.validate_request(as_sent_to_twilio(broken))
