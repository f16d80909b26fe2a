"""Hard: working minutes stay within each person's caps per day and per week, and between the
person's minimum and maximum over the whole horizon."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from optimizer.problem import Shift
from optimizer.windows import week_of

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def hours(m: RosterModel) -> None:
    for person in m.problem.people:
        shifts = m.shifts_of.get(person.id, [])
        by_day: dict[int, list[Shift]] = defaultdict(list)
        by_week: dict[int, list[Shift]] = defaultdict(list)
        for s in shifts:
            by_day[s.day].append(s)
            by_week[week_of(m.problem, s.day)].append(s)
        day_cap = m.day_cap(person)
        for day_shifts in by_day.values():
            if day_cap is not None and sum(s.minutes for s in day_shifts) > day_cap:
                m.model.add(m.load(person.id, day_shifts) <= day_cap)
                if m.at_most_one_a_day(person.id, day_shifts):
                    m.model.add_at_most_one(m.on(person.id, s.id) for s in day_shifts)
        week_cap = person.max_minutes_per_week
        for week_shifts in by_week.values():
            if week_cap is not None and sum(s.minutes for s in week_shifts) > week_cap:
                m.model.add(m.load(person.id, week_shifts) <= week_cap)
                _shift_mixes(m, person.id, week_shifts, week_cap)
        top, bottom = person.max_minutes_total, person.min_minutes_total
        if top is not None and sum(s.minutes for s in shifts) > top:
            m.model.add(m.load(person.id) <= top)
        if bottom is not None and bottom > 0:
            m.model.add(m.load(person.id) >= bottom)


MAX_LENGTHS = 4  # distinct shift lengths in one capped week
MAX_MIXES = 40  # most-filled mixes of them


def _shift_mixes(m: RosterModel, person_id: str, shifts: list[Shift], cap: int) -> None:
    """The capped week again, as a choice among its most-filled mixes of shift lengths.

    Why: the cap alone lets the LP fill a week with fractions of shifts (a 360-minute cap with
    150- and 120-minute shifts: 0.8 of a long shift and two short ones), so the bound of a street
    whose shortfall comes from people's weekly hours stayed up to 4 % under its roster. With one
    literal per most-filled mix (how many shifts of each length; exactly one chosen), and each
    length's count at most what the chosen mix allows, the LP sees exactly the whole-shift weeks
    (the convex hull of the counts). And a shift of length L is on only if the chosen mix has
    an L ("uses" literal, one implication per shift): without it the LP mixes "five short shifts"
    with "four long ones" to put one particular short shift fully on beside 3.2 long ones.
    Street seed 5's community 2 (33k variables): bound 434,660 after 5 s (best roster 434,798);
    without the mixes 419,466 after 5 s and 434,746 only after 123 s, with the counts alone
    421,435 after 10 s. A per-person pattern bound (column generation) gives 434,790 there, so
    little is left. Every roster within the cap has its counts under some most-filled mix, and
    its lengths are those of that mix, so no roster is lost.
    """
    by_length: dict[int, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_length[s.minutes].append(s)
    lengths = sorted(by_length)
    if len(lengths) > MAX_LENGTHS:
        return
    most = [min(len(by_length[n]), cap // n) for n in lengths]
    mixes = _filled_mixes(lengths, most, cap)
    if len(mixes) > MAX_MIXES:
        return
    ons = [[m.on(person_id, s.id) for s in by_length[n]] for n in lengths]
    if len(mixes) == 1:
        for on, top in zip(ons, mixes[0], strict=True):
            if top < len(on):
                m.model.add(cp_model.LinearExpr.sum(on) <= top)
        return
    chosen = [m.model.new_bool_var(f"mix[{person_id}|{mix}]") for mix in mixes]
    m.model.add_exactly_one(chosen)
    for i, on in enumerate(ons):
        m.model.add(
            cp_model.LinearExpr.sum(on) <= cp_model.LinearExpr.weighted_sum(chosen, [mix[i] for mix in mixes])
        )
        with_length = [z for z, mix in zip(chosen, mixes, strict=True) if mix[i] > 0]
        if len(with_length) < len(mixes):
            uses = m.model.new_bool_var(f"uses[{person_id}|{lengths[i]}]")
            m.model.add(uses == cp_model.LinearExpr.sum(with_length))
            for works in on:
                m.model.add_implication(works, uses)


def _filled_mixes(lengths: list[int], most: list[int], cap: int) -> list[tuple[int, ...]]:
    """Count vectors (one count per length, each at most ``most``) within ``cap`` minutes to which
    no further shift fits."""
    found: list[tuple[int, ...]] = []

    def walk(i: int, mix: tuple[int, ...], used: int) -> None:
        if i == len(lengths):
            if all(mix[j] == most[j] or used + lengths[j] > cap for j in range(len(lengths))):
                found.append(mix)
            return
        for k in range(min(most[i], (cap - used) // lengths[i]) + 1):
            walk(i + 1, (*mix, k), used + k * lengths[i])

    walk(0, (), 0)
    return found
