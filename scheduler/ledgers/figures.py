"""The counted figures of a ledger line and of a person's load; definitions in docs/ledgers.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.attendance.models import Attendance, AttendanceStatus
from scheduler.people.models import Category, Person
from scheduler.rosters.models import Assignment, AssignmentStatus, Shift

# On the roster (not declined): the person was planned for the shift.
PLANNED = frozenset(
    {
        AssignmentStatus.PROPOSED,
        AssignmentStatus.OFFERED,
        AssignmentStatus.CONFIRMED,
        AssignmentStatus.COMPLETED,
        AssignmentStatus.NO_SHOW,
    }
)
# Confirmed at some point: a no-show or a completed shift was confirmed first.
CONFIRMED = frozenset({AssignmentStatus.CONFIRMED, AssignmentStatus.COMPLETED, AssignmentStatus.NO_SHOW})


def ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass
class Figures:
    shifts: int = 0  # shifts planned (not cancelled) starting in the period
    required: int = 0  # heads the shifts ask for (人次)
    filled: int = 0  # heads on the published roster, not declined, at most the shift's headcount
    confirmed: int = 0  # of those, confirmed (then completed or no-show included)
    declined: int = 0  # declines still standing in the published roster
    attended: int = 0  # check-ins
    no_shows: int = 0
    planned_minutes: int = 0  # shift minutes of every planned head
    served_minutes: int = 0  # check-in to check-out inside the shift, completed heads only

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def gap(self) -> int:
        return self.required - self.filled

    @property
    def coverage(self) -> float | None:
        return ratio(self.filled, self.required)

    @property
    def confirmation_rate(self) -> float | None:
        return ratio(self.confirmed, self.filled)

    @property
    def no_show_rate(self) -> float | None:
        return ratio(self.no_shows, self.attended + self.no_shows)


@dataclass
class PersonLoad:
    person_id: int
    name: str
    category: Category
    grid: str  # home grid code, "" for street-wide people
    grid_id: int | None
    shifts: int = 0
    planned_minutes: int = 0
    served_minutes: int = 0
    confirmed: int = 0
    declined: int = 0
    attended: int = 0
    no_shows: int = 0
    grids_served: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, p: Person, grid_code: dict[int, str]) -> PersonLoad:
        return cls(p.id, p.name, p.category, grid_code.get(p.home_grid_id or -1, ""), p.home_grid_id)


def shift_minutes(s: Shift) -> int:
    return int((s.ends_at - s.starts_at).total_seconds() // 60)


def add_shift(
    fig: Figures,
    loads: dict[int, PersonLoad],
    shift: Shift,
    assignments: list[Assignment],
    attendance: list[Attendance],
    grid_code: dict[int, str],
) -> None:
    """Count one shift into its grid's figures and into each assigned person's load."""
    minutes = shift_minutes(shift)
    planned = [a for a in assignments if a.status in PLANNED]
    fig.shifts += 1
    fig.required += shift.headcount
    fig.filled += min(len(planned), shift.headcount)
    for a in assignments:
        load = loads.setdefault(a.person_id, PersonLoad.of(a.person, grid_code))
        if a.status is AssignmentStatus.DECLINED:
            fig.declined += 1
            load.declined += 1
            continue
        if a.status not in PLANNED:
            continue
        load.shifts += 1
        load.planned_minutes += minutes
        load.grids_served.add(grid_code.get(shift.grid_id, ""))
        fig.planned_minutes += minutes
        if a.status in CONFIRMED:
            fig.confirmed += 1
            load.confirmed += 1
    for record in attendance:
        person = loads.get(record.person_id)
        if record.status is AttendanceStatus.NO_SHOW:
            fig.no_shows += 1
            if person is not None:
                person.no_shows += 1
        elif record.check_in_at is not None:
            fig.attended += 1
            served = record.served_minutes()
            fig.served_minutes += served
            if person is not None:
                person.attended += 1
                person.served_minutes += served
