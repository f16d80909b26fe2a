"""Asking people and taking answers: rank, over-ask, first confirmations win, the rest stand down."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from scheduler.audit import service as audit
from scheduler.clock import local_zone
from scheduler.notify.settings import NotifySettings
from scheduler.outbox import service as outbox
from scheduler.outbox.models import OutboxMessage, OutboxStatus
from scheduler.people.models import Category, Person
from scheduler.surge import messages
from scheduler.surge.candidates import Place, load_candidates, place_of_grid, tier_of
from scheduler.surge.models import (
    COMING,
    TIER_ORDER,
    CallStatus,
    OfferStatus,
    SurgeBlock,
    SurgeCall,
    SurgeNeed,
    SurgeOffer,
    Tier,
)
from scheduler.surge.policy import SurgePolicy
from scheduler.surge.ranking import Fit, Slot, qualification, rank
from scheduler.surge.seats import BlockSeats, block_seats

PARTY = (Category.PARTY_IN_SERVICE, Category.PARTY_NO_POST)
MAX_ANSWER_WINDOW = timedelta(hours=12)


@dataclass
class FillResult:
    """What one assignment step did (the bench times it; the board and CLI show it)."""

    offers: list[SurgeOffer] = field(default_factory=list)
    seconds: float = 0.0
    preemptions: int = 0  # offers that would take someone from a routine shift

    @property
    def count(self) -> int:
        return len(self.offers)


def call_offers(session: Session, call_id: int) -> list[SurgeOffer]:
    """Every offer of the call as stored now (rows already loaded are refreshed: another transaction
    may have answered them since)."""
    return list(
        session.scalars(
            select(SurgeOffer)
            .where(SurgeOffer.call_id == call_id)
            .order_by(SurgeOffer.id)
            .execution_options(populate_existing=True)
        )
    )


def party_ids(session: Session, person_ids: set[int]) -> set[int]:
    if not person_ids:
        return set()
    return set(
        session.scalars(select(Person.id).where(Person.id.in_(person_ids), Person.category.in_(PARTY)))
    )


def current_blocks(call: SurgeCall, now: datetime, policy: SurgePolicy) -> list[SurgeBlock]:
    """Blocks still to staff: not over, and (rolling blocks of an open call) starting within the horizon."""
    until = max(now, call.starts_at) + policy.horizon
    return [b for b in call.blocks if b.ends_at > now and (call.ends_at is not None or b.starts_at < until)]


def seats_of(
    session: Session, call: SurgeCall, now: datetime, offers: Sequence[SurgeOffer] | None = None
) -> dict[int, BlockSeats]:
    offers = call_offers(session, call.id) if offers is None else offers
    party = party_ids(session, {o.person_id for o in offers})
    return {b.id: block_seats(call, b, offers, party, now) for b in call.blocks}


def answer_by(block: SurgeBlock, now: datetime, policy: SurgePolicy) -> datetime:
    """When an offer for this block expires: the answer window (5 minutes) for a call now; a call
    raised ahead gives people a quarter of the time to its start (at most 12 hours), but answers are
    due before the escalation would have to begin (30 minutes before the start), never sooner than
    the answer window."""
    lead = block.starts_at - now
    window = max(policy.answer_window, min(lead / 4, MAX_ANSWER_WINDOW))
    cutoff = block.starts_at - policy.escalation_span
    return max(now + policy.answer_window, min(now + window, cutoff))


def slot_of(call: SurgeCall, block: SurgeBlock, policy: SurgePolicy) -> Slot:
    return Slot(
        block.starts_at,
        block.ends_at,
        call.priority,
        call.task_type.heavy,
        local_zone(),
        timedelta(minutes=policy.min_rest_minutes),
        policy.max_minutes_per_day,
    )


def fill_call(
    *, session: Session, call: SurgeCall, now: datetime, policy: SurgePolicy, settings: NotifySettings
) -> FillResult:
    """Ask the best people the call's current tier reaches, enough to cover each block's gaps.

    Per block and need: ask ceil(missing x over-ask) minus the answers still awaited; skill needs
    first (the scarcest), so a nurse is not spent on a general seat; a party member first while the
    lead seat is open. Each tier's quota caps how many it is asked over the whole call.
    """
    started = time.perf_counter()
    result = FillResult()
    if call.status not in (CallStatus.OPEN, CallStatus.STAFFED):
        return result
    blocks = current_blocks(call, now, policy)
    offers = call_offers(session, call.id)
    seats = seats_of(session, call, now, offers)
    if not blocks or all(seats[b.id].staffed for b in blocks):
        result.seconds = time.perf_counter() - started
        return result
    place = place_of_grid(session, call.grid_id)
    candidates = load_candidates(
        session=session,
        place=place,
        tier=call.tier,
        start=min(b.starts_at for b in blocks),
        end=max(b.ends_at for b in blocks),
        zone=local_zone(),
        exclude_block_ids=tuple(b.id for b in call.blocks),
    )
    asked_by_tier: dict[Tier, int] = {}
    for o in offers:
        if o.via == "offer":
            asked_by_tier[o.tier] = asked_by_tier.get(o.tier, 0) + 1
    quota_left = {
        t.tier: (t.quota - asked_by_tier.get(t.tier, 0)) if t.quota else 10**9 for t in policy.tiers
    }
    new: list[tuple[SurgeOffer, Fit]] = []
    for block in blocks:
        s = seats[block.id]
        if s.staffed:
            continue
        slot = slot_of(call, block, policy)
        fits, _ = rank(candidates, slot)
        picker = _Picker(fits, slot, {o.person_id for o in offers if o.block_id == block.id}, quota_left)
        if s.lead is not None and not s.lead_covered:
            party_waiting = sum(n.party_outstanding for n in s.needs)
            picker.pick(s.lead, policy.to_ask(1) - party_waiting, party_only=True)
        # The scarcest skill first (fewest people who can be asked), general seats last: someone who
        # is both a nurse and a driver goes to whichever of the two is harder to fill.
        supply = {
            n.need.id: sum(1 for f in fits if qualification(f.candidate, n.need.skill.code, slot) is None)
            for n in s.needs
            if n.need.skill is not None
        }
        for n in sorted(
            s.needs, key=lambda n: (n.need.skill_id is None, supply.get(n.need.id, 0), n.need.id)
        ):
            already = n.outstanding + sum(1 for need, _ in picker.picks if need.id == n.need.id)
            picker.pick(n.need, policy.to_ask(n.missing) - already)
        picks = picker.picks
        for rank_no, (need, f) in enumerate(picks, start=1):
            offer = SurgeOffer(
                call_id=call.id,
                block_id=block.id,
                need_id=need.id,
                person_id=f.candidate.person_id,
                tier=tier_of(f.candidate.distance),
                rank=rank_no,
                distance=f.candidate.distance.label,
                token=messages.new_token(),
                code="",
                status=OfferStatus.OFFERED,
                offered_at=now,
                expires_at=answer_by(block, now, policy),
                preempted=[
                    {"roster": d.roster_id, "shift": d.shift_id, "assignment": d.assignment_id, "done": False}
                    for d in f.preempt
                ],
            )
            new.append((offer, f))
    if new:
        taken_codes = messages.codes_in_use(session, sorted({o.person_id for o, _ in new}))
        for offer, _ in new:
            offer.code = messages.new_code(taken_codes.setdefault(offer.person_id, set()))
        session.add_all([o for o, _ in new])
        session.flush()
        people = {
            p.id: p
            for p in session.scalars(select(Person).where(Person.id.in_({o.person_id for o, _ in new})))
        }
        messages.queue(
            session, [messages.call_sms(o, people[o.person_id], call, settings, now) for o, _ in new]
        )
        audit.record(
            session=session,
            at=now,
            actor="system",
            action="surge.offer",
            entity="surge_call",
            entity_id=call.id,
            detail={
                "tier": call.tier.value,
                "offers": len(new),
                "preempting": sum(1 for _, f in new if f.preempt),
                "people": [o.person_id for o, _ in new],
            },
        )
    result.offers = [o for o, _ in new]
    result.preemptions = sum(1 for _, f in new if f.preempt)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Picker:
    """Takes the best-ranked people for one block's needs, each person once, within tier quotas."""

    fits: list[Fit]
    slot: Slot
    taken: set[int]
    quota_left: dict[Tier, int]
    picks: list[tuple[SurgeNeed, Fit]] = field(default_factory=list)

    def pick(self, need: SurgeNeed, wanted: int, *, party_only: bool = False) -> None:
        skill = need.skill.code if need.skill is not None else None
        for f in self.fits:
            if wanted <= 0:
                return
            pid = f.candidate.person_id
            if pid in self.taken or (party_only and not f.candidate.party):
                continue
            if qualification(f.candidate, skill, self.slot) is not None:
                continue
            tier = tier_of(f.candidate.distance)
            if self.quota_left.get(tier, 0) <= 0:
                continue
            self.quota_left[tier] -= 1
            self.taken.add(pid)
            self.picks.append((need, f))
            wanted -= 1


