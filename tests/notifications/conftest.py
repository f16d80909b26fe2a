"""Fixtures for notification tests: a local Twilio-compatible server and a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from tests.notifications.smtp_server import Inbox, SmtpServer, free_port
from tests.notifications.twilio_stub import TwilioStub


@pytest.fixture
def twilio_stub() -> Iterator[TwilioStub]:
    stub = TwilioStub()
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=port, inbox=inbox)
    finally:
        controller.stop()
