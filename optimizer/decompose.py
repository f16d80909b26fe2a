"""Split a problem into independent parts: connected components of the person–shift eligibility
graph. Every README term is per person or per shift, so parts share no constraint or penalty."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.eligibility import Triple
from optimizer.problem import Person, Problem, Shift


@dataclass(frozen=True, slots=True)
class Part:
    """One independent sub-problem; ``request_index[i]`` is request i's index in the whole problem."""

    problem: Problem
    triples: tuple[Triple, ...]
    request_index: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.triples)


def roams(person: Person, shift: Shift) -> bool:
    """The person may fill a line of this shift only through a street-wide skill (territory)."""
    return (
        person.communities is not None
        and shift.community_id is not None
        and shift.community_id not in person.communities
    )


def split(problem: Problem, triples: Sequence[Triple]) -> list[Part]:
    """Parts ordered small to large; people and shifts without any variable form one last part.

    Parts are the connected components of the graph of home triples (the person serves the
    shift's community). A street-wide person's roaming triples would weld every community into
    one part; instead the person is copied into each part they roam into ("bridge" copies). Each
    copy keeps the person's hard rules but none of their person-level soft terms (fairness, quota,
    wishes), so every part is a relaxation of its piece and the sum of the parts' bounds is a
    valid bound of the whole; the joined roster is then repaired (see solve._join_bridged).
    """
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for person, shift, _ in triples:
        a, b = f"p:{person.id}", f"s:{shift.id}"
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        if roams(person, shift):
            continue
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    idle = "idle"  # the part of everything no variable touches
    people_of: dict[str, list[Person]] = {}
    shifts_of: dict[str, list[Shift]] = {}
    for p in problem.people:
        people_of.setdefault(root(f"p:{p.id}") if f"p:{p.id}" in parent else idle, []).append(p)
    for s in problem.shifts:
        shifts_of.setdefault(root(f"s:{s.id}") if f"s:{s.id}" in parent else idle, []).append(s)
    triples_of: dict[str, list[Triple]] = {}
    visitors: dict[str, dict[str, Person]] = {}  # part -> bridge people copied into it
    for triple in triples:
        key = root(f"s:{triple[1].id}")
        triples_of.setdefault(key, []).append(triple)
        if roams(triple[0], triple[1]) and root(f"p:{triple[0].id}") != key:
            visitors.setdefault(key, {})[triple[0].id] = triple[0]
    bridges = {pid for guests in visitors.values() for pid in guests}
    if len(set(people_of) | set(shifts_of)) <= 1:
        return [Part(problem, tuple(triples), tuple(range(len(problem.requests))))]
    keys = sorted(set(people_of) | set(shifts_of), key=lambda k: (k == idle, len(triples_of.get(k, [])), k))
    return [
        _part(
            problem,
            _relaxed(people_of.get(k, []) + list(visitors.get(k, {}).values()), bridges),
            shifts_of.get(k, []),
            triples_of.get(k, []),
            bridges,
        )
        for k in keys
    ]


def bridge_people(parts: Sequence[Part]) -> set[str]:
    """People copied into more than one part."""
    seen: dict[str, int] = {}
    for part in parts:
        for p in part.problem.people:
            seen[p.id] = seen.get(p.id, 0) + 1
    return {pid for pid, n in seen.items() if n > 1}


def _relaxed(people: list[Person], bridges: set[str]) -> list[Person]:
    """Bridge people without their person-level soft terms (which only a whole roster can count)."""
    return [
        dataclasses.replace(p, fair_share_minutes=None, quota_minutes_due=0) if p.id in bridges else p
        for p in people
    ]


def _part(
    problem: Problem, people: list[Person], shifts: list[Shift], triples: list[Triple], bridges: set[str]
) -> Part:
    person_ids, shift_ids = {p.id for p in people}, {s.id for s in shifts}
    requests = [
        (i, r)
        for i, r in enumerate(problem.requests)
        if r.person_id in person_ids and r.person_id not in bridges
    ]
    sub = dataclasses.replace(
        problem,
        people=tuple(people),
        shifts=tuple(shifts),
        requests=tuple(r for _, r in requests),
        pins=tuple(p for p in problem.pins if p.shift_id in shift_ids),
        # Kept whole: "previous is non-empty" switches the change term on in every part, and
        # changes() itself counts only the pairs whose shift is in the part.
        previous=problem.previous,
    )
    return Part(sub, tuple(triples), tuple(i for i, _ in requests))


def empty_roster_cost(problem: Problem) -> int:
    """Objective of the roster with nobody assigned: what a part not solved yet stands for in
    progress reports (an upper estimate, exact for the idle part)."""
    w = problem.weights
    points = 0
    for s in problem.shifts:
        under = s.under_points(w)
        points += under * s.headcount
        points += sum(n.count * (w.party_lead if n.kind == "party_lead" else w.composition) for n in s.needs)
    shift_ids = {s.id for s in problem.shifts}
    points += w.change * sum(1 for _, s in problem.previous if s in shift_ids)
    points += sum(
        w.quota_per_hour * -(-p.quota_minutes_due // 60) for p in problem.people if p.quota_minutes_due > 0
    )
    points += sum(r.weight * w.preference for r in problem.requests if r.wanted)
    return points
