"""A real SMTP server for tests: aiosmtpd on a free loopback port, keeping what it receives."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Inbox:
    received: list[ReceivedMail] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        assert isinstance(envelope.content, bytes)
        self.received.append(
            ReceivedMail(
                mail_from=str(envelope.mail_from),
                rcpt_tos=list(envelope.rcpt_tos),
                content=envelope.content,
            )
        )
        return "250 OK"


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Inbox

    @property
    def received(self) -> list[ReceivedMail]:
        return self.inbox.received


def free_port() -> int:
    # aiosmtpd's Controller cannot take port=0: it connects to its own port to check readiness
    # (ECOSYSTEM.md §2.3). Ask the kernel for a free port first.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
