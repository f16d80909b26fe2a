"""Reject contradictory or malformed input before solving, naming the offending item."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from optimizer.eligibility import declined_pairs, may_fill
from optimizer.problem import MINUTES_PER_DAY, Problem, Window
from optimizer.windows import overlaps


class ProblemError(ValueError):
    """Input the optimizer cannot use: ``code`` (stable, English) and ``item`` (the id at fault)."""

    def __init__(self, code: str, item: str, message: str) -> None:
        super().__init__(f"{code}: {item}: {message}")
        self.code = code
        self.item = item
        self.message = message


def validate(problem: Problem) -> None:
    """Raise ProblemError for the first problem found; return None when the input is usable."""
    _check_frame(problem)
    _check_shifts(problem)
    _check_people(problem)
    _check_references(problem)
    _check_pins(problem)
    _check_reachable_minimums(problem)


def _fail(code: str, item: object, message: str) -> None:
    raise ProblemError(code, str(item), message)


def _duplicates(kind: str, ids: Iterable[str]) -> None:
    for item, count in Counter(ids).items():
        if count > 1:
            _fail("duplicate_id", item, f"{count} {kind} share this id")


def _check_frame(problem: Problem) -> None:
    if problem.horizon_days <= 0:
        _fail("empty_horizon", problem.horizon_days, "horizon_days must be at least 1")
    if not 0 <= problem.first_weekday <= 6:
        _fail("bad_weekday", problem.first_weekday, "first_weekday must be 0 (Monday) .. 6 (Sunday)")
    rules = problem.rules
    if rules.min_rest_minutes < 0:
        _fail("negative_limit", "min_rest_minutes", "must not be negative")
    if rules.max_minutes_per_day is not None and rules.max_minutes_per_day < 0:
        _fail("negative_limit", "max_minutes_per_day", "must not be negative")
    if rules.max_extra_heads is not None and rules.max_extra_heads < 0:
        _fail("negative_limit", "max_extra_heads", "must not be negative")
    for name in problem.weights.__slots__:
        if getattr(problem.weights, name) < 0:
            _fail("negative_weight", name, "weights must not be negative")
    _duplicates("people", (p.id for p in problem.people))
    _duplicates("shifts", (s.id for s in problem.shifts))


def _check_shifts(problem: Problem) -> None:
    known = problem.known_skills
    if known is None:
        known = frozenset(k.name for p in problem.people for k in p.skills)
    for s in problem.shifts:
        if s.end <= s.start:
            _fail("shift_ends_before_start", s.id, f"ends at minute {s.end}, not after its start {s.start}")
        if not 0 <= s.day < problem.horizon_days or s.start < 0:
            _fail("shift_outside_horizon", s.id, f"day {s.day} is outside 0..{problem.horizon_days - 1}")
        if s.start // MINUTES_PER_DAY != s.day:
            _fail("shift_day_mismatch", s.id, f"starts at minute {s.start}, which is not on day {s.day}")
        for line, d in enumerate(s.demands):
            if d.count < 0:
                _fail("negative_demand", s.id, f"demand line {line} asks for {d.count} people")
            if d.skill is not None and d.skill not in known:
                _fail("unknown_skill", s.id, f"demand line {line} needs unknown skill {d.skill!r}")
        for need in s.needs:
            if need.count < 0:
                _fail("negative_demand", s.id, f"need {need.tag!r} asks for {need.count} people")
        for name in ("under_weight", "over_weight"):
            value = getattr(s, name)
            if value is not None and value < 0:
                _fail("negative_weight", s.id, f"{name} must not be negative")


def _check_windows(person_id: str, windows: Iterable[Window]) -> None:
    for w in windows:
        if w.end <= w.start:
            _fail("window_ends_before_start", person_id, f"window [{w.start}, {w.end}) is empty")


def _check_people(problem: Problem) -> None:
    for p in problem.people:
        _check_windows(p.id, p.available or ())
        _check_windows(p.id, p.absences)
        limits = {
            "max_minutes_per_day": p.max_minutes_per_day,
            "max_minutes_per_week": p.max_minutes_per_week,
            "max_minutes_total": p.max_minutes_total,
            "min_minutes_total": p.min_minutes_total,
            "max_consecutive_days": p.max_consecutive_days,
            "min_consecutive_days": p.min_consecutive_days,
            "min_consecutive_days_off": p.min_consecutive_days_off,
            "max_weekends": p.max_weekends,
            **{f"max_shifts_of_type({t})": n for t, n in p.max_shifts_by_type},
        }
        for name, value in limits.items():
            if value is not None and value < 0:
                _fail("negative_limit", p.id, f"{name} is {value}")
        for low, high in (
            ("min_minutes_total", "max_minutes_total"),
            ("min_consecutive_days", "max_consecutive_days"),
        ):
            if limits[low] is not None and limits[high] is not None and limits[low] > limits[high]:  # type: ignore[operator]
                _fail("min_above_max", p.id, f"{low} {limits[low]} is above {high} {limits[high]}")
        if p.max_consecutive_days == 0 and p.min_consecutive_days:
            _fail("min_above_max", p.id, "min_consecutive_days with max_consecutive_days 0")


def _check_references(problem: Problem) -> None:
    people = {p.id for p in problem.people}
    shifts = {s.id for s in problem.shifts}
    for index, r in enumerate(problem.requests):
        if r.person_id not in people:
            _fail("unknown_person", r.person_id, f"request {index} is for an unknown person")
        if r.shift_id is not None and r.shift_id not in shifts:
            _fail("unknown_shift", r.shift_id, f"request {index} names an unknown shift")
        if r.shift_id is None and r.day is None:
            _fail("request_matches_nothing", str(index), "a request needs shift_id or day")
        if r.weight < 0:
            _fail("negative_weight", str(index), f"request weight {r.weight} is negative")
    for pin in problem.pins:
        if pin.person_id not in people:
            _fail("unknown_person", pin.person_id, f"pin on shift {pin.shift_id} is for an unknown person")
        if pin.shift_id not in shifts:
            _fail("unknown_shift", pin.shift_id, f"pin of {pin.person_id} names an unknown shift")


def _check_pins(problem: Problem) -> None:
    people = {p.id: p for p in problem.people}
    shifts = {s.id: s for s in problem.shifts}
    declined = declined_pairs(problem)
    confirmed = sorted({(p.person_id, p.shift_id) for p in problem.pins if p.assigned})
    for person_id, shift_id in confirmed:
        person, shift = people[person_id], shifts[shift_id]
        if (person_id, shift_id) in declined:
            _fail("pin_conflict", f"{person_id}/{shift_id}", "pinned both on and off this shift")
        if not may_fill(person, shift, declined):
            _fail("pin_not_eligible", f"{person_id}/{shift_id}", "the person may fill no line of the shift")
    by_person: dict[str, list[str]] = {}
    for person_id, shift_id in confirmed:
        by_person.setdefault(person_id, []).append(shift_id)
    rest = problem.rules.min_rest_minutes
    for person_id, shift_ids in by_person.items():
        pinned = sorted((shifts[s] for s in shift_ids), key=lambda s: s.start)
        for a, b in zip(pinned, pinned[1:], strict=False):
            if overlaps(a.start, a.end + rest, b.start, b.end + rest):
                _fail(
                    "pins_clash",
                    person_id,
                    f"pinned shifts {a.id} and {b.id} overlap or leave too little rest",
                )
        top = people[person_id].max_minutes_total
        if top is not None and sum(s.minutes for s in pinned) > top:
            _fail("pins_above_limit", person_id, f"pinned shifts exceed max_minutes_total {top}")
    cap = problem.rules.max_extra_heads
    if cap is not None:
        per_shift = Counter(shift_id for _, shift_id in confirmed)
        for shift_id, count in per_shift.items():
            most = shifts[shift_id].headcount + cap * len(shifts[shift_id].demands)
            if count > most:
                _fail("pins_above_cap", shift_id, f"{count} people pinned, at most {most} fit")


def _check_reachable_minimums(problem: Problem) -> None:
    """min_minutes_total above all the minutes a person could ever work is a contradiction."""
    needy = [p for p in problem.people if p.min_minutes_total]
    if not needy:
        return
    declined = declined_pairs(problem)
    for p in needy:
        reachable = sum(s.minutes for s in problem.shifts if may_fill(p, s, declined))
        cap = p.max_minutes_total if p.max_minutes_total is not None else reachable
        if min(reachable, cap) < (p.min_minutes_total or 0):
            _fail(
                "min_minutes_unreachable",
                p.id,
                f"at most {reachable} minutes of shifts are open to this person",
            )
