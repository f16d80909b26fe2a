"""Input dataclasses of the optimizer: people, shifts with demands, rules, weights, pins.

Everything here is plain data: ids are strings, times are integer minutes from the start of the
horizon (which is local midnight of ``Problem.first_weekday``), days are integer day indexes.
Time zones, ORM rows and languages never reach the optimizer; ``scheduler/rosters/planning.py``
converts them (STYLE.md rule 4).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

MINUTES_PER_DAY = 1440


class Priority(enum.IntEnum):
    """How much a shift's shortfall hurts; the order is emergency > high-risk grid > normal."""

    NORMAL = 0
    HIGH_RISK = 1
    EMERGENCY = 2


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open interval [start, end) in minutes from the horizon start."""

    start: int
    end: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill or certificate; ``valid_until`` is the minute its certificate expires (None: never)."""

    name: str
    valid_until: int | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """One person of the pool, with every hard limit the rules read.

    ``None`` in a limit means "no limit". ``tags`` are attributes that team-composition needs
    look for (``party_member``, ``professional``, ``experienced``, ...); ``category`` is the
    glossary category, used for fair load within each category.
    """

    id: str
    category: str = "volunteer"
    tags: frozenset[str] = frozenset()
    skills: tuple[Skill, ...] = ()
    home_grid: str | None = None
    home_community: str | None = None
    # Communities this person serves (territory); None: any community of the problem.
    communities: frozenset[str] | None = None
    # Skills for which the person serves every community all the same (a street's scarce
    # professionals: their nursing anywhere, their general help only at home).
    street_wide_skills: frozenset[str] = frozenset()
    # Availability: None means available at any time; otherwise a shift must lie inside one window.
    available: tuple[Window, ...] | None = None
    absences: tuple[Window, ...] = ()
    no_night: bool = False  # fitness limit: never on a shift with Shift.night
    no_heavy: bool = False  # fitness limit: never on a shift with Shift.heavy
    # Work limits.
    max_minutes_per_day: int | None = None
    max_minutes_per_week: int | None = None
    max_minutes_total: int | None = None
    min_minutes_total: int | None = None
    max_consecutive_days: int | None = None
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    max_shifts_by_type: tuple[tuple[str, int], ...] = ()
    # Soft targets counted across weeks (双报到双服务): minutes still owed this month.
    quota_minutes_due: int = 0
    # Grids this person served recently (人在格中走): continuity prefers them.
    recent_grids: frozenset[str] = frozenset()
    # No-show rate in per mille from the attendance record; reliable people first for critical shifts.
    no_show_permille: int = 0
    # Fair share of work in this horizon, computed by the caller within the person's category;
    # minutes above it are penalised (None: no fairness term for this person).
    fair_share_minutes: int | None = None

    def skill_valid(self, skill: str, at_minute: int) -> bool:
        return any(
            s.name == skill and (s.valid_until is None or s.valid_until >= at_minute) for s in self.skills
        )

    def max_shifts_of_type(self, task_type: str) -> int | None:
        for kind, limit in self.max_shifts_by_type:
            if kind == task_type:
                return limit
        return None


@dataclass(frozen=True, slots=True)
class Demand:
    """``count`` heads on a shift; ``skill`` None means anyone eligible for the shift will do."""

    count: int
    skill: str | None = None


@dataclass(frozen=True, slots=True)
class CompositionNeed:
    """At least ``count`` people on the shift carry ``tag`` (党员先锋岗: tag "party_member")."""

    tag: str
    count: int = 1
    kind: str = "composition"  # penalty kind: "party_lead" or "composition"


