"""Soft: team composition — 党员先锋岗 (a party member leads, kind "party_lead") and other needs
such as a professional or an experienced hand on the shift; each person lacking costs points."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def composition(m: RosterModel) -> None:
    weights = m.problem.weights
    for shift in m.problem.shifts:
        for index, need in enumerate(shift.needs):
            weight = weights.party_lead if need.kind == "party_lead" else weights.composition
            if weight == 0 or need.count <= 0:
                continue
            tagged = [p for p in m.people_on_shift.get(shift.id, []) if need.tag in m.people[p].tags]
            present = cp_model.LinearExpr.sum([m.on(p, shift.id) for p in tagged])
            lacking = m.excess(need.count - present, need.count, f"lacking[{shift.id}#{index}|{need.tag}]")
            m.penalise(lacking, weight, kind=need.kind, subject=shift.id)
