"""Surge calls (网格呼叫、街区响应、部门报到) in ledgers: a row per call, response times for the assessment.

``surge_calls`` reads the after-action records (scheduler/surge/after_action.py) of the calls raised
in the period at the grids of the scope. ``apply_response_minutes`` fills the assessment's
response-time columns: per grid and community, the mean minutes from a call to the first person on
the spot; per grid worker, the mean minutes from being asked to saying yes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from scheduler.ledgers.periods import Period
from scheduler.surge.after_action import calls_between
from scheduler.surge.models import COMING, TIER_LABELS_ZH, OfferStatus, SurgeCall, SurgeOffer, Tier
from scheduler.territory.models import Community, Grid, Street

if TYPE_CHECKING:
    from scheduler.ledgers.assessment import Assessment


@dataclass(frozen=True, slots=True)
class SurgeRow:
    call_id: int
    grid: str
    raised_at: datetime
    asked: int  # people asked for
    answered: int  # people who came (checked in on the spot)
    response_minutes: float | None  # raised → first person on the spot
    level: str  # the tier it had to reach: 社区 / 街道 / 部门报到


def _grids(session: Session, streets: list[Street]) -> dict[int, tuple[str, str, str]]:
    """grid id → (grid name, community name, street name) of the scope."""
    rows = session.execute(
        select(Grid.id, Grid.name, Community.name, Community.street_id)
        .join(Community, Grid.community_id == Community.id)
        .where(Community.street_id.in_([s.id for s in streets]))
    ).all()
    street_names = {s.id: s.name for s in streets}
    return {g: (name, community, street_names[street]) for g, name, community, street in rows}


def surge_calls(*, session: Session, streets: list[Street], period: Period) -> list[SurgeRow] | None:
    """None: no surge call was ever raised here (the ledger says so instead of showing zero)."""
    if not session.scalar(select(exists().where(SurgeCall.id.is_not(None)))):
        return None
    grids = _grids(session, streets)
    return [
        SurgeRow(
            call_id=r.call_id,
            grid=grids[r.grid_id][0],
            raised_at=r.raised_at,
            asked=r.needed,
            answered=r.arrived,
            response_minutes=r.first_arrival_minutes,
            level=TIER_LABELS_ZH[Tier(r.tier_reached)],
        )
        for r in calls_between(session, list(grids), period.starts_at, period.ends_at)
    ]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def apply_response_minutes(
    *, session: Session, assessment: Assessment, streets: list[Street], period: Period
) -> None:
    """Fill the assessment's response times from the period's surge calls (left None where none)."""
    grids = _grids(session, streets)
    records = calls_between(session, list(grids), period.starts_at, period.ends_at)
    if not records:
        return
    by_unit: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for r in records:
        if r.first_arrival_minutes is None:
            continue
        grid, community, street = grids[r.grid_id]
        by_unit["grid", grid, community].append(r.first_arrival_minutes)
        by_unit["community", community, street].append(r.first_arrival_minutes)
    for unit in assessment.units:
        unit.response_minutes = _mean(by_unit.get((unit.level, unit.name, unit.parent), []))
    answers: dict[int, list[float]] = defaultdict(list)
    for person_id, offered_at, answered_at in session.execute(
        select(SurgeOffer.person_id, SurgeOffer.offered_at, SurgeOffer.answered_at).where(
            SurgeOffer.call_id.in_([r.call_id for r in records]),
            SurgeOffer.via == "offer",
            SurgeOffer.status.in_((*COMING, OfferStatus.DECLINED)),
            SurgeOffer.answered_at.is_not(None),
        )
    ):
        if answered_at is not None:
            answers[person_id].append((answered_at - offered_at).total_seconds() / 60)
    for worker in assessment.workers:
        worker.response_minutes = _mean(answers.get(worker.load.person_id, []))
