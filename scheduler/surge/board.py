"""The live call board: needed / asked / confirmed / on the way / arrived per skill, and why a gap stays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.clock import local_zone
from scheduler.surge import escalation, filling
from scheduler.surge.candidates import load_candidates, place_of_grid, tier_of
from scheduler.surge.models import (
    TIER_LABELS_ZH,
    TIER_ORDER,
    DepartmentRequest,
    OfferStatus,
    SurgeBlock,
    SurgeCall,
    SurgeNotice,
    SurgeOffer,
)
from scheduler.surge.policy import SurgePolicy
from scheduler.surge.ranking import Excluded, qualification, rank

# Why a need is still short, most telling first, in the coordinator's words.
REASONS_ZH = {
    "no_one_has_skill": "全区无人具备此技能",
    "certificates_expired": "具备此技能者证书均已过期",
    "waiting_for_answers": "已发出邀请，等待答复",
    "next_tier_pending": "本层级人员已问完，等待升级到下一层级",
    "not_asked_yet": "尚有合适人员未询问（本层级名额已用完）",
    "all_asked_none_available": "可联系的人员均已询问，无人能来",
    "no_party_member": "没有可联系的党员带队",
}


@dataclass(frozen=True, slots=True)
class NeedRow:
    need: str  # skill code or "general"; "lead" for the party-member lead
    needed: int
    offered: int  # asked, answer awaited
    confirmed: int  # confirmed, not yet set off
    on_the_way: int
    arrived: int
    declined: int
    expired: int  # asked, no answer in time

    @property
    def coming(self) -> int:
        return self.confirmed + self.on_the_way + self.arrived

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.coming)


@dataclass(frozen=True, slots=True)
class Unmet:
    """A gap that stays, with the reason computed from the data and the counts behind it."""

    need: str
    missing: int
    reason: str
    detail: dict[str, int]

    @property
    def reason_zh(self) -> str:
        return REASONS_ZH.get(self.reason, self.reason)


@dataclass(frozen=True, slots=True)
class Person:
    offer_id: int
    person_id: int
    name: str
    need: str
    status: str
    tier: str
    distance: str
    unit: str | None
    answered_at: datetime | None
    arrived_at: datetime | None


@dataclass
class CallBoard:
    call_id: int
    grid: str
    place: str
    status: str
    tier: str
    tier_zh: str
    minutes: float  # since the call was raised
    block_start: datetime | None  # the block shown: the one running now, else the next
    block_end: datetime | None
    needs: list[NeedRow]
    lead_needed: bool
    lead_covered: bool
    unmet: list[Unmet]
    people: list[Person]
    departments: list[dict[str, Any]]
    notices: list[dict[str, Any]]
    next_escalation_at: datetime | None
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def iso(v: datetime | None) -> str | None:
            return v.isoformat() if v else None

        return {
            "call_id": self.call_id,
            "grid": self.grid,
            "place": self.place,
            "status": self.status,
            "tier": self.tier,
            "tier_zh": self.tier_zh,
            "minutes": self.minutes,
            "block": {"start": iso(self.block_start), "end": iso(self.block_end)},
            "needs": [
                {
                    "need": n.need,
                    "needed": n.needed,
                    "offered": n.offered,
                    "confirmed": n.confirmed,
                    "on_the_way": n.on_the_way,
                    "arrived": n.arrived,
                    "declined": n.declined,
                    "expired": n.expired,
                    "missing": n.missing,
                }
                for n in self.needs
            ],
            "lead": {"needed": self.lead_needed, "covered": self.lead_covered},
            "unmet": [
                {
                    "need": u.need,
                    "missing": u.missing,
                    "reason": u.reason,
                    "reason_zh": u.reason_zh,
                    **u.detail,
                }
                for u in self.unmet
            ],
            "people": [
                {
                    "offer_id": p.offer_id,
                    "person_id": p.person_id,
                    "name": p.name,
                    "need": p.need,
                    "status": p.status,
                    "tier": p.tier,
                    "distance": p.distance,
                    "unit": p.unit,
                    "answered_at": iso(p.answered_at),
                    "arrived_at": iso(p.arrived_at),
                }
                for p in self.people
            ],
            "departments": self.departments,
            "notices": self.notices,
            "next_escalation_at": iso(self.next_escalation_at),
            "blocks": self.blocks,
        }


def shown_block(call: SurgeCall, now: datetime) -> SurgeBlock | None:
    running = [b for b in call.blocks if b.starts_at <= now < b.ends_at]
    coming = [b for b in call.blocks if b.starts_at > now]
    found = running or coming or call.blocks[-1:]
    return found[0] if found else None


def call_board(session: Session, call_id: int, now: datetime) -> CallBoard:
    """Everything the coordinator's live board shows for one call, as of ``now``."""
    from scheduler.surge.common import get_call

    call = get_call(session=session, call_id=call_id)
    policy = SurgePolicy.from_call(call.policy, over_ask=call.over_ask, answer_minutes=call.answer_minutes)
    block = shown_block(call, now)
    offers = filling.call_offers(session, call.id)
    mine = [o for o in offers if block is not None and o.block_id == block.id]
    seats = filling.seats_of(session, call, now, offers)
    rows = []
    for n in call.needs:
        of = [o for o in mine if o.need_id == n.id]

        def count(*statuses: OfferStatus, of: list[SurgeOffer] = of) -> int:
            return sum(1 for o in of if o.status in statuses)

        offered = sum(1 for o in of if o.status is OfferStatus.OFFERED and o.expires_at > now)
        rows.append(
            NeedRow(
                n.code,
                n.count,
                offered,
                count(OfferStatus.CONFIRMED),
                count(OfferStatus.ON_THE_WAY),
                count(OfferStatus.ARRIVED),
                count(OfferStatus.DECLINED),
                count(OfferStatus.EXPIRED)
                + sum(1 for o in of if o.status is OfferStatus.OFFERED and o.expires_at <= now),
            )
        )
    block_seats = seats.get(block.id) if block is not None else None
    unmet = _unmet(
        session, call, block, rows, block_seats is not None and block_seats.lead_covered, now, policy
    )
    last = call.tier is TIER_ORDER[-1]
    first_short = min(
        (b.starts_at for b in filling.current_blocks(call, now, policy) if not seats[b.id].staffed),
        default=None,
    )
    return CallBoard(
        call_id=call.id,
        grid=call.grid.code,
        place=call.place or call.grid.name,
        status=call.status.value,
        tier=call.tier.value,
        tier_zh=TIER_LABELS_ZH[call.tier],
        minutes=filling.minutes_since(call.raised_at, now),
        block_start=block.starts_at if block else None,
        block_end=block.ends_at if block else None,
        needs=rows,
        lead_needed=call.needs_party_lead,
        lead_covered=block_seats.lead_covered if block_seats is not None else not call.needs_party_lead,
        unmet=unmet,
        people=[
            Person(
                o.id,
                o.person_id,
                o.person.name,
                o.need.code,
                o.status.value,
                o.tier.value,
                o.distance,
                o.unit,
                o.answered_at,
                o.arrived_at,
            )
            for o in mine
        ],
        departments=[
            {
                "unit": r.unit,
                "asked": r.asked,
                "sent": r.sent,
                "due_at": r.due_at.isoformat(),
                "reported_at": r.reported_at.isoformat() if r.reported_at else None,
                "late": r.reported_at is None and now > r.due_at,
            }
            for r in session.scalars(
                select(DepartmentRequest)
                .where(DepartmentRequest.call_id == call.id)
                .order_by(DepartmentRequest.id)
            )
        ],
        notices=[
            {
                "id": x.id,
                "kind": x.kind,
                "tier": x.tier.value if x.tier else None,
                "account_id": x.account_id,
                "message_zh": x.message_zh,
                "message_en": x.message_en,
                "at": x.created_at.isoformat(),
            }
            for x in session.scalars(
                select(SurgeNotice).where(SurgeNotice.call_id == call.id).order_by(SurgeNotice.id)
            )
        ],
        next_escalation_at=None
        if last or first_short is None
        else escalation.due_at(call, policy, first_short),
        blocks=[
            {
                "start": b.starts_at.isoformat(),
                "end": b.ends_at.isoformat(),
                "missing": seats[b.id].missing,
                "staffed": seats[b.id].staffed,
            }
            for b in call.blocks
        ],
    )