def tier_index(tier: Tier) -> int:
    return TIER_ORDER.index(tier)


def place_of_call(session: Session, call: SurgeCall) -> Place:
    return place_of_grid(session, call.grid_id)


# --- answers -----------------------------------------------------------------------------------


def _drop_unsent(session: Session, offer: SurgeOffer, now: datetime, reason: str) -> bool:
    """Drop the call SMS if it has not gone out yet; True if dropped (then no stand-down text is due)."""
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == f"surge_call:sms:{offer.id}")
    )
    if message is not None and message.status is OutboxStatus.PENDING:
        outbox.drop(session=session, message=message, reason=reason, now=now)
        return True
    return False


def stand_down(
    *,
    session: Session,
    offers: Sequence[SurgeOffer],
    status: OfferStatus,
    call: SurgeCall,
    now: datetime,
    settings: NotifySettings,
) -> int:
    """Tell people still asked that they are not needed (or that the call is off); returns how many."""
    rows: list[dict[str, Any] | None] = []
    for o in offers:
        was_coming = o.status in COMING
        o.status = status
        o.answered_at = o.answered_at or now
        if _drop_unsent(session, o, now, f"surge offer {status.value}"):
            continue
        kind = "cancel" if was_coming or status is OfferStatus.WITHDRAWN else "not_needed"
        rows.append(messages.notice_sms(kind, o, o.person, call, settings, now))
    messages.queue(session, rows)
    return len(offers)


