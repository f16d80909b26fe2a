"""E-mail invitations through a real SMTP server (aiosmtpd), and the outbox-folder mailer."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import vobject

from notifications.email.folder import FolderMailer
from notifications.email.smtp import SmtpMailer
from notifications.messages import DeliveryError, Email
from tests.notifications.builders import shift_event
from tests.notifications.smtp_server import SmtpServer, free_port

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
MAIL_FROM = "noreply@gridroster.example.cn"


def invitation(*, sequence: int = 0, method: str = "REQUEST") -> Email:
    return Email(
        to="nana@example.cn",
        to_name="欧阳娜娜娜",
        subject="值守安排：12月26日 和平里第十四社区",
        body="您有一个值守安排，请确认：https://wg.example.cn/s/Ab3dEf6hIj9kLmNo",
        key=f"invite:42:{sequence}",
        invite=shift_event(sequence=sequence),
        method=method,  # type: ignore[arg-type]
    )


def received(server: SmtpServer, index: int = -1) -> EmailMessage:
    message = email.message_from_bytes(server.received[index].content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def calendar_part(message: EmailMessage) -> tuple[str, str]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return str(part.get_param("method")), part.get_content()


def test_an_invitation_arrives_with_the_imip_mime_tree(smtp_server: SmtpServer) -> None:
    mailer = SmtpMailer(host=smtp_server.host, port=smtp_server.port, mail_from=MAIL_FROM, clock=lambda: T0)
    receipt = mailer.send(invitation())
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ["nana@example.cn"] and mail.mail_from == MAIL_FROM
    message = received(smtp_server)
    tree = [p.get_content_type() for p in message.walk()]
    assert tree == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/calendar",
        "application/ics",
    ]
    assert message["From"].addresses[0].addr_spec == "roster@gridroster.example.cn"  # the ORGANIZER
    assert message["Message-ID"] == receipt.provider_id
    assert [p.get_filename() for p in message.walk()][-1] == "invite.ics"


def test_the_received_calendar_reads_back_with_vobject(smtp_server: SmtpServer) -> None:
    SmtpMailer(host=smtp_server.host, port=smtp_server.port, mail_from=MAIL_FROM).send(invitation(sequence=1))
    method, ics = calendar_part(received(smtp_server))
    cal = vobject.readOne(ics)
    assert method == cal.method.value == "REQUEST"
    assert cal.vevent.uid.value == "assignment-42@gridroster.example.cn"
    assert cal.vevent.sequence.value == "1"
    assert cal.vevent.attendee.params["RSVP"] == ["TRUE"]
    assert cal.vtimezone.tzid.value == "Asia/Shanghai"


def test_a_cancellation_arrives_as_method_cancel_with_a_higher_sequence(smtp_server: SmtpServer) -> None:
    mailer = SmtpMailer(host=smtp_server.host, port=smtp_server.port, mail_from=MAIL_FROM)
    mailer.send(invitation(sequence=1))
    mailer.send(invitation(sequence=2, method="CANCEL"))
    (m1, first), (m2, second) = (calendar_part(received(smtp_server, i)) for i in (0, 1))
    request, cancel = vobject.readOne(first), vobject.readOne(second)
    assert (m1, m2) == ("REQUEST", "CANCEL")
    assert cancel.method.value == "CANCEL" and cancel.vevent.status.value == "CANCELLED"
    assert cancel.vevent.uid.value == request.vevent.uid.value
    assert int(cancel.vevent.sequence.value) > int(request.vevent.sequence.value)


def test_a_plain_email_comes_from_the_configured_address(smtp_server: SmtpServer) -> None:
    plain = Email(to="li.lei@example.cn", subject="本周值守", body="您本周有两个值守安排。", key="digest:1")
    SmtpMailer(host=smtp_server.host, port=smtp_server.port, mail_from=MAIL_FROM).send(plain)
    message = received(smtp_server)
    assert message.get_content_type() == "text/plain"
    assert message["From"].addresses[0].addr_spec == MAIL_FROM


def test_an_unreachable_smtp_server_is_worth_a_retry() -> None:
    mailer = SmtpMailer(host="127.0.0.1", port=free_port(), mail_from=MAIL_FROM, timeout=2)
    with pytest.raises(DeliveryError) as caught:
        mailer.send(invitation())
    assert caught.value.permanent is False and caught.value.in_doubt is False


def test_the_folder_mailer_overwrites_on_resend_instead_of_duplicating(tmp_path: Path) -> None:
    mailer = FolderMailer(directory=tmp_path / "mail-outbox", mail_from=MAIL_FROM, clock=lambda: T0)
    first = mailer.send(invitation())
    again = mailer.send(invitation())
    changed = mailer.send(replace(invitation(sequence=1), key="invite:42:1"))
    files = sorted(p.name for p in (tmp_path / "mail-outbox").iterdir())
    assert first == again and changed != first
    assert files == sorted({first.provider_id, changed.provider_id})
    assert all(name.endswith(".eml") and name.startswith("invite_42_") for name in files)
    saved = email.message_from_bytes(
        (tmp_path / "mail-outbox" / first.provider_id).read_bytes(), policy=policy.default
    )
    assert isinstance(saved, EmailMessage)
    method, ics = calendar_part(saved)
    assert (
        method == "REQUEST" and vobject.readOne(ics).vevent.uid.value == "assignment-42@gridroster.example.cn"
    )


def test_an_invitation_must_go_to_its_attendee() -> None:
    with pytest.raises(ValueError, match="attendee"):
        replace(invitation(), to="someone.else@example.cn")