def _unmet(
    session: Session,
    call: SurgeCall,
    block: SurgeBlock | None,
    rows: list[NeedRow],
    lead_covered: bool,
    now: datetime,
    policy: SurgePolicy,
) -> list[Unmet]:
    """Each short need with its reason: from the data (who holds the skill, who was asked, who is left)."""
    short = [(n, r) for n, r in zip(call.needs, rows, strict=True) if r.missing > 0]
    lead_short = call.needs_party_lead and not lead_covered
    if block is None or (not short and not lead_short):
        return []
    candidates = load_candidates(
        session=session,
        place=place_of_grid(session, call.grid_id),
        tier=TIER_ORDER[-1],
        start=block.starts_at,
        end=block.ends_at,
        zone=local_zone(),
        exclude_block_ids=(block.id,),
    )
    slot = filling.slot_of(call, block, policy)
    fits, excluded = rank(candidates, slot)
    asked = {o.person_id for o in filling.call_offers(session, call.id) if o.block_id == block.id}
    reached = TIER_ORDER[: TIER_ORDER.index(call.tier) + 1]
    out = []
    unfillable = {u["need"]: u for u in call.unfillable}
    for n, r in short:
        code = n.skill.code if n.skill else None
        holders = [c for c in candidates if qualification(c, code, slot) is None]
        expired_only = code is not None and any(code in c.skills for c in candidates)
        free = [f for f in fits if qualification(f.candidate, code, slot) is None]
        left = [f for f in free if f.candidate.person_id not in asked]
        detail = {
            "qualified": len(holders),
            "asked": r.offered + r.coming + r.declined + r.expired,
            "declined": r.declined,
            "no_answer": r.expired,
            "waiting": r.offered,
            "busy_or_absent": sum(
                1 for c in holders if excluded.get(c.person_id) in (Excluded.BUSY, Excluded.ABSENT)
            ),
            "not_asked_yet": len(left),
        }
        if not holders:
            reason = "certificates_expired" if expired_only else "no_one_has_skill"
            if n.code in unfillable and not expired_only:
                reason = str(unfillable[n.code]["reason"]) if unfillable[n.code]["missing_all"] else reason
        elif r.offered > 0:
            reason = "waiting_for_answers"
        elif any(tier_of(f.candidate.distance) not in reached for f in left):
            reason = "next_tier_pending"
        elif left:
            reason = "not_asked_yet"
        else:
            reason = "all_asked_none_available"
        out.append(Unmet(n.code, r.missing, reason, detail))
    if lead_short:
        party = [c for c in candidates if c.party]
        out.append(
            Unmet(
                "lead",
                1,
                "no_party_member"
                if not party
                else "waiting_for_answers"
                if any(r.offered for r in rows)
                else "all_asked_none_available",
                {"qualified": len(party)},
            )
        )
    return out
