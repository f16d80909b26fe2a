"""The after-action record of a call: how fast, how far it escalated, who came (it feeds the ledgers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.surge import filling
from scheduler.surge.models import COMING, OfferStatus, SurgeCall, SurgeOffer


@dataclass(frozen=True, slots=True)
class Came:
    person_id: int
    name: str
    need: str
    tier: str
    unit: str | None
    confirmed_at: datetime | None
    arrived_at: datetime | None


@dataclass(frozen=True, slots=True)
class AfterAction:
    call_id: int
    grid_id: int
    grid: str
    raised_at: datetime
    status: str
    needed: int  # seats of the first block
    asked: int  # people asked (offers sent), every block
    confirmed: int  # people who said yes (or were sent by a department)
    arrived: int  # people checked in on the spot
    declined: int
    no_answer: int
    first_confirmation_minutes: float | None
    full_staffing_minutes: float | None  # None: never fully staffed
    first_arrival_minutes: float | None
    tier_reached: str
    deadline_missed: bool  # every tier asked and still short (吹哨报到's 30 minutes)
    came: tuple[Came, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "grid": self.grid,
            "raised_at": self.raised_at.isoformat(),
            "status": self.status,
            "needed": self.needed,
            "asked": self.asked,
            "confirmed": self.confirmed,
            "arrived": self.arrived,
            "declined": self.declined,
            "no_answer": self.no_answer,
            "first_confirmation_minutes": self.first_confirmation_minutes,
            "full_staffing_minutes": self.full_staffing_minutes,
            "first_arrival_minutes": self.first_arrival_minutes,
            "tier_reached": self.tier_reached,
            "deadline_missed": self.deadline_missed,
            "came": [
                {
                    "person_id": c.person_id,
                    "name": c.name,
                    "need": c.need,
                    "tier": c.tier,
                    "unit": c.unit,
                    "confirmed_at": c.confirmed_at.isoformat() if c.confirmed_at else None,
                    "arrived_at": c.arrived_at.isoformat() if c.arrived_at else None,
                }
                for c in self.came
            ],
        }


def _minutes(call: SurgeCall, at: datetime | None) -> float | None:
    return None if at is None else filling.minutes_since(call.raised_at, at)


def after_action(*, session: Session, call_id: int) -> AfterAction:
    from scheduler.surge.common import get_call

    call = get_call(session=session, call_id=call_id)
    return record_of(call, filling.call_offers(session, call.id))


def record_of(call: SurgeCall, offers: list[SurgeOffer]) -> AfterAction:
    came = [o for o in offers if o.status in COMING]
    return AfterAction(
        call_id=call.id,
        grid_id=call.grid_id,
        grid=call.grid.code,
        raised_at=call.raised_at,
        status=call.status.value,
        needed=sum(n.count for n in call.needs),
        asked=sum(1 for o in offers if o.via == "offer"),
        confirmed=len(came),
        arrived=sum(1 for o in came if o.status is OfferStatus.ARRIVED),
        declined=sum(1 for o in offers if o.status is OfferStatus.DECLINED),
        no_answer=sum(1 for o in offers if o.status is OfferStatus.EXPIRED),
        first_confirmation_minutes=_minutes(call, call.first_confirmed_at),
        full_staffing_minutes=_minutes(call, call.staffed_at),
        first_arrival_minutes=_minutes(call, call.first_arrived_at),
        tier_reached=call.tier.value,
        deadline_missed=call.deadline_missed_at is not None,
        came=tuple(
            Came(o.person_id, o.person.name, o.need.code, o.tier.value, o.unit, o.answered_at, o.arrived_at)
            for o in came
        ),
    )


def calls_between(session: Session, grid_ids: list[int], start: datetime, end: datetime) -> list[AfterAction]:
    """After-action records of the calls raised in [start, end) at these grids (the ledgers' rows)."""
    calls = session.scalars(
        select(SurgeCall)
        .where(SurgeCall.grid_id.in_(grid_ids), SurgeCall.raised_at >= start, SurgeCall.raised_at < end)
        .order_by(SurgeCall.raised_at, SurgeCall.id)
    ).all()
    if not calls:
        return []
    offers: dict[int, list[SurgeOffer]] = {c.id: [] for c in calls}
    for o in session.scalars(
        select(SurgeOffer).where(SurgeOffer.call_id.in_(list(offers))).order_by(SurgeOffer.id)
    ):
        offers[o.call_id].append(o)
    return [record_of(c, offers[c.id]) for c in calls]
