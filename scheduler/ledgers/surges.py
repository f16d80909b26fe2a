"""Hook for surge calls (网格呼叫、街区响应、部门报到) in ledgers: there is no record of them yet.

When a surge domain exists (scheduler/surges/), ``surge_calls`` reads its calls of the period and
scope and returns one row per call; the ledger, its exports and the assessment's response times
then fill in without other changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from scheduler.ledgers.periods import Period
from scheduler.territory.models import Street


@dataclass(frozen=True, slots=True)
class SurgeRow:
    call_id: int
    grid: str
    raised_at: datetime
    asked: int  # people asked for
    answered: int  # people who came
    response_minutes: float | None  # raised → first person on the spot
    level: str  # grid / street / department (网格 / 街道 / 部门)


def surge_calls(*, session: Session, streets: list[Street], period: Period) -> list[SurgeRow] | None:
    """None: no surge records exist in this installation (the ledger says so instead of showing zero)."""
    return None
