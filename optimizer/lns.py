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
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from optimizer.builder import RosterModel
from optimizer.problem import Shift

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


def gap_piece(m: RosterModel, chosen: set[Key], limit: float) -> set[Key]:
    """The variables of everybody who could fill a line the roster ``chosen`` leaves short (their
    whole horizon): the heaviest lines first, each line with all its candidates or not at all, as
    far as the piece stays within ``limit`` variables. Empty when no short line has a candidate
    that fits.

    Why: the street's weak community (seed 2) kept 652,534 points from its greedy roster through
    CP-SAT's whole search (its own LNS pieces are random and miss it): four high-risk evening
    lines were short because the 16 people who could fill them were on other shifts or at their
    weekly cap, and filling them meant a chain through 12 of those people (morning shifts handed
    on, weekend lines given up). Re-solving the 26 candidates of the short lines with everybody
    else fixed found 632,426 and proved it best for that piece in 1.3 s."""
    people: set[str] = set()
    free: set[Key] = set()
    for s, d in short_lines(m, chosen):
        new = [p for p in m.people_on_line[s.id, d] if p not in people]
        keys = [(p, t.id, line) for p in new for t in m.shifts_of[p] for line in m.lines_of[p, t.id]]
        if len(free) + len(keys) > limit:
            continue
        people.update(new)
        free.update(keys)
    return free


def short_lines(m: RosterModel, chosen: set[Key]) -> list[tuple[Shift, int]]:
    """The lines (shift, demand line) the roster ``chosen`` leaves short that somebody could fill,
    the heaviest first, then by start."""
    filled = Counter((shift, line) for _, shift, line in chosen)
    weights = m.problem.weights
    short = [
        (s, d)
        for s in m.problem.shifts
        for d, demand in enumerate(s.demands)
        if filled[s.id, d] < demand.count and m.people_on_line.get((s.id, d))
    ]
    short.sort(key=lambda sd: (-sd[0].under_points(weights), sd[0].start, sd[0].id, sd[1]))
    return short


def window_piece(m: RosterModel, day: int, width: int) -> set[Key]:
    """The variables of everybody on the days within ``width`` days of ``day`` (both sides).

    Why: filling a short line can take a chain through people who cannot fill it themselves
    (Curtois 8, the columns' roster of 1400: a late shift on day 6 short, all 74 night shifts
    already given; re-solving the 13 people who could take it over days 2-10 found nothing, while
    everybody over the same days found 1310 and proved it best for that piece in 1.5 s). The
    random windows of CP-SAT's LNS (and of Neighbourhoods) find it on one seed in four."""
    return {key for key in m.x if abs(m.shifts[key[1]].day - day) <= width}


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
