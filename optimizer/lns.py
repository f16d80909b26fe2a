"""Large-neighbourhood search: keep most of the best roster fixed and let CP-SAT re-solve the rest.

Why: on two cores CP-SAT runs one or two full-model workers and hardly any of its own LNS
workers, and a full search over a long horizon improves slowly. Re-solving small pieces of the
same model (the same rule families, no second model) with the rest fixed finds better rosters
fast. Pieces: a few people (their whole horizon), a window of days (everybody), or a few people
over a longer window. Sizes adapt: a piece solved to optimality grows, one that ran out of time
shrinks.

The bound never comes from here: with most variables fixed, CP-SAT's bound is the bound of the
piece, not of the problem (solve.py keeps the bound of the full model).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from optimizer.builder import RosterModel

Key = tuple[str, str, int]  # (person, shift, line)

KINDS = ("people", "days", "people_days")
START_FRACTION = 0.3
MIN_FRACTION = 0.02
GROW = 1.3


class Neighbourhoods:
    """Chooses the free variables of each move, round robin over KINDS, seeded."""

    def __init__(self, m: RosterModel, seed: int) -> None:
        self.rng = random.Random(seed)
        self.by_person: dict[str, list[Key]] = defaultdict(list)
        self.by_day: dict[int, list[Key]] = defaultdict(list)
        for key in m.x:
            self.by_person[key[0]].append(key)
            self.by_day[m.shifts[key[1]].day].append(key)
        self.people = sorted(self.by_person)
        self.days = sorted(self.by_day)
        self.fraction = dict.fromkeys(KINDS, START_FRACTION)
        self.moves = 0
        self.kind = KINDS[0]

    def next(self) -> set[Key]:
        """The variables to free in the next move."""
        self.kind = KINDS[self.moves % len(KINDS)]
        self.moves += 1
        f = self.fraction[self.kind]
        if self.kind == "people":
            return self._people(f)
        if self.kind == "days":
            return self._days(f)
        # Twice as many people over a window twice as long as the "days" move.
        people, days = self._people(min(1.0, 2 * f)), self._days(min(1.0, 2 * f))
        return people & days

    def learn(self, solved: bool) -> None:
        """``solved``: the last piece was solved to optimality (so a bigger one may pay)."""
        f = self.fraction[self.kind]
        self.fraction[self.kind] = min(1.0, f * GROW) if solved else max(MIN_FRACTION, f / GROW)

    def _people(self, fraction: float) -> set[Key]:
        count = max(1, min(len(self.people), round(fraction * len(self.people))))
        return {key for p in self.rng.sample(self.people, count) for key in self.by_person[p]}

    def _days(self, fraction: float) -> set[Key]:
        width = max(1, min(len(self.days), round(fraction * len(self.days))))
        first = self.rng.randrange(len(self.days) - width + 1)
        return {key for d in self.days[first : first + width] for key in self.by_day[d]}


@contextmanager
def fixed(m: RosterModel, chosen: set[Key], free: set[Key]) -> Iterator[None]:
    """Within the block, every decision variable outside ``free`` is fixed to its value in the
    roster ``chosen`` and the free ones are hinted with it; afterwards the model is as before."""
    variables = m.model.proto.variables
    m.model.clear_hints()  # type: ignore[no-untyped-call]
    pinned: list[int] = []
    for key, x in m.x.items():
        value = int(key in chosen)
        if key in free:
            m.model.add_hint(x, bool(value))
            continue
        domain = variables[x.index].domain
        if domain[0] != domain[1]:
            domain[0] = domain[1] = value
            pinned.append(x.index)
    try:
        yield
    finally:
        for index in pinned:
            domain = variables[index].domain
            domain[0], domain[1] = 0, 1
        m.model.clear_hints()  # type: ignore[no-untyped-call]
