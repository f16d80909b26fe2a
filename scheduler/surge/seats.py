"""Seats of a block: how many people each need still lacks, counting the party-member lead (党员带队).

The lead is not an extra person: one seat of the lead need (the general need, or else the largest)
is kept for a party member until one is coming, as the roster does with 党员先锋岗.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from scheduler.surge.models import COMING, OfferStatus, SurgeBlock, SurgeCall, SurgeNeed, SurgeOffer


def lead_need(call: SurgeCall) -> SurgeNeed | None:
    """The need whose one seat is kept for a party member; None when the call needs no lead or none exists."""
    if not call.needs_party_lead or not call.needs or lead_unfillable(call):
        return None
    general = [n for n in call.needs if n.skill_id is None]
    return general[0] if general else max(call.needs, key=lambda n: (n.count, -n.id))


def lead_unfillable(call: SurgeCall) -> bool:
    return any(u.get("need") == "lead" and u.get("missing_all") for u in call.unfillable)


@dataclass(frozen=True, slots=True)
class NeedSeats:
    need: SurgeNeed
    coming: int  # confirmed, on the way or arrived
    outstanding: int  # asked, answer window still open
    party_outstanding: int

    @property
    def missing(self) -> int:
        return max(0, self.need.count - self.coming)


@dataclass(frozen=True, slots=True)
class BlockSeats:
    block: SurgeBlock
    needs: tuple[NeedSeats, ...]
    lead: SurgeNeed | None
    lead_covered: bool  # a party member is coming (or no lead is needed)

    def of(self, need_id: int) -> NeedSeats:
        return next(n for n in self.needs if n.need.id == need_id)

    @property
    def missing(self) -> int:
        return sum(n.missing for n in self.needs)

    @property
    def staffed(self) -> bool:
        return self.missing == 0 and self.lead_covered

    def open_for(self, need_id: int, *, party: bool) -> int:
        """Seats of this need a person may still take: a non-member cannot take the kept lead seat."""
        seats = self.of(need_id)
        if self.lead is not None and not self.lead_covered and need_id == self.lead.id and not party:
            return max(0, seats.missing - 1)
        return seats.missing


def block_seats(
    call: SurgeCall, block: SurgeBlock, offers: Iterable[SurgeOffer], party: set[int], now: datetime
) -> BlockSeats:
    """Seat counts of one block from its offers; ``party``: ids of the party members among them."""
    coming: dict[int, int] = {}
    outstanding: dict[int, int] = {}
    party_outstanding: dict[int, int] = {}
    lead_covered = not call.needs_party_lead or lead_unfillable(call)
    for o in offers:
        if o.block_id != block.id:
            continue
        if o.status in COMING:
            coming[o.need_id] = coming.get(o.need_id, 0) + 1
            if o.person_id in party:
                lead_covered = True
        elif o.status is OfferStatus.OFFERED and o.expires_at > now:
            outstanding[o.need_id] = outstanding.get(o.need_id, 0) + 1
            if o.person_id in party:
                party_outstanding[o.need_id] = party_outstanding.get(o.need_id, 0) + 1
    return BlockSeats(
        block,
        tuple(
            NeedSeats(n, coming.get(n.id, 0), outstanding.get(n.id, 0), party_outstanding.get(n.id, 0))
            for n in call.needs
        ),
        lead_need(call),
        lead_covered,
    )
