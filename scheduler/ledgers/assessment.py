"""Assessment (考核) of grids and grid workers: load per worker, coverage, fairness, no-shows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scheduler.ledgers.figures import Figures, PersonLoad, ratio
from scheduler.ledgers.records import Records
from scheduler.people.models import Category

if TYPE_CHECKING:
    from scheduler.ledgers.service import UnitRow

# The seed document's overload mark: 13 full-time grid workers for a community, 538 households each
# (昆明市五华区某社区). A grid or community at or above it is flagged as overloaded.
OVERLOAD_HOUSEHOLDS = 538
GRID_WORKERS = (Category.GRID_FULL_TIME, Category.GRID_PART_TIME)


def gini(values: list[int] | list[float]) -> float:
    """Gini coefficient of non-negative values: 0 equal load, towards 1 all load on one person.

    Mean absolute difference over twice the mean; 0.0 for fewer than two people or no load at all.
    """
    n = len(values)
    total = float(sum(values))
    if n < 2 or total <= 0:
        return 0.0
    ordered = sorted(values)
    # Sum over pairs |xi - xj| computed in O(n log n) from the sorted values.
    weighted = sum((2 * (i + 1) - n - 1) * x for i, x in enumerate(ordered))
    return weighted / (n * total)


@dataclass
class UnitAssessment:
    level: str  # "grid" | "community"
    name: str
    parent: str
    households: int
    full_time_workers: int
    figures: Figures
    gini_by_category: dict[Category, float] = field(default_factory=dict)
    response_minutes: float | None = None  # hook: from surge calls when they exist

    @property
    def households_per_worker(self) -> float | None:
        return None if self.full_time_workers == 0 else self.households / self.full_time_workers

    @property
    def overloaded(self) -> bool:
        """At or above the seed's 538 households per full-time worker, or households and no worker."""
        per = self.households_per_worker
        return self.households > 0 and (per is None or per >= OVERLOAD_HOUSEHOLDS)


@dataclass
class WorkerAssessment:
    load: PersonLoad
    grid_name: str
    grid_households: int
    households_per_worker: float | None  # of the worker's home grid
    load_ratio: float | None  # planned hours / mean planned hours of the worker's category in the scope
    response_minutes: float | None = None  # hook: from surge calls when they exist

    @property
    def confirmation_rate(self) -> float | None:
        return ratio(self.load.confirmed, self.load.shifts)

    @property
    def no_show_rate(self) -> float | None:
        return ratio(self.load.no_shows, self.load.attended + self.load.no_shows)


@dataclass
class Assessment:
    units: list[UnitAssessment]
    workers: list[WorkerAssessment]


def assess(*, records: Records, units: list[UnitRow], loads: dict[int, PersonLoad]) -> Assessment:
    figures = {(u.level, u.id): u.figures for u in units}
    ft_by_grid: dict[int, int] = defaultdict(int)
    members: dict[int, list[PersonLoad]] = defaultdict(list)
    for load in loads.values():
        if load.grid_id is None:
            continue
        members[load.grid_id].append(load)
        person = records.people.get(load.person_id)
        if load.category is Category.GRID_FULL_TIME and person is not None and person.active:
            ft_by_grid[load.grid_id] += 1
    out_units: list[UnitAssessment] = []
    for community in sorted(records.communities.values(), key=lambda c: (c.street_id, c.id)):
        grid_rows = []
        community_members: list[PersonLoad] = []
        for grid in community.grids:
            community_members += members[grid.id]
            grid_rows.append(
                UnitAssessment(
                    "grid",
                    grid.name,
                    community.name,
                    grid.households,
                    ft_by_grid[grid.id],
                    figures.get(("grid", grid.id), Figures()),
                    _ginis(members[grid.id]),
                )
            )
        out_units.append(
            UnitAssessment(
                "community",
                community.name,
                community.street.name,
                sum(g.households for g in community.grids),
                sum(ft_by_grid[g.id] for g in community.grids),
                figures.get(("community", community.id), Figures()),
                _ginis(community_members),
            )
        )
        out_units += grid_rows
    means = {c: _mean([p.planned_minutes for p in loads.values() if p.category is c]) for c in GRID_WORKERS}
    workers = []
    for load in sorted(loads.values(), key=lambda p: (p.grid, p.category, p.name)):
        if load.category not in GRID_WORKERS:
            continue
        home = records.grids.get(load.grid_id or -1)
        mean = means[load.category]
        workers.append(
            WorkerAssessment(
                load,
                home.name if home else "",
                home.households if home else 0,
                None if home is None or ft_by_grid[home.id] == 0 else home.households / ft_by_grid[home.id],
                None if not mean else load.planned_minutes / mean,
            )
        )
    return Assessment(out_units, workers)


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0.0


def _ginis(members: list[PersonLoad]) -> dict[Category, float]:
    by_category: dict[Category, list[int]] = defaultdict(list)
    for m in members:
        by_category[m.category].append(m.planned_minutes)
    return {c: gini(v) for c, v in sorted(by_category.items()) if len(v) >= 2}
