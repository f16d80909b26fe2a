"""A person's own availability by day part: computed from weekly windows and dated exceptions."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.audit import service as audit
from scheduler.availability.models import AvailabilityException, ExceptionKind, WeeklyWindow
from scheduler.clock import local_zone
from scheduler.errors import Conflict, ValidationError
from scheduler.people.models import Person

SELF_SERVICE_NOTE = "本人标记"  # exceptions a person set on their own page (and may remove there)


class DayPart(enum.StrEnum):
    DAY = "day"  # 白天 08:00–18:00
    EVENING = "evening"  # 晚上 18:00–22:00


DAY_PARTS: dict[DayPart, tuple[time, time]] = {
    DayPart.DAY: (time(8, 0), time(18, 0)),
    DayPart.EVENING: (time(18, 0), time(22, 0)),
}
DAY_PART_LABELS_ZH = {DayPart.DAY: "白天", DayPart.EVENING: "晚上"}
HORIZON_DAYS = 21  # how far ahead a person may mark themselves free or busy


@dataclass(frozen=True, slots=True)
class SlotState:
    day: date
    part: DayPart
    free: bool
    locked: bool  # leave, sickness, quarantine set by the coordinator: not changed from the phone


def _bounds(day: date, part: DayPart, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start, end = DAY_PARTS[part]
    return datetime.combine(day, start, zone), datetime.combine(day, end, zone)


def _weekly_covers(windows: list[WeeklyWindow], day: date, s: datetime, e: datetime, zone: ZoneInfo) -> bool:
    """True when some weekly window overlaps the slot (the day before too: windows past midnight)."""
    for w in windows:
        for offset in (0, -1):
            d = day + timedelta(days=offset)
            if d.weekday() != w.weekday:
                continue
            ws = datetime.combine(d, w.start, zone)
            we = datetime.combine(d + timedelta(days=1) if w.end <= w.start else d, w.end, zone)
            if ws < e and s < we:
                return True
    return False


def _state(
    windows: list[WeeklyWindow],
    exceptions: list[AvailabilityException],
    day: date,
    part: DayPart,
    zone: ZoneInfo,
) -> SlotState:
    s, e = _bounds(day, part, zone)
    overlapping = [x for x in exceptions if x.starts_at < e and s < x.ends_at]
    absences = [x for x in overlapping if x.kind is not ExceptionKind.EXTRA]
    if absences:  # an absence beats everything
        locked = any(x.kind is not ExceptionKind.BUSY for x in absences)
        return SlotState(day, part, False, locked)
    if any(x.kind is ExceptionKind.EXTRA for x in overlapping):
        return SlotState(day, part, True, False)
    return SlotState(day, part, _weekly_covers(windows, day, s, e, zone), False)


def list_slots(
    *, session: Session, person: Person, first_day: date, days: int = 14, zone: ZoneInfo | None = None
) -> list[SlotState]:
    """Free or busy for each day part of ``days`` days from ``first_day``."""
    zone = zone or local_zone()
    start = datetime.combine(first_day - timedelta(days=1), time(0), zone)
    end = datetime.combine(first_day + timedelta(days=days + 1), time(0), zone)
    windows = list(session.scalars(select(WeeklyWindow).where(WeeklyWindow.person_id == person.id)))
    exceptions = list(
        session.scalars(
            select(AvailabilityException).where(
                AvailabilityException.person_id == person.id,
                AvailabilityException.starts_at < end,
                AvailabilityException.ends_at > start,
            )
        )
    )
    return [
        _state(windows, exceptions, first_day + timedelta(days=i), part, zone)
        for i in range(days)
        for part in DayPart
    ]


def toggle_slot(
    *, session: Session, person: Person, day: date, part: DayPart, now: datetime, zone: ZoneInfo | None = None
) -> SlotState:
    """Flip one day part between free and busy, as the person taps it on their phone.

    Busy is stored as a BUSY exception, free outside the weekly windows as an EXTRA one; tapping
    again removes what the person set. Leave, sickness and quarantine stay with the coordinator.
    """
    zone = zone or local_zone()
    today = now.astimezone(zone).date()
    if not today <= day < today + timedelta(days=HORIZON_DAYS):
        raise ValidationError(
            "day_out_of_range",
            f"只能修改今天起 {HORIZON_DAYS} 天内的安排",
            f"only the next {HORIZON_DAYS} days can be changed",
        )
    s, e = _bounds(day, part, zone)
    before = list_slots(session=session, person=person, first_day=day, days=1, zone=zone)
    current = next(x for x in before if x.part is part)
    if current.locked:
        raise Conflict(
            "availability_locked",
            "这段时间已登记请假或病假，请联系社区协调员修改",
            "leave or sickness is recorded for this time; ask your coordinator",
        )
    exact = list(
        session.scalars(
            select(AvailabilityException).where(
                AvailabilityException.person_id == person.id,
                AvailabilityException.starts_at == s,
                AvailabilityException.ends_at == e,
            )
        )
    )
    kind_to_drop = ExceptionKind.EXTRA if current.free else ExceptionKind.BUSY
    for x in exact:
        if x.kind is kind_to_drop:
            session.delete(x)
    session.flush()
    after = list_slots(session=session, person=person, first_day=day, days=1, zone=zone)
    state = next(x for x in after if x.part is part)
    if state.free == current.free:  # removing our own mark was not enough: add the opposite one
        kind = ExceptionKind.BUSY if current.free else ExceptionKind.EXTRA
        session.add(
            AvailabilityException(
                person_id=person.id, kind=kind, starts_at=s, ends_at=e, note=SELF_SERVICE_NOTE
            )
        )
        session.flush()
        state = SlotState(day, part, not current.free, False)
    audit.record(
        session=session,
        at=now,
        actor=f"person:{person.id}",
        action="availability.toggle",
        entity="person",
        entity_id=person.id,
        detail={"day": day.isoformat(), "part": part.value, "free": state.free},
    )
    return state


def list_weekly_windows(*, session: Session, person_id: int) -> list[WeeklyWindow]:
    stmt = select(WeeklyWindow).where(WeeklyWindow.person_id == person_id)
    return list(session.scalars(stmt.order_by(WeeklyWindow.weekday, WeeklyWindow.start)))


def list_exceptions(*, session: Session, person_id: int, since: datetime) -> list[AvailabilityException]:
    stmt = select(AvailabilityException).where(
        AvailabilityException.person_id == person_id,
        AvailabilityException.ends_at > since,
    )
    return list(session.scalars(stmt.order_by(AvailabilityException.starts_at)))
