"""Confirm or decline by link and by "1 CODE" / "2 CODE"; opt-out; bad answers change nothing, audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.inbound import StatusUpdate
from scheduler.audit.models import AuditEntry
from scheduler.notify import answers
from scheduler.notify.answers import Outcome
from scheduler.notify.models import AssignmentOffer
from scheduler.rosters.models import Assignment, AssignmentStatus
from tests.conftest import NOW
from tests.scheduler.notify_support import SETTINGS, Published, outbox_rows, published_roster


def _offer(session: Session, a: Assignment) -> AssignmentOffer:
    offer = session.scalar(
        select(AssignmentOffer).where(
            AssignmentOffer.shift_id == a.shift_id, AssignmentOffer.person_id == a.person_id
        )
    )
    assert offer is not None
    return offer


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _first(session: Session) -> tuple[Published, Assignment, AssignmentOffer]:
    p = published_roster(session, shifts=2)
    a = p.on(p.shifts[0])
    return p, a, _offer(session, a)


def test_confirm_by_link_confirms_and_says_so(session: Session) -> None:
    _, a, offer = _first(session)
    answer = answers.respond(
        session=session,
        offer=answers.get_offer(session=session, token=offer.token),
        confirm=True,
        now=NOW,
        via="link",
        settings=SETTINGS,
    )
    assert answer.outcome is Outcome.CONFIRMED and answer.message_zh.startswith("已确认")
    assert a.status is AssignmentStatus.CONFIRMED and offer.answer == "confirmed"
    assert "offer.confirmed" in _actions(session)


def test_decline_by_link_frees_the_slot(session: Session) -> None:
    _, a, offer = _first(session)
    answer = answers.respond(
        session=session, offer=offer, confirm=False, now=NOW, via="link", settings=SETTINGS
    )
    assert answer.outcome is Outcome.DECLINED and a.status is AssignmentStatus.DECLINED


def test_a_second_confirm_after_a_decline_is_refused_clearly_and_audited(session: Session) -> None:
    _, a, offer = _first(session)
    answers.respond(session=session, offer=offer, confirm=False, now=NOW, via="link", settings=SETTINGS)
    again = answers.respond(
        session=session, offer=offer, confirm=True, now=NOW, via="link", settings=SETTINGS
    )
    assert again.outcome is Outcome.REFUSED and "已拒绝" in again.message_zh
    assert a.status is AssignmentStatus.DECLINED
    assert _actions(session)[-1] == "offer.confirm_after_decline"


def test_an_unknown_link_changes_nothing_and_is_audited(session: Session) -> None:
    p, a, _ = _first(session)
    assert answers.get_offer(session=session, token="no-such-token") is None
    answer = answers.respond(
        session=session,
        offer=None,
        confirm=True,
        now=NOW,
        via="link",
        settings=SETTINGS,
        token_hint="no-such-token",
    )
    assert answer.outcome is Outcome.UNKNOWN and "链接无效" in answer.message_zh
    assert a.status is AssignmentStatus.OFFERED
    assert _actions(session)[-1] == "offer.unknown"


def test_a_link_to_a_shift_that_has_started_has_expired(session: Session) -> None:
    p, a, offer = _first(session)
    late = p.shifts[0].starts_at + timedelta(minutes=1)
    answer = answers.respond(
        session=session, offer=offer, confirm=True, now=late, via="link", settings=SETTINGS
    )
    assert answer.outcome is Outcome.EXPIRED and "已失效" in answer.message_zh
    assert a.status is AssignmentStatus.OFFERED and _actions(session)[-1] == "offer.expired"


def test_reply_1_with_the_code_confirms_and_2_with_the_code_declines(session: Session) -> None:
    p, a, offer = _first(session)
    b = p.on(p.shifts[1])
    phone = a.person.phone
    text = answers.handle_inbound_sms(
        session=session, from_=phone, body=f"1 {offer.code}", now=NOW, settings=SETTINGS
    )
    assert text.startswith("已确认") and a.status is AssignmentStatus.CONFIRMED
    other = _offer(session, b)
    text = answers.handle_inbound_sms(
        session=session, from_=b.person.phone, body=f"２　{other.code}", now=NOW, settings=SETTINGS
    )  # full-width, as a Chinese keyboard types it
    assert text.startswith("已收到") and b.status is AssignmentStatus.DECLINED


def test_a_reply_with_a_wrong_code_changes_nothing_and_is_audited(session: Session) -> None:
    _, a, offer = _first(session)
    wrong = "0000" if offer.code != "0000" else "1111"
    text = answers.handle_inbound_sms(
        session=session, from_=a.person.phone, body=f"1 {wrong}", now=NOW, settings=SETTINGS
    )
    assert "不正确" in text and a.status is AssignmentStatus.OFFERED
    assert _actions(session)[-1] == "sms.wrong_code"


def test_a_reply_from_an_unknown_number_changes_nothing_and_is_audited(session: Session) -> None:
    _, a, offer = _first(session)
    text = answers.handle_inbound_sms(
        session=session, from_="+8613999999999", body=f"1 {offer.code}", now=NOW, settings=SETTINGS
    )
    assert "未能识别" in text and a.status is AssignmentStatus.OFFERED
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "sms.unknown_number"))
    assert entry is not None and entry.detail["from"] == "+86139****9999"  # never the whole number


def test_td_opts_the_person_out_and_their_queued_texts_are_dropped(session: Session) -> None:
    _, a, _ = _first(session)
    text = answers.handle_inbound_sms(
        session=session, from_=a.person.phone, body="TD", now=NOW, settings=SETTINGS
    )
    assert "退订" in text and a.person.opted_out_at == NOW and not a.person.reachable
    assert (
        answers.handle_inbound_sms(
            session=session, from_=a.person.phone, body="START", now=NOW, settings=SETTINGS
        )
        and a.person.opted_out_at is None
    )


def test_a_status_callback_with_21610_marks_the_person_opted_out(session: Session) -> None:
    _, a, _ = _first(session)
    row = next(
        r for r in outbox_rows(session, kind="offer") if r.person_id == a.person_id and r.channel == "sms"
    )
    row.provider_id = "SMabc"
    session.flush()
    assert answers.record_status(
        session=session, update=StatusUpdate(sid="SMabc", status="undelivered", error_code=21610), now=NOW
    )
    assert row.provider_status == "undelivered" and a.person.opted_out_at == NOW
    assert not answers.record_status(
        session=session, update=StatusUpdate(sid="SMnone", status="sent"), now=NOW
    )


def test_a_bare_1_confirms_when_the_person_has_exactly_one_open_offer(session: Session) -> None:
    p = published_roster(session, people=2, shifts=1)
    a = p.roster.assignments[0]
    text = answers.handle_inbound_sms(
        session=session, from_=a.person.phone, body="1", now=NOW, settings=SETTINGS
    )
    assert text.startswith("已确认") and a.status is AssignmentStatus.CONFIRMED
    again = answers.handle_inbound_sms(
        session=session, from_=a.person.phone, body="2", now=NOW, settings=SETTINGS
    )
    assert "代码" in again and a.status is AssignmentStatus.CONFIRMED  # no open offer left: asks for the code
    assert _actions(session)[-1] == "sms.code_missing"
