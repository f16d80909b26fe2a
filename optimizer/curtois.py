"""Curtois & Qu benchmark instances: parse, map onto a Problem, and read or write CSV rosters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from optimizer.check import check
from optimizer.problem import (
    MINUTES_PER_DAY,
    Demand,
    Person,
    Problem,
    Request,
    Rules,
    Shift,
    Succession,
    Weights,
    Window,
)
from optimizer.solution import Assignment, Solution, SolveStatus

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class CurtoisFormatError(ValueError):
    """A malformed instance or roster file; ``line`` is 1-based (0: the file as a whole)."""

    def __init__(self, message: str, line: int, source: str = "") -> None:
        where = f"{source}:{line}" if source else f"line {line}"
        super().__init__(f"{where}: {message}")
        self.line = line
        self.source = source


@dataclass(frozen=True, slots=True)
class CurtoisShift:
    id: str
    minutes: int
    cannot_follow: tuple[str, ...]  # shift ids that may not be worked on the next day


@dataclass(frozen=True, slots=True)
class CurtoisStaff:
    id: str
    max_shifts: tuple[tuple[str, int], ...]  # (shift id, max count)
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True, slots=True)
class CurtoisRequest:
    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True, slots=True)
class CurtoisCover:
    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True, slots=True)
class CurtoisInstance:
    """One instance file, typed; references between sections are checked by the parser."""

    name: str
    horizon: int
    shifts: tuple[CurtoisShift, ...]
    staff: tuple[CurtoisStaff, ...]
    days_off: tuple[tuple[str, tuple[int, ...]], ...]  # (employee, days)
    on_requests: tuple[CurtoisRequest, ...]
    off_requests: tuple[CurtoisRequest, ...]
    cover: tuple[CurtoisCover, ...]


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One worked day of a roster CSV: ``EmployeeID,Day,ShiftID``."""

    employee: str
    day: int
    shift: str


def shift_id(day: int, shift: str) -> str:
    """The Problem's shift id of shift type ``shift`` on ``day``."""
    return f"{shift}@{day}"


def read_instance(path: str | Path) -> CurtoisInstance:
    path = Path(path)
    return parse_instance(path.read_text(encoding="utf-8"), name=path.stem, source=str(path))


def parse_instance(text: str, name: str = "instance", source: str = "") -> CurtoisInstance:
    """Parse an instance; LF or CRLF, ``#`` comments anywhere, blank lines between sections."""
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    header_line: dict[str, int] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise CurtoisFormatError(f"unknown section {line!r}", number, source)
            if line in sections:
                raise CurtoisFormatError(f"section {line} appears twice", number, source)
            current = line
            sections[line] = []
            header_line[line] = number
            continue
        if current is None:
            raise CurtoisFormatError(f"data before any SECTION_ header: {line!r}", number, source)
        sections[current].append((number, line.split(",")))
    for section in SECTIONS:
        if section not in sections:
            raise CurtoisFormatError(f"missing section {section}", 0, source)
    return _Parser(source, sections, header_line).build(name)


