"""Availability: weekly recurring windows, dated exceptions, and soft preferences."""

from __future__ import annotations

import enum
from datetime import datetime, time

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import AwareDateTime, Base
from scheduler.people.models import Person, str_enum


class WeeklyWindow(Base):
    """Available every week on ``weekday`` (0 = Monday) from ``start`` to ``end`` local time.

    An ``end`` at or before ``start`` runs past midnight into the next day (a night watch).
    """

    __tablename__ = "weekly_window"
    __table_args__ = (CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column()
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)

    person: Mapped[Person] = relationship()


class ExceptionKind(enum.StrEnum):
    LEAVE = "leave"  # 请假
    SICKNESS = "sickness"  # 病假
    QUARANTINE = "quarantine"  # 隔离
    BUSY = "busy"  # 临时有事
    EXTRA = "extra"  # extra availability outside the weekly windows


class AvailabilityException(Base):
    """A dated exception: absent (leave, sickness, ...) or, for EXTRA, available."""

    __tablename__ = "availability_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ExceptionKind] = mapped_column(str_enum(ExceptionKind))
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime())
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime())
    note: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship()


class Preference(Base):
    """A soft wish: wanted or unwanted work on a weekday and/or task type."""

    __tablename__ = "preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int | None] = mapped_column()
    task_type: Mapped[str | None] = mapped_column(String(32))
    wanted: Mapped[bool] = mapped_column(Boolean)
    weight: Mapped[int] = mapped_column(default=10)

    person: Mapped[Person] = relationship()
