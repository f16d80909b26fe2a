"""Output dataclasses of the optimizer: assignments, unmet demands with reasons, penalty ledger."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class SolveStatus(enum.StrEnum):
    OPTIMAL = "optimal"  # proven: objective == bound
    FEASIBLE = "feasible"  # a roster, with a bound; see Solution.gap
    NO_ROSTER = "no_roster"  # time ran out before any roster; never returned when a pin-free roster exists


class UnmetReason(enum.StrEnum):
    """Why a demand is short, computed from the data, never from solver internals."""

    NO_SKILL = "no_skill"  # nobody in the pool holds the skill (valid on the shift's date)
    NOT_ELIGIBLE = "not_eligible"  # skilled people exist, but fitness limits or type caps exclude all
    UNAVAILABLE = "unavailable"  # everyone qualified is unavailable or absent at that time
    AT_LIMIT = "at_limit"  # everyone qualified and available is at an hours cap or blocked by rest
    BUSY = "busy"  # everyone qualified and available is on another shift at that time
    TOO_FEW = "too_few"  # some could come but fewer than needed (the rest are busy or capped)


@dataclass(frozen=True, slots=True)
class Assignment:
    person_id: str
    shift_id: str
    demand_index: int = 0  # which Demand line of the shift the person fills


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What would fill a gap: ``count`` more people with ``skill`` available in [start, end),
    or relaxing ``rule`` for the listed people."""

    count: int
    skill: str | None
    start: int
    end: int
    rule: str | None = None
    people: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unmet:
    shift_id: str
    missing: int
    reason: UnmetReason
    skill: str | None = None
    demand_index: int = 0
    # Counts behind the reason, for the coordinator: qualified → available → free.
    qualified: int = 0
    available: int = 0
    blocked_by: tuple[tuple[str, str], ...] = ()  # (person_id, rule name) for available people
    suggestion: Suggestion | None = None


@dataclass(frozen=True, slots=True)
class PenaltyLine:
    """One row of the breakdown: ``amount`` in the kind's real unit, ``points`` in the objective."""

    kind: str
    subject: str
    amount: int
    points: int


@dataclass(frozen=True, slots=True)
class SolveStats:
    seconds: float = 0.0
    variables: int = 0
    constraints: int = 0
    components: int = 1
    workers: int = 1
    branches: int = 0
    conflicts: int = 0
    solutions: int = 0


@dataclass(frozen=True, slots=True)
class Progress:
    """Reported on each better roster: objective and bound as they improve."""

    objective: int
    bound: int
    seconds: float
    solutions: int
    limit: float = 0.0  # the solve's time limit in seconds (SolveParams.time_limit)

    @property
    def gap(self) -> float:
        return gap(self.objective, self.bound)


def gap(objective: int, bound: int) -> float:
    """(objective − bound) / objective; 0.0 when both are 0 (a perfect roster)."""
    if objective <= 0:
        return 0.0
    return max(0.0, (objective - bound) / objective)


@dataclass(frozen=True, slots=True)
class Solution:
    status: SolveStatus
    assignments: tuple[Assignment, ...]
    unmet: tuple[Unmet, ...]
    breakdown: tuple[PenaltyLine, ...]
    objective: int
    bound: int
    stats: SolveStats = field(default_factory=SolveStats)

    @property
    def gap(self) -> float:
        return gap(self.objective, self.bound)

    def people_on(self, shift_id: str) -> set[str]:
        return {a.person_id for a in self.assignments if a.shift_id == shift_id}

    def shifts_of(self, person_id: str) -> set[str]:
        return {a.shift_id for a in self.assignments if a.person_id == person_id}

    def points_by_kind(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for line in self.breakdown:
            totals[line.kind] = totals.get(line.kind, 0) + line.points
        return totals
