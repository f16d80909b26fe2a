"""Answers to surge offers (first confirmations win), on the way, and check-in on arrival."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.sms import templates
from scheduler.audit import service as audit
from scheduler.errors import Conflict, NotFound, ValidationError
from scheduler.notify.settings import NotifySettings
from scheduler.people.models import Person
from scheduler.surge import filling, messages, preempt
from scheduler.surge.common import get_call, get_offer, policy_of, settings_of
from scheduler.surge.models import (
    ACTIVE_CALL,
    COMING,
    OfferStatus,
    SurgeCall,
    SurgeOffer,
)
from scheduler.surge.seats import block_seats


class AnswerOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    NOT_NEEDED = "not_needed"  # the seats were taken by quicker people
    ALREADY = "already"
    CLOSED = "closed"  # the call is over or called off
    BUSY = "busy"  # already coming to another call at the same time
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class SurgeAnswer:
    outcome: AnswerOutcome
    message_zh: str
    message_en: str
    offer: SurgeOffer | None = None
    replan_rosters: tuple[int, ...] = ()


# --- answers -------------------------------------------------------------------------------------

UNKNOWN = SurgeAnswer(
    AnswerOutcome.UNKNOWN,
    "链接无效：没有找到这个呼叫。请使用短信里的完整链接。",
    "This link is not valid: no such call. Use the full link from the SMS.",
)


def answer(
    *,
    session: Session,
    token: str,
    confirm: bool,
    now: datetime,
    via: str = "link",
    settings: NotifySettings | None = None,
) -> SurgeAnswer:
    """Yes or no to a surge offer, by its link token. First confirmations win the seats.

    A yes after the answer window is still taken if a seat is open (people who come are welcome);
    a yes when the seats are gone gets "not needed"; a no asks the next candidates at once.
    """
    offer = get_offer(session=session, token=token)
    if offer is None:
        audit.record(
            session=session,
            at=now,
            actor=f"{via}:anonymous",
            action="surge.answer_unknown",
            entity="surge_offer",
            detail={"token": token[:4]},
        )
        return UNKNOWN
    return answer_offer(session=session, offer=offer, confirm=confirm, now=now, via=via, settings=settings)


def answer_offer(
    *,
    session: Session,
    offer: SurgeOffer,
    confirm: bool,
    now: datetime,
    via: str,
    settings: NotifySettings | None = None,
) -> SurgeAnswer:
    settings = settings_of(settings)
    call = get_call(session=session, call_id=offer.call_id)
    policy = policy_of(call)
    actor = f"person:{offer.person_id}"
    block = filling.lock_block(session, offer.block_id)
    session.refresh(offer)
    f = messages.facts(offer, offer.person, call, settings)
    if call.status not in ACTIVE_CALL or block.ends_at <= now:
        return SurgeAnswer(
            AnswerOutcome.CLOSED,
            "这次呼叫已经结束或取消，无需前往，谢谢。",
            "This call is over or called off. Thank you.",
            offer,
        )
    if confirm and offer.status in COMING or not confirm and offer.status is OfferStatus.DECLINED:
        return SurgeAnswer(AnswerOutcome.ALREADY, "已收到，您之前已作出相同答复。", "Already noted.", offer)
    if not confirm:
        before = offer.status
        offer.status = OfferStatus.DECLINED
        offer.answered_at = now
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="surge.decline",
            entity="surge_offer",
            entity_id=offer.id,
            detail={"via": via, "from": before.value, "call": call.id},
        )
        session.flush()
        # A seat given back (a confirmed person who cannot come after all) or an answer less to wait
        # for: ask the next people now rather than at the next tick.
        filling.fill_call(session=session, call=call, now=now, policy=policy, settings=settings)
        filling.refresh_status(session=session, call=call, now=now, policy=policy)
        return SurgeAnswer(
            AnswerOutcome.DECLINED,
            templates.declined_ack(f, lang=templates.Lang.ZH),
            templates.declined_ack(f, lang=templates.Lang.EN),
            offer,
        )
    coming, waiting = filling.overlapping(session, offer)
    if coming:
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="surge.double_booked",
            entity="surge_offer",
            entity_id=offer.id,
            detail={"via": via, "call": call.id, "other": coming[0].call_id},
        )
        return SurgeAnswer(
            AnswerOutcome.BUSY,
            "您已确认参加同一时段的另一次呼叫，这次无需前往，谢谢。",
            "You already said yes to another call at the same time; no need to come to this one. Thank you.",
            offer,
        )
    offers = filling.call_offers(session, call.id)
    seats = block_seats(call, block, offers, filling.party_ids(session, {o.person_id for o in offers}), now)
    is_party = offer.person.category in filling.PARTY
    if seats.open_for(offer.need_id, party=is_party) == 0:
        if offer.status in (OfferStatus.OFFERED, OfferStatus.EXPIRED):
            offer.status = OfferStatus.NOT_NEEDED
            offer.answered_at = now
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="surge.not_needed",
            entity="surge_offer",
            entity_id=offer.id,
            detail={"via": via, "call": call.id},
        )
        return SurgeAnswer(
            AnswerOutcome.NOT_NEEDED,
            templates.not_needed(f, lang=templates.Lang.ZH),
            templates.not_needed(f, lang=templates.Lang.EN),
            offer,
        )
    before = offer.status
    offer.status = OfferStatus.CONFIRMED
    offer.answered_at = now
    if call.first_confirmed_at is None:
        call.first_confirmed_at = now
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="surge.confirm",
        entity="surge_offer",
        entity_id=offer.id,
        detail={"via": via, "from": before.value, "call": call.id, "need": offer.need_id},
    )
    # The person cannot be in two places: their other unanswered offers for the same time are
    # withdrawn (without a text: they just said yes here), and those calls ask others at their next tick.
    for other in waiting:
        other.status = OfferStatus.WITHDRAWN
        other.answered_at = now
    rosters: list[int] = []
    if offer.preempted:
        rosters = preempt.take_from_routine(session=session, offer=offer, call=call, now=now)
    session.flush()
    filling.settle_block(session=session, call=call, block=block, now=now, settings=settings)
    filling.refresh_status(session=session, call=call, now=now, policy=policy)
    return SurgeAnswer(
        AnswerOutcome.CONFIRMED,
        templates.confirmed_ack(f, lang=templates.Lang.ZH),
        templates.confirmed_ack(f, lang=templates.Lang.EN),
        offer,
        tuple(rosters),
    )


def _offer_by(session: Session, token: str | None, offer_id: int | None) -> SurgeOffer:
    offer = get_offer(session=session, token=token) if token else session.get(SurgeOffer, offer_id or 0)
    if offer is None:
        raise NotFound("offer_not_found", "没有找到这个呼叫人员记录", "no such surge offer")
    return offer


def on_the_way(*, session: Session, token: str, now: datetime) -> SurgeOffer:
    """The person set off (from their link): the board shows them as on the way."""
    offer = _offer_by(session, token, None)
    if offer.status is not OfferStatus.CONFIRMED:
        raise Conflict(
            "not_confirmed", "请先确认参加，再点“我已出发”", "confirm first, then say you are on the way"
        )
    offer.status = OfferStatus.ON_THE_WAY
    offer.on_the_way_at = now
    audit.record(
        session=session,
        at=now,
        actor=f"person:{offer.person_id}",
        action="surge.on_the_way",
        entity="surge_offer",
        entity_id=offer.id,
    )
    session.flush()
    return offer


def check_in(
    *,
    session: Session,
    now: datetime,
    token: str | None = None,
    offer_id: int | None = None,
    via: str = "link",
    actor: str | None = None,
    settings: NotifySettings | None = None,
) -> SurgeOffer:
    """Arrival on the spot, by the person's link (``via="link"``) or by the grid leader (``"leader"``).

    A person who never answered but turned up is taken as a confirmation first (if a seat is open).
    """
    if via not in ("link", "leader"):
        raise ValidationError("bad_via", "签到方式只能是 link 或 leader", "check-in is by link or by leader")
    offer = _offer_by(session, token, offer_id)
    actor = actor or f"person:{offer.person_id}"
    if offer.status is OfferStatus.ARRIVED:
        return offer
    if offer.status in (OfferStatus.OFFERED, OfferStatus.EXPIRED):
        result = answer_offer(session=session, offer=offer, confirm=True, now=now, via=via, settings=settings)
        if result.outcome is not AnswerOutcome.CONFIRMED:
            raise Conflict("not_confirmed", result.message_zh, result.message_en)
    if offer.status not in COMING:
        raise Conflict(
            "not_confirmed",
            "此人未确认参加这次呼叫（已拒绝、已满或已取消）",
            "this person is not confirmed for the call",
        )
    offer.status = OfferStatus.ARRIVED
    offer.arrived_at = now
    offer.arrived_via = via
    call = session.get(SurgeCall, offer.call_id)
    assert call is not None
    if call.first_arrived_at is None or now < call.first_arrived_at:
        call.first_arrived_at = now
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="surge.check_in",
        entity="surge_offer",
        entity_id=offer.id,
        detail={"via": via, "call": call.id},
    )
    session.flush()
    return offer


def sms_reply(
    *,
    session: Session,
    person: Person,
    code: str | None,
    confirm: bool,
    routine_open: int,
    now: datetime,
    settings: NotifySettings,
) -> str | None:
    """An SMS "1 CODE" / "2 CODE" that answers a surge offer: the reply text, or None if it is not one.

    Without a code it answers the person's one open question only when that is a surge offer and no
    roster offer is open too (notify.answers handles the rest). Reply codes are drawn unique across
    roster and surge offers of a person (messages.codes_in_use).
    """
    if code is not None:
        offer = session.scalar(
            select(SurgeOffer)
            .where(SurgeOffer.person_id == person.id, SurgeOffer.code == code)
            .order_by(SurgeOffer.id.desc())
            .limit(1)
        )
    else:
        waiting = list(
            session.scalars(
                select(SurgeOffer).where(
                    SurgeOffer.person_id == person.id, SurgeOffer.status == OfferStatus.OFFERED
                )
            )
        )
        offer = waiting[0] if len(waiting) == 1 and routine_open == 0 else None
    if offer is None:
        return None
    result = answer_offer(
        session=session, offer=offer, confirm=confirm, now=now, via="sms", settings=settings
    )
    return result.message_zh if settings.lang is templates.Lang.ZH else result.message_en
