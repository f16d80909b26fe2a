"""The dispatcher's tick (time-outs, escalation, rolling blocks, re-plans) and closing a call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.params import SolveParams
from scheduler.audit import service as audit
from scheduler.errors import Conflict
from scheduler.notify.settings import NotifySettings
from scheduler.surge import escalation, filling, preempt
from scheduler.surge.common import get_call, policy_of, settings_of
from scheduler.surge.models import (
    ACTIVE_CALL,
    TIER_ORDER,
    CallStatus,
    OfferStatus,
    SurgeCall,
)
from scheduler.surge.policy import SurgePolicy
from scheduler.surge.raising import make_blocks


@dataclass
class TickResult:
    expired: int = 0
    escalated: list[tuple[int, str]] = field(default_factory=list)  # (call, new tier)
    offers: int = 0
    closed: int = 0
    deadline_missed: list[int] = field(default_factory=list)
    replanned: list[int] = field(default_factory=list)  # new roster versions published

    def as_dict(self) -> dict[str, Any]:
        return {
            "expired": self.expired,
            "escalated": [{"call_id": c, "tier": t} for c, t in self.escalated],
            "offers": self.offers,
            "closed": self.closed,
            "deadline_missed": self.deadline_missed,
            "replanned": self.replanned,
        }


# --- closing -------------------------------------------------------------------------------------


def _end(
    *,
    session: Session,
    call_id: int,
    now: datetime,
    actor: str,
    status: CallStatus,
    reason: str,
    settings: NotifySettings | None,
) -> SurgeCall:
    settings = settings_of(settings)
    call = get_call(session=session, call_id=call_id)
    if call.status not in ACTIVE_CALL:
        raise Conflict("call_closed", "这次呼叫已结束或取消", "the call is over or called off")
    offers = filling.call_offers(session, call.id)
    waiting = [o for o in offers if o.status is OfferStatus.OFFERED]
    filling.stand_down(
        session=session, offers=waiting, status=OfferStatus.WITHDRAWN, call=call, now=now, settings=settings
    )
    if status is CallStatus.CANCELLED:
        coming = [
            o
            for o in offers
            if o.status in (OfferStatus.CONFIRMED, OfferStatus.ON_THE_WAY) and o.block.starts_at > now
        ]
        filling.stand_down(
            session=session,
            offers=coming,
            status=OfferStatus.WITHDRAWN,
            call=call,
            now=now,
            settings=settings,
        )
    call.status = status
    call.closed_at = now
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action=f"surge.{status.value}",
        entity="surge_call",
        entity_id=call.id,
        detail={"reason": reason[:200]},
    )
    session.flush()
    return call


def cancel_call(
    *,
    session: Session,
    call_id: int,
    now: datetime,
    actor: str,
    reason: str = "",
    settings: NotifySettings | None = None,
) -> SurgeCall:
    """Call it off: everyone asked or coming to a block not yet started is told not to come."""
    return _end(
        session=session,
        call_id=call_id,
        now=now,
        actor=actor,
        status=CallStatus.CANCELLED,
        reason=reason,
        settings=settings,
    )


def close_call(
    *,
    session: Session,
    call_id: int,
    now: datetime,
    actor: str,
    reason: str = "",
    settings: NotifySettings | None = None,
) -> SurgeCall:
    """The matter is done (事不完、人不撤: only then): unanswered offers are withdrawn; the record stays."""
    return _end(
        session=session,
        call_id=call_id,
        now=now,
        actor=actor,
        status=CallStatus.CLOSED,
        reason=reason,
        settings=settings,
    )


# --- the dispatcher's tick -----------------------------------------------------------------------


def tick(
    *,
    session: Session,
    now: datetime,
    settings: NotifySettings | None = None,
    replan_params: SolveParams | None = None,
) -> TickResult:
    """Everything due by ``now``: expire unanswered offers, escalate tiers, ask more people, extend
    rolling blocks, close calls whose end passed, re-plan routine shifts people were taken from.

    Idempotent: a second tick at the same ``now`` changes nothing.
    """
    settings = settings_of(settings)
    result = TickResult()
    calls = list(
        session.scalars(select(SurgeCall.id).where(SurgeCall.status.in_(ACTIVE_CALL)).order_by(SurgeCall.id))
    )
    for call_id in calls:
        call = get_call(session=session, call_id=call_id)
        policy = policy_of(call)
        if call.ends_at is not None and call.ends_at <= now:
            _end(
                session=session,
                call_id=call.id,
                now=now,
                actor="system",
                status=CallStatus.CLOSED,
                reason="ended",
                settings=settings,
            )
            result.closed += 1
            continue
        result.expired += _expire(session, call, now)
        new_blocks = make_blocks(call, now + policy.horizon)
        if new_blocks:
            call.blocks.extend(new_blocks)
            session.flush()
        while True:
            missing, first_short = shortfall(session, call, now, policy)
            if first_short is None:
                break
            due = escalation.due_at(call, policy, first_short)
            if now < due:
                break
            higher = escalation.escalate(
                session=session, call=call, at=due, now=now, missing=missing, policy=policy
            )
            if higher is None:
                if call.deadline_missed_at is None:
                    call.deadline_missed_at = now
                    _deadline_notice(session, call, missing, now)
                    result.deadline_missed.append(call.id)
                break
            result.escalated.append((call.id, higher.value))
        filled = filling.fill_call(session=session, call=call, now=now, policy=policy, settings=settings)
        result.offers += filled.count
        filling.refresh_status(session=session, call=call, now=now, policy=policy)
    result.replanned = preempt.replan_preempted(
        session=session, now=now, params=replan_params, settings=settings
    )
    return result


def shortfall(
    session: Session, call: SurgeCall, now: datetime, policy: SurgePolicy
) -> tuple[int, datetime | None]:
    """People still missing over the blocks to staff (a lead counts one), and the start of the first
    block that is short (None: nothing is short)."""
    seats = filling.seats_of(session, call, now)
    short = [
        (seats[b.id].missing + (0 if seats[b.id].lead_covered else 1), b.starts_at)
        for b in filling.current_blocks(call, now, policy)
        if not seats[b.id].staffed
    ]
    return sum(m for m, _ in short), min((start for _, start in short), default=None)


def _expire(session: Session, call: SurgeCall, now: datetime) -> int:
    stale = [
        o
        for o in filling.call_offers(session, call.id)
        if o.status is OfferStatus.OFFERED and o.expires_at <= now
    ]
    for o in stale:
        o.status = OfferStatus.EXPIRED
    if stale:
        audit.record(
            session=session,
            at=now,
            actor="system",
            action="surge.expire",
            entity="surge_call",
            entity_id=call.id,
            detail={"offers": [o.id for o in stale]},
        )
        session.flush()
    return len(stale)


def _deadline_notice(session: Session, call: SurgeCall, missing: int, now: datetime) -> None:
    minutes = filling.minutes_since(call.raised_at, now)
    escalation.notify_coordinators(
        session=session,
        call=call,
        tiers=TIER_ORDER,
        kind="deadline_missed",
        message_zh=f"网格呼叫 #{call.id} 已过{minutes:.0f}分钟，各层级均未补齐，仍缺{missing}人，请协调。",
        message_en=f"Surge call #{call.id}: {minutes:.0f} min on, every tier asked, {missing} still missing.",
        now=now,
    )
    audit.record(
        session=session,
        at=now,
        actor="system",
        action="surge.deadline_missed",
        entity="surge_call",
        entity_id=call.id,
        detail={"missing": missing, "minutes": minutes},
    )
