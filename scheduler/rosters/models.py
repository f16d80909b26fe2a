"""Shifts, shift templates, rosters (versions of assignments) and assignments."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import AwareDateTime, Base
from scheduler.people.models import Person, Skill, str_enum
from scheduler.territory.models import Grid, Street


class Priority(enum.StrEnum):
    NORMAL = "normal"
    HIGH_RISK = "high_risk"
    EMERGENCY = "emergency"


class TaskType(Base):
    """Patrol 巡查, door-to-door visit 入户走访, checkpoint 卡口值守, ... ``heavy``: physical work."""

    __tablename__ = "task_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    heavy: Mapped[bool] = mapped_column(Boolean, default=False)


class ShiftTemplate(Base):
    """Stamps out one shift per selected weekday of a week for a grid."""

    __tablename__ = "shift_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    task_type_id: Mapped[int] = mapped_column(ForeignKey("task_type.id"))
    weekdays: Mapped[str] = mapped_column(String(7))  # e.g. "01234" = Monday to Friday
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)  # at or before start: ends the next day
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.NORMAL)
    needs_party_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_professional: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    grid: Mapped[Grid] = relationship()
    task_type: Mapped[TaskType] = relationship()
    demands: Mapped[list[TemplateDemand]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="TemplateDemand.id"
    )


class TemplateDemand(Base):
    __tablename__ = "template_demand"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("shift_template.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skill.id"))
    count: Mapped[int] = mapped_column()

    template: Mapped[ShiftTemplate] = relationship(back_populates="demands")
    skill: Mapped[Skill | None] = relationship()


class Shift(Base):
    __tablename__ = "shift"
    __table_args__ = (UniqueConstraint("template_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    task_type_id: Mapped[int] = mapped_column(ForeignKey("task_type.id"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_template.id"))
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime())
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.NORMAL)
    needs_party_lead: Mapped[bool] = mapped_column(Boolean, default=False)  # 党员先锋岗
    needs_professional: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str | None] = mapped_column(String(128))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    grid: Mapped[Grid] = relationship()
    task_type: Mapped[TaskType] = relationship()
    demands: Mapped[list[ShiftDemand]] = relationship(
        back_populates="shift", cascade="all, delete-orphan", order_by="ShiftDemand.id"
    )

    @property
    def headcount(self) -> int:
        return sum(d.count for d in self.demands)


class ShiftDemand(Base):
    """``count`` heads with ``skill`` (None: anyone eligible) on a shift."""

    __tablename__ = "shift_demand"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skill.id"))
    count: Mapped[int] = mapped_column()

    shift: Mapped[Shift] = relationship(back_populates="demands")
    skill: Mapped[Skill | None] = relationship()


class RosterStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class Roster(Base):
    """One version of a street's week: draft → published → superseded."""

    __tablename__ = "roster"
    __table_args__ = (UniqueConstraint("street_id", "week_start", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column()
    status: Mapped[RosterStatus] = mapped_column(str_enum(RosterStatus), default=RosterStatus.DRAFT)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("roster.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    published_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    # The solve that produced it: objective, bound, gap, status, seconds, filled / required.
    solve_status: Mapped[str | None] = mapped_column(String(16))
    objective: Mapped[int | None] = mapped_column()
    bound: Mapped[int | None] = mapped_column()
    gap: Mapped[float | None] = mapped_column(Float)
    seconds: Mapped[float | None] = mapped_column(Float)
    required: Mapped[int] = mapped_column(default=0)
    filled: Mapped[int] = mapped_column(default=0)
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    street: Mapped[Street] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="roster", cascade="all, delete-orphan", order_by="Assignment.id"
    )
    unmet: Mapped[list[UnmetDemand]] = relationship(
        back_populates="roster", cascade="all, delete-orphan", order_by="UnmetDemand.id"
    )


class AssignmentStatus(enum.StrEnum):
    PROPOSED = "proposed"
    OFFERED = "offered"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    NO_SHOW = "no_show"
    COMPLETED = "completed"


# The lifecycle: which status may follow which.
ASSIGNMENT_TRANSITIONS: dict[AssignmentStatus, frozenset[AssignmentStatus]] = {
    AssignmentStatus.PROPOSED: frozenset({AssignmentStatus.OFFERED, AssignmentStatus.CONFIRMED}),
    AssignmentStatus.OFFERED: frozenset({AssignmentStatus.CONFIRMED, AssignmentStatus.DECLINED}),
    AssignmentStatus.CONFIRMED: frozenset(
        {AssignmentStatus.DECLINED, AssignmentStatus.NO_SHOW, AssignmentStatus.COMPLETED}
    ),
    AssignmentStatus.DECLINED: frozenset(),
    AssignmentStatus.NO_SHOW: frozenset(),
    AssignmentStatus.COMPLETED: frozenset(),
}


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("roster_id", "shift_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("shift_demand.id"))
    status: Mapped[AssignmentStatus] = mapped_column(
        str_enum(AssignmentStatus), default=AssignmentStatus.PROPOSED
    )
    locked: Mapped[bool] = mapped_column(Boolean, default=False)  # kept by hand through re-plans
    revision: Mapped[int] = mapped_column(default=0)  # raised on every change: the iCalendar SEQUENCE
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())

    roster: Mapped[Roster] = relationship(back_populates="assignments")
    shift: Mapped[Shift] = relationship()
    person: Mapped[Person] = relationship()


class UnmetDemand(Base):
    """A requirement the roster could not meet, with the reason computed from the data."""

    __tablename__ = "unmet_demand"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"))
    skill_code: Mapped[str | None] = mapped_column(String(32))
    missing: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    roster: Mapped[Roster] = relationship(back_populates="unmet")
    shift: Mapped[Shift] = relationship()