def settle_block(
    *, session: Session, call: SurgeCall, block: SurgeBlock, now: datetime, settings: NotifySettings
) -> BlockSeats:
    """After a confirmation: stand down offers whose seats are gone; mark the block and call staffed."""
    offers = call_offers(session, call.id)
    seats = block_seats(call, block, offers, party_ids(session, {o.person_id for o in offers}), now)
    party = party_ids(session, {o.person_id for o in offers if o.block_id == block.id})
    surplus = [
        o
        for o in offers
        if o.block_id == block.id
        and o.status is OfferStatus.OFFERED
        and seats.open_for(o.need_id, party=o.person_id in party) == 0
    ]
    stand_down(
        session=session, offers=surplus, status=OfferStatus.NOT_NEEDED, call=call, now=now, settings=settings
    )
    if seats.staffed and block.staffed_at is None:
        block.staffed_at = now
        if call.staffed_at is None:
            call.staffed_at = now
        audit.record(
            session=session,
            at=now,
            actor="system",
            action="surge.block_staffed",
            entity="surge_call",
            entity_id=call.id,
            detail={"block": block.id, "minutes": minutes_since(call.raised_at, now)},
        )
    return seats


def minutes_since(then: datetime, now: datetime) -> float:
    return round((now - then).total_seconds() / 60, 1)


def refresh_status(*, session: Session, call: SurgeCall, now: datetime, policy: SurgePolicy) -> None:
    if call.status not in (CallStatus.OPEN, CallStatus.STAFFED):
        return
    seats = seats_of(session, call, now)
    blocks = current_blocks(call, now, policy)
    staffed = bool(blocks) and all(seats[b.id].staffed for b in blocks)
    call.status = CallStatus.STAFFED if staffed else CallStatus.OPEN
    session.flush()


def overlapping(session: Session, offer: SurgeOffer) -> tuple[list[SurgeOffer], list[SurgeOffer]]:
    """The person's offers for other blocks at the same time: (coming, still unanswered)."""
    block = offer.block
    others = session.scalars(
        select(SurgeOffer)
        .join(SurgeBlock, SurgeOffer.block_id == SurgeBlock.id)
        .where(
            SurgeOffer.person_id == offer.person_id,
            SurgeOffer.id != offer.id,
            SurgeOffer.status.in_((*COMING, OfferStatus.OFFERED)),
            SurgeBlock.starts_at < block.ends_at,
            SurgeBlock.ends_at > block.starts_at,
        )
        .order_by(SurgeOffer.id)
    ).all()
    return [o for o in others if o.status in COMING], [o for o in others if o.status is OfferStatus.OFFERED]


def lock_block(session: Session, block_id: int) -> SurgeBlock:
    """The block row under a write lock: two confirmations for the last seat are taken one at a time.

    Why a no-op UPDATE rather than SELECT ... FOR UPDATE: SQLite ignores FOR UPDATE, but a write
    takes its database lock (the other writer waits on the busy timeout), and on PostgreSQL the
    UPDATE holds the row lock until commit just as FOR UPDATE would.
    """
    session.execute(update(SurgeBlock).where(SurgeBlock.id == block_id).values(id=SurgeBlock.id))
    block = session.scalar(
        select(SurgeBlock).where(SurgeBlock.id == block_id).execution_options(populate_existing=True)
    )
    assert block is not None
    return block


def load_call(session: Session, call_id: int) -> SurgeCall | None:
    return session.scalar(
        select(SurgeCall)
        .where(SurgeCall.id == call_id)
        .options(selectinload(SurgeCall.needs).selectinload(SurgeNeed.skill), selectinload(SurgeCall.blocks))
    )