class _Parser:
    """Turns the raw records of each section into typed records, checking every reference."""

    def __init__(
        self, source: str, sections: dict[str, list[tuple[int, list[str]]]], header_line: dict[str, int]
    ) -> None:
        self.source = source
        self.sections = sections
        self.header_line = header_line
        self.horizon = 0
        self.shift_ids: set[str] = set()
        self.staff_ids: set[str] = set()

    def fail(self, message: str, line: int) -> CurtoisFormatError:
        return CurtoisFormatError(message, line, self.source)

    def fields(self, number: int, fields: list[str], layout: str, optional: int = 0) -> list[str]:
        """The record's fields, trailing commas dropped; the last ``optional`` fields may be missing."""
        count = layout.count(",") + 1
        while len(fields) > count and fields[-1] == "":
            fields = fields[:-1]
        if not count - optional <= len(fields) <= count:
            raise self.fail(f"expected {count} fields ({layout}), got {len(fields)}", number)
        return fields + [""] * (count - len(fields))

    def integer(self, number: int, text: str, what: str, low: int = 0) -> int:
        try:
            value = int(text)
        except ValueError:
            raise self.fail(f"{what} must be an integer, got {text!r}", number) from None
        if value < low:
            raise self.fail(f"{what} must be at least {low}, got {value}", number)
        return value

    def day(self, number: int, text: str) -> int:
        value = self.integer(number, text, "day")
        if value >= self.horizon:
            raise self.fail(f"day {value} is outside the horizon 0..{self.horizon - 1}", number)
        return value

    def shift(self, number: int, text: str) -> str:
        if text not in self.shift_ids:
            raise self.fail(f"unknown shift id {text!r}", number)
        return text

    def employee(self, number: int, text: str) -> str:
        if text not in self.staff_ids:
            raise self.fail(f"unknown employee id {text!r}", number)
        return text

    def build(self, name: str) -> CurtoisInstance:
        horizon_rows = self.sections["SECTION_HORIZON"]
        if len(horizon_rows) != 1:
            raise self.fail(
                "SECTION_HORIZON must hold exactly one number", self.header_line["SECTION_HORIZON"]
            )
        number, fields = horizon_rows[0]
        self.horizon = self.integer(number, self.fields(number, fields, "h")[0], "horizon", low=1)
        shifts = self.shifts()
        staff = self.staff()
        return CurtoisInstance(
            name=name,
            horizon=self.horizon,
            shifts=shifts,
            staff=staff,
            days_off=self.days_off(),
            on_requests=self.requests("SECTION_SHIFT_ON_REQUESTS"),
            off_requests=self.requests("SECTION_SHIFT_OFF_REQUESTS"),
            cover=self.cover(),
        )

    def shifts(self) -> tuple[CurtoisShift, ...]:
        rows = self.sections["SECTION_SHIFTS"]
        for number, fields in rows:
            sid = fields[0]
            if not sid or sid in self.shift_ids:
                raise self.fail(f"empty or repeated shift id {sid!r}", number)
            self.shift_ids.add(sid)
        result = []
        for number, fields in rows:
            sid, length, follow = self.fields(number, fields, "ShiftID,LengthMins,CannotFollow", optional=1)
            minutes = self.integer(number, length, "shift length", low=1)
            if minutes >= MINUTES_PER_DAY:
                # All shifts of a day start at the day's midnight; a shorter length keeps them inside it,
                # so same-day shifts overlap (one shift per day) and shifts of different days never do.
                raise self.fail(f"shift {sid} lasts {minutes} min; it must be shorter than a day", number)
            cannot = tuple(self.shift(number, s) for s in follow.split("|")) if follow else ()
            result.append(CurtoisShift(sid, minutes, cannot))
        return tuple(result)

    def staff(self) -> tuple[CurtoisStaff, ...]:
        result = []
        names = (
            "MaxTotalMinutes",
            "MinTotalMinutes",
            "MaxConsecutiveShifts",
            "MinConsecutiveShifts",
            "MinConsecutiveDaysOff",
            "MaxWeekends",
        )
        layout = ",".join(("ID", "MaxShifts", *names))
        for number, fields in self.sections["SECTION_STAFF"]:
            eid, caps, *numbers = self.fields(number, fields, layout)
            if not eid or eid in self.staff_ids:
                raise self.fail(f"empty or repeated employee id {eid!r}", number)
            self.staff_ids.add(eid)
            max_shifts = []
            for pair in caps.split("|") if caps else []:
                sid, equals, limit = pair.partition("=")
                if not equals:
                    raise self.fail(f"MaxShifts entry {pair!r} is not ShiftID=max", number)
                max_shifts.append(
                    (self.shift(number, sid), self.integer(number, limit, f"MaxShifts of {sid}"))
                )
            values = [self.integer(number, text, what) for text, what in zip(numbers, names, strict=True)]
            result.append(CurtoisStaff(eid, tuple(max_shifts), *values))
        return tuple(result)

    def days_off(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        result = []
        for number, fields in self.sections["SECTION_DAYS_OFF"]:
            while len(fields) > 1 and fields[-1] == "":
                fields = fields[:-1]
            eid = self.employee(number, fields[0])
            result.append((eid, tuple(self.day(number, d) for d in fields[1:])))
        return tuple(result)

    def requests(self, section: str) -> tuple[CurtoisRequest, ...]:
        result = []
        for number, fields in self.sections[section]:
            eid, day, sid, weight = self.fields(number, fields, "EmployeeID,Day,ShiftID,Weight")
            result.append(
                CurtoisRequest(
                    self.employee(number, eid),
                    self.day(number, day),
                    self.shift(number, sid),
                    self.integer(number, weight, "weight"),
                )
            )
        return tuple(result)

    def cover(self) -> tuple[CurtoisCover, ...]:
        result: dict[tuple[int, str], CurtoisCover] = {}
        layout = "Day,ShiftID,Requirement,WeightUnder,WeightOver"
        for number, fields in self.sections["SECTION_COVER"]:
            day, sid, req, under, over = self.fields(number, fields, layout)
            line = CurtoisCover(
                self.day(number, day),
                self.shift(number, sid),
                self.integer(number, req, "requirement"),
                self.integer(number, under, "weight under"),
                self.integer(number, over, "weight over"),
            )
            if (line.day, line.shift) in result:
                raise self.fail(f"second cover line for day {line.day} shift {line.shift}", number)
            result[(line.day, line.shift)] = line
        for d in range(self.horizon):
            for sid in sorted(self.shift_ids):
                if (d, sid) not in result:
                    raise self.fail(
                        f"no cover line for day {d} shift {sid}", self.header_line["SECTION_COVER"]
                    )
        return tuple(result.values())


def to_problem(instance: CurtoisInstance) -> Problem:
    """The instance as a Problem of the same rule families the app uses; no second model.

    One shift per (day, shift type), starting at the day's midnight: same-day shifts overlap, so
    one_place_at_a_time gives "one shift per day". Cover weights become per-shift overrides, so
    every weight but ``preference`` is 0.
    """
    cover = {(c.day, c.shift): c for c in instance.cover}
    shifts = []
    for day in range(instance.horizon):
        for s in instance.shifts:
            line = cover[(day, s.id)]
            start = day * MINUTES_PER_DAY
            shifts.append(
                Shift(
                    id=shift_id(day, s.id),
                    start=start,
                    end=start + s.minutes,
                    day=day,
                    demands=(Demand(line.requirement),),
                    task_type=s.id,
                    under_weight=line.weight_under,
                    over_weight=line.weight_over,
                )
            )
    days_off: dict[str, set[int]] = {}
    for employee, days in instance.days_off:
        days_off.setdefault(employee, set()).update(days)
    people = tuple(
        Person(
            id=e.id,
            absences=tuple(
                Window(d * MINUTES_PER_DAY, (d + 1) * MINUTES_PER_DAY) for d in sorted(days_off.get(e.id, ()))
            ),
            max_minutes_total=e.max_total_minutes,
            min_minutes_total=e.min_total_minutes,
            max_consecutive_days=e.max_consecutive_shifts,
            min_consecutive_days=e.min_consecutive_shifts,
            min_consecutive_days_off=e.min_consecutive_days_off,
            max_weekends=e.max_weekends,
            max_shifts_by_type=e.max_shifts,
        )
        for e in instance.staff
    )
    requests = tuple(
        Request(r.employee, r.weight, wanted, day=r.day, task_type=r.shift)
        for wanted, group in ((True, instance.on_requests), (False, instance.off_requests))
        for r in group
    )
    successions = tuple(Succession(s.id, then) for s in instance.shifts for then in s.cannot_follow)
    return Problem(
        people=people,
        shifts=tuple(shifts),
        horizon_days=instance.horizon,
        rules=Rules(min_rest_minutes=0, forbidden_successions=successions, max_extra_heads=None),
        weights=CURTOIS_WEIGHTS,
        requests=requests,
        first_weekday=0,  # day 0 is a Monday
    )


CURTOIS_WEIGHTS = Weights(
    shortfall_emergency=0,
    shortfall_high_risk=0,
    shortfall_normal=0,
    overstaff=0,
    party_lead=0,
    composition=0,
    change=0,
    fairness_per_hour=0,
    quota_per_hour=0,
    preference=1,
    continuity=0,
    distance_per_level=0,
    reliability=0,
)


def read_roster_csv(path: str | Path) -> list[RosterRow]:
    """Rows ``EmployeeID,Day,ShiftID``; ``#`` comment lines and blank lines are skipped."""
    rows = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split(",")
        if len(fields) != 3:
            raise CurtoisFormatError(f"expected EmployeeID,Day,ShiftID, got {line!r}", number, str(path))
        try:
            day = int(fields[1])
        except ValueError:
            message = f"day must be an integer, got {fields[1]!r}"
            raise CurtoisFormatError(message, number, str(path)) from None
        rows.append(RosterRow(fields[0], day, fields[2]))
    return rows


def write_roster_csv(rows: Iterable[RosterRow], path: str | Path, comment: str | None = None) -> None:
    """Write rows sorted by employee and day, after an optional ``# comment`` first line."""
    lines = [f"# {comment}"] if comment else []
    ordered = sorted(rows, key=lambda r: (r.employee, r.day, r.shift))
    lines += [f"{r.employee},{r.day},{r.shift}" for r in ordered]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def roster_to_solution(instance: CurtoisInstance, problem: Problem, rows: Iterable[RosterRow]) -> Solution:
    """A Solution holding the rows, scored by ``optimizer.check``, so a CSV roster can be judged.

    Rows naming an unknown employee, shift type or day become assignments to unknown ids, which
    the checker reports; nothing is dropped silently.
    """
    if problem.horizon_days != instance.horizon:
        raise ValueError(
            f"problem has {problem.horizon_days} days, instance {instance.name} has {instance.horizon}"
        )
    assignments = tuple(Assignment(r.employee, shift_id(r.day, r.shift)) for r in rows)
    unscored = Solution(SolveStatus.FEASIBLE, assignments, unmet=(), breakdown=(), objective=0, bound=0)
    report = check(problem, unscored)
    return replace(unscored, breakdown=report.breakdown, objective=report.objective)


def solution_to_rows(problem: Problem, solution: Solution) -> list[RosterRow]:
    """The roster of a Solution of a Curtois problem, one row per worked day."""
    shifts = {s.id: s for s in problem.shifts}
    worked = [shifts[a.shift_id] for a in solution.assignments]
    return [
        RosterRow(a.person_id, s.day, s.task_type) for a, s in zip(solution.assignments, worked, strict=True)
    ]
