"""Twilio webhooks: signed replies confirm or decline by code; forged ones get 403 and change nothing."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.notify.models import AssignmentOffer
from scheduler.outbox.models import Channel
from scheduler.rosters.models import Assignment, AssignmentStatus
from tests.hooks.conftest import signed
from tests.scheduler.notify_support import Published, outbox_rows

SMS_URL = "http://localhost/hooks/twilio/sms"
STATUS_URL = "http://localhost/hooks/twilio/status"


def _code(session: Session, a: Assignment) -> str:
    offer = session.scalar(
        select(AssignmentOffer).where(
            AssignmentOffer.shift_id == a.shift_id, AssignmentOffer.person_id == a.person_id
        )
    )
    assert offer is not None
    return offer.code


def _reply(client: FlaskClient, from_: str, body: str, *, forge: bool = False) -> tuple[int, str]:
    form = {"From": from_, "To": "+15005550006", "Body": body, "MessageSid": "SM" + "1" * 32}
    headers = signed(SMS_URL, form, token="wrong-token" if forge else "hooks-test-auth-token")
    response = client.post("/hooks/twilio/sms", data=form, headers=headers)
    return response.status_code, response.get_data(as_text=True)


def test_a_signed_reply_1_code_confirms_and_answers_in_twiml(
    client: FlaskClient, session: Session, published: Published
) -> None:
    a = published.on(published.shifts[0])
    status, body = _reply(client, a.person.phone, f"1 {_code(session, a)}")
    assert status == 200 and body.startswith("<?xml") and "<Message>已确认" in body
    assert a.status is AssignmentStatus.CONFIRMED


def test_a_signed_reply_2_code_declines(client: FlaskClient, session: Session, published: Published) -> None:
    a = published.on(published.shifts[1])
    status, body = _reply(client, a.person.phone, f"2 {_code(session, a)}")
    assert status == 200 and "已收到" in body and a.status is AssignmentStatus.DECLINED


def test_a_reply_with_a_wrong_code_is_answered_and_changes_nothing(
    client: FlaskClient, session: Session, published: Published
) -> None:
    a = published.on(published.shifts[0])
    wrong = "0000" if _code(session, a) != "0000" else "1111"
    status, body = _reply(client, a.person.phone, f"1 {wrong}")
    assert status == 200 and "不正确" in body and a.status is AssignmentStatus.OFFERED
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "sms.wrong_code")) is not None


def test_a_reply_from_an_unknown_number_is_answered_and_audited(
    client: FlaskClient, session: Session, published: Published
) -> None:
    status, body = _reply(client, "+8613999999999", "1 1234")
    assert status == 200 and "未能识别" in body
    assert {a.status for a in published.roster.assignments} == {AssignmentStatus.OFFERED}
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "sms.unknown_number")) is not None


def test_a_forged_webhook_gets_403_changes_nothing_and_is_audited(
    client: FlaskClient, session: Session, published: Published
) -> None:
    a = published.on(published.shifts[0])
    status, _ = _reply(client, a.person.phone, f"1 {_code(session, a)}", forge=True)
    assert status == 403 and a.status is AssignmentStatus.OFFERED
    unsigned = client.post(
        "/hooks/twilio/sms", data={"From": a.person.phone, "Body": "TD", "To": "x", "MessageSid": "SMx"}
    )
    assert unsigned.status_code == 403 and a.person.opted_out_at is None
    forged_status = client.post(
        "/hooks/twilio/status",
        data={"MessageSid": "SMx", "MessageStatus": "delivered"},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert forged_status.status_code == 403
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.action == "hooks.bad_signature")
    ).all()
    assert len(actions) == 3


def test_td_by_sms_opts_the_person_out(client: FlaskClient, published: Published) -> None:
    person = published.people[0]
    status, body = _reply(client, person.phone, "退订")
    assert status == 200 and "已退订" in body and person.opted_out_at is not None


def test_a_signed_status_callback_records_delivery(
    client: FlaskClient, session: Session, published: Published
) -> None:
    row = outbox_rows(session, kind="offer", channel=Channel.SMS)[0]
    row.provider_id = "SM" + "a" * 32
    session.flush()
    form = {"MessageSid": row.provider_id, "MessageStatus": "delivered", "AccountSid": "AC1"}
    response = client.post("/hooks/twilio/status", data=form, headers=signed(STATUS_URL, form))
    assert response.status_code == 204
    session.refresh(row)
    assert row.provider_status == "delivered"