@dataclass(frozen=True, slots=True)
class Shift:
    """A concrete shift: where, when, what, and how many of whom.

    ``day`` is the local day index of the start; ``night`` and ``heavy`` are computed by the caller
    (which knows the local time and the task type's nature).
    """

    id: str
    start: int
    end: int
    day: int
    demands: tuple[Demand, ...]
    task_type: str = "patrol"
    grid_id: str | None = None
    community_id: str | None = None
    priority: Priority = Priority.NORMAL
    needs: tuple[CompositionNeed, ...] = ()
    night: bool = False
    heavy: bool = False
    # Per-shift weight overrides (the Curtois benchmark gives weights per cover line).
    under_weight: int | None = None
    over_weight: int | None = None

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def under_points(self, weights: Weights) -> int:
        """Points per missing head: the shift's own weight where it has one, else its priority's."""
        return self.under_weight if self.under_weight is not None else weights.shortfall(self.priority)

    def over_points(self, weights: Weights) -> int:
        """Points per head beyond a line's count: the shift's own weight, else the common one."""
        return self.over_weight if self.over_weight is not None else weights.overstaff

    @property
    def headcount(self) -> int:
        return sum(d.count for d in self.demands)


@dataclass(frozen=True, slots=True)
class Request:
    """A soft wish: work (``wanted``) or do not work the matching shifts.

    Matches shifts by ``shift_id``, or by ``day`` and optionally ``task_type``. A wanted request
    costs ``weight`` when the person works none of the matching shifts; an unwanted one costs
    ``weight`` for each matching shift worked.
    """

    person_id: str
    weight: int
    wanted: bool
    shift_id: str | None = None
    day: int | None = None
    task_type: str | None = None


@dataclass(frozen=True, slots=True)
class Pin:
    """A fixed decision: ``assigned`` True keeps the person on the shift (a confirmed assignment);
    False forbids it (a decline)."""

    person_id: str
    shift_id: str
    assigned: bool = True


@dataclass(frozen=True, slots=True)
class Succession:
    """Hard: after a shift of ``first`` on day d, no shift of ``then`` on day d+1."""

    first: str
    then: str


@dataclass(frozen=True, slots=True)
class Rules:
    """Rule parameters shared by everybody; per-person limits live on ``Person``."""

    min_rest_minutes: int = 0
    forbidden_successions: tuple[Succession, ...] = ()
    max_minutes_per_day: int | None = None
    # Over-staffing beyond a demand line: allowed (penalised) up to this many extra heads per line;
    # None: no limit (the Curtois benchmark).
    max_extra_heads: int | None = 0


@dataclass(frozen=True, slots=True)
class Weights:
    """Named, tiered weights of the soft goals, in points per unit.

    Order: shortfall (per missing person, by priority) >> party lead >> composition >> changes to
    a published roster >> fairness / quota (per hour) >> preferences >> continuity / closeness.
    """

    shortfall_emergency: int = 100_000
    shortfall_high_risk: int = 20_000
    shortfall_normal: int = 10_000
    overstaff: int = 50
    party_lead: int = 3_000
    composition: int = 1_000
    change: int = 400
    fairness_per_hour: int = 20
    quota_per_hour: int = 15
    preference: int = 1  # multiplier of Request.weight
    continuity: int = 4  # per assignment outside the person's recent grids
    distance_per_level: int = 2  # per level away from home: grid 0, community 1, street 2
    reliability: int = 0  # per mille of no-show rate on high-risk and emergency shifts

    def shortfall(self, priority: Priority) -> int:
        return {
            Priority.EMERGENCY: self.shortfall_emergency,
            Priority.HIGH_RISK: self.shortfall_high_risk,
            Priority.NORMAL: self.shortfall_normal,
        }[priority]


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything one solve needs. ``previous`` is the published roster when re-planning."""

    people: tuple[Person, ...]
    shifts: tuple[Shift, ...]
    horizon_days: int
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)
    requests: tuple[Request, ...] = ()
    pins: tuple[Pin, ...] = ()
    previous: frozenset[tuple[str, str]] = frozenset()  # (person_id, shift_id) pairs
    first_weekday: int = 0  # 0 = Monday; weekends are the days whose weekday is 5 or 6
    known_skills: frozenset[str] | None = None  # None: every skill some person holds

    def weekday(self, day: int) -> int:
        return (self.first_weekday + day) % 7

    def is_weekend(self, day: int) -> bool:
        return self.weekday(day) >= 5
