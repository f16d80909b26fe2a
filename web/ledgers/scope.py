"""Narrow a street's ledger to a community coordinator's communities (grid leaders see only their own).

Why here: ``build_ledger`` works per street; a community coordinator holds only part of one, so the
rows of other communities are dropped and the street total is summed again from what is left.
"""

from __future__ import annotations

from dataclasses import replace

from scheduler.ledgers import service as ledgers
from scheduler.ledgers.figures import Figures
from scheduler.ledgers.service import Ledger, UnitRow
from scheduler.territory.models import Community


def narrow(ledger: Ledger, communities: list[Community]) -> Ledger:
    community_ids = {c.id for c in communities}
    community_names = {c.name for c in communities}
    grid_ids = {g.id for c in communities for g in c.grids}
    grid_names = {g.name for c in communities for g in c.grids}
    total = Figures()
    kept_units: list[UnitRow] = []
    for u in ledger.units:
        if u.level == "street":
            kept_units.append(replace(u, figures=total))  # summed below from the kept communities
        elif (u.level == "community" and u.id in community_ids) or (u.level == "grid" and u.id in grid_ids):
            kept_units.append(u)
            if u.level == "community":
                total.add(u.figures)
    people = [p for p in ledger.people if p.grid_id in grid_ids]
    person_ids = {p.person_id for p in people}
    return replace(
        ledger,
        units=kept_units,
        people=people,
        # The category table of the kept people only, computed as the ledger computes it.
        categories=ledgers.category_rows({p.person_id: p for p in people}),
        quota=[q for q in ledger.quota if q.person_id in person_ids],
        unmet=[u for u in ledger.unmet if u.grid in grid_names],
        messages=[],  # counted per street: a community's share cannot be told apart
        surges=None if ledger.surges is None else [s for s in ledger.surges if s.grid in grid_names],
        assessment=replace(
            ledger.assessment,
            units=[
                u
                for u in ledger.assessment.units
                if (u.level == "community" and u.name in community_names)
                or (u.level == "grid" and u.name in grid_names and u.parent in community_names)
            ],
            workers=[w for w in ledger.assessment.workers if w.load.grid_id in grid_ids],
        ),
        notes=[*ledger.notes, "仅含本社区：" + "、".join(sorted(community_names))],
    )
