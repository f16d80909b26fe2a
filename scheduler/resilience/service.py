"""The resilience (韧性) check of a roster: what if 10 %, 20 %, 30 % of people are suddenly unavailable."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.clock import iso_week
from scheduler.errors import ValidationError
from scheduler.people.models import Skill
from scheduler.resilience.simulate import ANY, RateOutcome, simulate
from scheduler.rosters import service as rosters
from scheduler.rosters.models import AssignmentStatus
from scheduler.rosters.planning import LIVE, build_problem
from scheduler.territory.models import Grid

DEFAULT_RATES = (10.0, 20.0, 30.0)
DEFAULT_SAMPLES = 20
MAX_SAMPLES = 2000
# A grid or skill "breaks" at the lowest tested rate whose expected coverage is this far (5
# percentage points) below its coverage with nobody lost.
BREAK_DROP = 0.05


@dataclass(frozen=True)
class Break:
    key: str  # grid id or skill code ("*": no skill)
    name: str
    rate: float  # percent lost at which it breaks
    coverage: float  # expected coverage at that rate
    baseline: float  # coverage with nobody lost


@dataclass
class ResilienceReport:
    roster_id: int
    week: str
    people: int
    required: int
    roster_filled: int
    baseline_filled: int
    samples: int
    seed: int
    seconds: float
    rates: list[RateOutcome]
    grids_breaking: list[Break]  # first to break first
    skills_breaking: list[Break]
    grid_names: dict[str, str] = field(default_factory=dict)
    skill_names: dict[str, str] = field(default_factory=dict)
    dropped: int = 0  # roster pairs breaking a hard rule, left out of the baseline
    method: str = "greedy repair (optimizer.greedy order and rules) of the shifts that lost someone"

    def rate(self, percent: float) -> RateOutcome:
        return next(r for r in self.rates if r.rate == percent)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for r in out["rates"]:
            r["by_grid"] = {self.grid_names.get(k, k): v for k, v in r["by_grid"].items()}
            r["by_skill"] = {self.skill_names.get(k, k): v for k, v in r["by_skill"].items()}
            r["standby"] = {self.skill_names.get(k, k): v for k, v in r["standby"].items()}
        return out


def check_rates(rates: list[float] | tuple[float, ...], samples: int) -> list[float]:
    if not rates:
        raise ValidationError("bad_rate", "至少给出一个减员比例", "give at least one rate")
    for r in rates:
        if not 0 <= r <= 100:
            raise ValidationError(
                "bad_rate",
                f"减员比例必须在 0% 到 100% 之间：{r:g}%",
                f"a rate must lie between 0 % and 100 %: {r:g} %",
            )
    if not 1 <= samples <= MAX_SAMPLES:
        raise ValidationError(
            "bad_samples",
            f"模拟次数必须在 1 到 {MAX_SAMPLES} 之间：{samples}",
            f"samples must lie between 1 and {MAX_SAMPLES}: {samples}",
        )
    return sorted(set(float(r) for r in rates))


def parse_rates(text: str) -> list[float]:
    """'10,20,30' (percent; a trailing % is fine) -> [10.0, 20.0, 30.0]."""
    try:
        return [float(part.strip().rstrip("%")) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise ValidationError(
            "bad_rate",
            f"减员比例应写作 10,20,30 这样的百分数：{text!r}",
            f"rates must look like 10,20,30: {text!r}",
        ) from exc


def resilience(
    *,
    session: Session,
    roster_id: int,
    rates: list[float] | tuple[float, ...] = DEFAULT_RATES,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 1,
) -> ResilienceReport:
    """Simulate losing each rate of the street's pool ``samples`` times (seeded); reads, never writes."""
    checked = check_rates(rates, samples)
    roster = rosters.get_roster(session=session, roster_id=roster_id)
    declined = tuple(
        (a.person_id, a.shift_id) for a in roster.assignments if a.status is AssignmentStatus.DECLINED
    )
    planning = build_problem(
        session=session, street_id=roster.street_id, week_start=roster.week_start, forbid=declined
    )
    pairs = [(str(a.person_id), str(a.shift_id)) for a in roster.assignments if a.status in LIVE]
    started = time.perf_counter()
    sim = simulate(planning.problem, pairs, rates=checked, samples=samples, seed=seed)
    seconds = time.perf_counter() - started
    grid_names = {str(g.id): g.name for g in session.scalars(select(Grid))}
    skill_names = {s.code: s.name_zh for s in session.scalars(select(Skill))} | {ANY: "不限"}
    return ResilienceReport(
        roster_id=roster.id,
        week=iso_week(roster.week_start),
        people=sim.people,
        required=sim.required,
        roster_filled=sim.roster_filled,
        baseline_filled=sim.baseline_filled,
        samples=samples,
        seed=seed,
        seconds=round(seconds, 3),
        rates=sim.rates,
        grids_breaking=_breaks(sim.rates, sim.baseline_by_grid, "grid", grid_names),
        skills_breaking=_breaks(sim.rates, sim.baseline_by_skill, "skill", skill_names),
        grid_names=grid_names,
        skill_names=skill_names,
        dropped=sim.dropped,
    )


def _breaks(
    rates: list[RateOutcome], baseline: dict[str, float], kind: str, names: dict[str, str]
) -> list[Break]:
    out = []
    for key, base in baseline.items():
        for r in rates:
            cov = (r.by_grid if kind == "grid" else r.by_skill).get(key, 1.0)
            if cov < base - BREAK_DROP:
                out.append(Break(key, names.get(key, key), r.rate, cov, base))
                break
    return sorted(out, key=lambda b: (b.rate, b.coverage, b.name))
