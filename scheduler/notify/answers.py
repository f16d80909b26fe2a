"""Answers from people: confirm or decline by link or by "1 CODE" / "2 CODE", opt-out, status callbacks."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.inbound import ReplyKind, StatusUpdate, parse_reply
from notifications.sms import templates
from notifications.sms.base import mask_phone
from notifications.sms.twilio import OPTED_OUT_CODE
from scheduler.audit import service as audit
from scheduler.notify import content
from scheduler.notify.models import AssignmentOffer
from scheduler.notify.settings import NotifySettings
from scheduler.outbox import service as outbox
from scheduler.people.models import Person
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift


class Outcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    ALREADY = "already"  # the same answer again: nothing changes
    REFUSED = "refused"  # e.g. confirm after decline: the slot may be someone else's by now
    EXPIRED = "expired"  # the shift started, was called off, or is no longer this person's
    UNKNOWN = "unknown"  # no such link or code


@dataclass(frozen=True, slots=True)
class Answer:
    outcome: Outcome
    message_zh: str
    message_en: str
    assignment: Assignment | None = None

    @property
    def changed(self) -> bool:
        return self.outcome in (Outcome.CONFIRMED, Outcome.DECLINED)

    def text(self, lang: templates.Lang) -> str:
        return self.message_zh if lang is templates.Lang.ZH else self.message_en


UNKNOWN_LINK = Answer(
    Outcome.UNKNOWN,
    "链接无效：没有找到这个值守安排。请使用短信里的完整链接，或联系社区。",
    "This link is not valid: no such shift offer. Use the full link from the SMS or ask your community.",
)
EXPIRED = Answer(
    Outcome.EXPIRED,
    "链接已失效：这个值守安排已经结束、取消或已另行安排，无需操作。",
    "This link has expired: the shift is over, called off or rearranged. Nothing to do.",
)


def get_offer(*, session: Session, token: str) -> AssignmentOffer | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(AssignmentOffer).where(AssignmentOffer.token == token))


def current_assignment(*, session: Session, offer: AssignmentOffer) -> Assignment | None:
    """The assignment of this identity in the published roster (any status), if there is one."""
    return session.scalar(
        select(Assignment)
        .join(Roster)
        .where(
            Assignment.shift_id == offer.shift_id,
            Assignment.person_id == offer.person_id,
            Roster.status == RosterStatus.PUBLISHED,
        )
        .order_by(Roster.id.desc())
        .limit(1)
    )


def respond(
    *,
    session: Session,
    offer: AssignmentOffer | None,
    confirm: bool,
    now: datetime,
    via: str,
    settings: NotifySettings,
    token_hint: str = "",
) -> Answer:
    """Confirm or decline one offer; every refusal is audited and changes nothing.

    A decline frees the slot; the next dispatch pass re-plans it (reoffer.reoffer_declined).
    """
    action = "confirm" if confirm else "decline"
    if offer is None:
        audit.record(
            session=session,
            at=now,
            actor=f"{via}:anonymous",
            action="offer.unknown",
            entity="offer",
            detail={"via": via, "answer": action, "token": token_hint[:4]},
        )
        return UNKNOWN_LINK
    actor = f"person:{offer.person_id}"
    a = current_assignment(session=session, offer=offer)
    if a is not None:
        # Row lock, then re-read: two answers at once (a double tap, link and SMS) are taken one after
        # the other and the second sees the first's status, so a shift is never confirmed twice.
        session.refresh(a, with_for_update=True)
    shift = session.get(Shift, offer.shift_id)
    assert shift is not None
    if a is None or shift.cancelled or shift.starts_at <= now:
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="offer.expired",
            entity="offer",
            entity_id=offer.id,
            detail={"via": via, "answer": action},
        )
        return EXPIRED
    f = content.facts(shift=shift, person=a.person, offer=offer, settings=settings)
    target = AssignmentStatus.CONFIRMED if confirm else AssignmentStatus.DECLINED
    if a.status is target:
        return Answer(
            Outcome.ALREADY,
            "已收到，您之前已作出相同答复，无需再次操作。",
            "Already noted: you gave this answer before.",
            a,
        )
    if confirm and a.status is AssignmentStatus.DECLINED:
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="offer.confirm_after_decline",
            entity="assignment",
            entity_id=a.id,
            detail={"via": via},
        )
        return Answer(
            Outcome.REFUSED,
            "您已拒绝过这个值守安排，名额可能已安排给他人，不能再确认。如仍想参加，请联系社区。",
            "You declined this shift earlier and it may have gone to someone else, so it cannot be "
            "accepted now. Please contact your community if you still want to come.",
            a,
        )
    if a.status not in (AssignmentStatus.OFFERED, AssignmentStatus.PROPOSED, AssignmentStatus.CONFIRMED):
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="offer.refused",
            entity="assignment",
            entity_id=a.id,
            detail={"via": via, "answer": action, "status": a.status.value},
        )
        return Answer(
            Outcome.REFUSED,
            "这个值守安排已不能更改，请联系社区。",
            "This shift can no longer be changed; please contact your community.",
            a,
        )
    before = a.status
    a.status = target
    a.updated_at = now
    offer.answered_at, offer.answer = now, target.value
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action=f"offer.{target.value}",
        entity="assignment",
        entity_id=a.id,
        detail={"via": via, "from": before.value, "roster": a.roster_id},
    )
    if confirm:
        return Answer(
            Outcome.CONFIRMED,
            templates.confirmed_ack(f, lang=templates.Lang.ZH),
            templates.confirmed_ack(f, lang=templates.Lang.EN),
            a,
        )
    return Answer(
        Outcome.DECLINED,
        templates.declined_ack(f, lang=templates.Lang.ZH),
        templates.declined_ack(f, lang=templates.Lang.EN),
        a,
    )


HELP_ZH = "回复“1 代码”确认，“2 代码”拒绝（代码见短信）；回复TD退订。"
HELP_EN = "Reply 1 CODE to accept, 2 CODE to decline (the code is in the SMS); reply STOP to opt out."


def _open_offers(session: Session, person_id: int, now: datetime) -> list[AssignmentOffer]:
    return list(
        session.scalars(
            select(AssignmentOffer)
            .join(
                Assignment,
                (Assignment.shift_id == AssignmentOffer.shift_id)
                & (Assignment.person_id == AssignmentOffer.person_id),
            )
            .join(Roster)
            .join(Shift, Shift.id == AssignmentOffer.shift_id)
            .where(
                AssignmentOffer.person_id == person_id,
                Roster.status == RosterStatus.PUBLISHED,
                Assignment.status == AssignmentStatus.OFFERED,
                Shift.starts_at > now,
                Shift.cancelled.is_(False),
            )
        )
    )


def handle_inbound_sms(
    *, session: Session, from_: str, body: str, now: datetime, settings: NotifySettings
) -> str:
    """An SMS a person sent us: returns the reply text ("" for none). Bad input is audited, never acted on."""
    lang = settings.lang
    person = session.scalar(select(Person).where(Person.phone == from_.strip()))
    reply = parse_reply(body)
    if person is None:
        audit.record(
            session=session,
            at=now,
            actor="sms:unknown",
            action="sms.unknown_number",
            entity="sms",
            detail={"from": mask_phone(from_), "kind": reply.kind.value},
        )
        return (
            "未能识别您的号码，请联系社区。"
            if lang is templates.Lang.ZH
            else "We do not recognise this number; please contact your community."
        )
    actor = f"person:{person.id}"
    if reply.kind is ReplyKind.OPT_OUT:
        if person.opted_out_at is None:
            person.opted_out_at = now
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="person.opt_out",
            entity="person",
            entity_id=person.id,
            detail={"via": "sms"},
        )
        return (
            "已退订，您将不再收到排班短信。"
            if lang is templates.Lang.ZH
            else "You will get no more shift texts."
        )
    if reply.kind is ReplyKind.OPT_IN:
        person.opted_out_at = None
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="person.opt_in",
            entity="person",
            entity_id=person.id,
            detail={"via": "sms"},
        )
        return "已恢复接收排班短信。" if lang is templates.Lang.ZH else "Shift texts are back on."
    if reply.kind not in (ReplyKind.CONFIRM, ReplyKind.DECLINE):
        if reply.kind is ReplyKind.UNKNOWN:
            audit.record(
                session=session,
                at=now,
                actor=actor,
                action="sms.not_understood",
                entity="person",
                entity_id=person.id,
                detail={"length": len(body)},
            )
        return HELP_ZH if lang is templates.Lang.ZH else HELP_EN
    open_offers = _open_offers(session, person.id, now)
    # A reply to an urgent surge call (scheduler/surge) shares the person's reply codes.
    from scheduler.surge.answers import sms_reply

    confirm = reply.kind is ReplyKind.CONFIRM
    surge_text = sms_reply(
        session=session,
        person=person,
        code=reply.code,
        confirm=confirm,
        routine_open=len(open_offers),
        now=now,
        settings=settings,
    )
    if surge_text is not None:
        return surge_text
    if reply.code is None:
        if len(open_offers) != 1:
            audit.record(
                session=session,
                at=now,
                actor=actor,
                action="sms.code_missing",
                entity="person",
                entity_id=person.id,
                detail={"open_offers": len(open_offers)},
            )
            return HELP_ZH if lang is templates.Lang.ZH else HELP_EN
        offer: AssignmentOffer | None = open_offers[0]
    else:
        offer = session.scalar(
            select(AssignmentOffer).where(
                AssignmentOffer.person_id == person.id, AssignmentOffer.code == reply.code
            )
        )
        if offer is None:
            audit.record(
                session=session,
                at=now,
                actor=actor,
                action="sms.wrong_code",
                entity="person",
                entity_id=person.id,
                detail={"code": reply.code},
            )
            return (
                f"回复码{reply.code}不正确，未作任何更改。请核对短信中的代码，或使用短信里的链接。"
                if lang is templates.Lang.ZH
                else f"Code {reply.code} is not right; nothing was changed. Check the code or use the link."
            )
    answer = respond(
        session=session,
        offer=offer,
        confirm=reply.kind is ReplyKind.CONFIRM,
        now=now,
        via="sms",
        settings=settings,
    )
    return answer.text(lang)


def record_status(*, session: Session, update: StatusUpdate, now: datetime) -> bool:
    """A provider status callback; a 21610 failure marks the person opted out. False if unknown sid."""
    message = outbox.record_provider_status(
        session=session, provider_id=update.sid, status=update.status, error_code=update.error_code, now=now
    )
    if message is None:
        return False
    if update.error_code == OPTED_OUT_CODE and message.person_id is not None:
        person = session.get(Person, message.person_id)
        if person is not None and person.opted_out_at is None:
            person.opted_out_at = now
            audit.record(
                session=session,
                at=now,
                actor="twilio",
                action="person.opt_out",
                entity="person",
                entity_id=person.id,
                detail={"via": "status_callback"},
            )
    return True
