"""Surge calls (网格呼叫、街区响应、部门报到): the call, its needs and blocks, offers, department requests.

A call asks for people by skill at a grid from a time; an open-ended call is cut into rolling
blocks (e.g. 4 hours each). Every person asked gets one ``SurgeOffer`` per block, with its own
link token and reply code; the offer carries the answer, the journey (on the way, arrived) and
what it took from routine duty (pre-emption).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import AwareDateTime, Base
from scheduler.people.models import Person, Skill, str_enum
from scheduler.rosters.models import Priority, TaskType
from scheduler.territory.models import Grid


class Tier(enum.StrEnum):
    """Who is asked, widening in this order (街区响应 → 部门报到)."""

    COMMUNITY = "community"  # the grid's own community (社区)
    STREET = "street"  # the whole street (街道)
    DEPARTMENT = "department"  # the district's departments: in-service party members' units, professionals


TIER_ORDER: tuple[Tier, ...] = (Tier.COMMUNITY, Tier.STREET, Tier.DEPARTMENT)
TIER_LABELS_ZH = {Tier.COMMUNITY: "社区", Tier.STREET: "街道", Tier.DEPARTMENT: "部门报到"}


class CallStatus(enum.StrEnum):
    OPEN = "open"  # still short of people in a current or coming block
    STAFFED = "staffed"  # every seat of every current block confirmed
    CLOSED = "closed"  # over (end passed) or stood down by a coordinator
    CANCELLED = "cancelled"  # called off before it was over


ACTIVE_CALL = (CallStatus.OPEN, CallStatus.STAFFED)


class OfferStatus(enum.StrEnum):
    OFFERED = "offered"  # asked, no answer yet
    CONFIRMED = "confirmed"  # will come (a seat is theirs)
    ON_THE_WAY = "on_the_way"
    ARRIVED = "arrived"  # checked in on the spot
    DECLINED = "declined"
    EXPIRED = "expired"  # no answer within the answer window
    NOT_NEEDED = "not_needed"  # the seat was filled by others first (told "not needed")
    WITHDRAWN = "withdrawn"  # the call was cancelled or closed


COMING = (OfferStatus.CONFIRMED, OfferStatus.ON_THE_WAY, OfferStatus.ARRIVED)


class SurgeCall(Base):
    __tablename__ = "surge_call"
    __table_args__ = (Index("ix_surge_call_grid_status", "grid_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    task_type_id: Mapped[int] = mapped_column(ForeignKey("task_type.id"))
    place: Mapped[str | None] = mapped_column(String(128))  # e.g. "3号楼东门"
    note: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(AwareDateTime())  # None: open-ended, rolling blocks
    block_minutes: Mapped[int] = mapped_column()  # length of one rolling block
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.EMERGENCY)
    needs_party_lead: Mapped[bool] = mapped_column(Boolean, default=False)  # 党员带队
    status: Mapped[CallStatus] = mapped_column(str_enum(CallStatus), default=CallStatus.OPEN, index=True)
    tier: Mapped[Tier] = mapped_column(str_enum(Tier), default=Tier.COMMUNITY)
    tier_started_at: Mapped[datetime] = mapped_column(AwareDateTime())
    over_ask: Mapped[float] = mapped_column(Float, default=1.5)
    answer_minutes: Mapped[int] = mapped_column(default=5)
    # The escalation policy in force when the call was raised: [{"tier", "wait_minutes", "quota"}].
    policy: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Needs nobody in the district can meet, found when the call was raised: [{"need", "reason", ...}].
    unfillable: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    raised_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    raised_by: Mapped[str] = mapped_column(String(64))
    first_confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    staffed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())  # first block fully confirmed
    first_arrived_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    deadline_missed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())  # past the last tier
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    grid: Mapped[Grid] = relationship()
    task_type: Mapped[TaskType] = relationship()
    needs: Mapped[list[SurgeNeed]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="SurgeNeed.id"
    )
    blocks: Mapped[list[SurgeBlock]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="SurgeBlock.starts_at"
    )


class SurgeNeed(Base):
    """``count`` people with ``skill`` (None: anyone fit, "general") in every block of the call."""

    __tablename__ = "surge_need"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("surge_call.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skill.id"))
    count: Mapped[int] = mapped_column()

    call: Mapped[SurgeCall] = relationship(back_populates="needs")
    skill: Mapped[Skill | None] = relationship()

    @property
    def code(self) -> str:
        return self.skill.code if self.skill is not None else "general"


class SurgeBlock(Base):
    """One stretch of duty of a call: the whole call when it has an end, else one rolling block."""

    __tablename__ = "surge_block"
    __table_args__ = (UniqueConstraint("call_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("surge_call.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime())
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime())
    staffed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    call: Mapped[SurgeCall] = relationship(back_populates="blocks")


class SurgeOffer(Base):
    """One person asked for one block of a call, and everything that followed."""

    __tablename__ = "surge_offer"
    __table_args__ = (
        UniqueConstraint("block_id", "person_id"),
        Index("ix_surge_offer_call_status", "call_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("surge_call.id", ondelete="CASCADE"))
    block_id: Mapped[int] = mapped_column(ForeignKey("surge_block.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("surge_need.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    tier: Mapped[Tier] = mapped_column(str_enum(Tier))
    via: Mapped[str] = mapped_column(String(16), default="offer")  # offer / department (reported by a unit)
    unit: Mapped[str | None] = mapped_column(String(128))  # the department that sent them
    rank: Mapped[int] = mapped_column(default=0)  # 1 = best candidate when asked
    distance: Mapped[str] = mapped_column(String(16))  # grid / community / street / district
    token: Mapped[str] = mapped_column(String(32), unique=True)  # /s/<token>: 72 random bits
    code: Mapped[str] = mapped_column(String(8))  # reply code, unique among the person's open offers
    status: Mapped[OfferStatus] = mapped_column(str_enum(OfferStatus), default=OfferStatus.OFFERED)
    offered_at: Mapped[datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    on_the_way_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    arrived_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    arrived_via: Mapped[str | None] = mapped_column(String(16))  # leader / link
    # Routine assignments given up for this call (pre-emption): [{"roster", "shift", "assignment"}].
    preempted: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    block: Mapped[SurgeBlock] = relationship()
    need: Mapped[SurgeNeed] = relationship()
    person: Mapped[Person] = relationship()


class DepartmentRequest(Base):
    """A request to one department (a work unit or professional body) to send people (部门报到)."""

    __tablename__ = "surge_department_request"
    __table_args__ = (UniqueConstraint("call_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("surge_call.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(128))
    asked: Mapped[int] = mapped_column()  # people asked for
    members: Mapped[int] = mapped_column(default=0)  # its people known in the district
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime())
    due_at: Mapped[datetime] = mapped_column(AwareDateTime())  # 30 minutes: 吹哨报到
    reported_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    sent: Mapped[int] = mapped_column(default=0)  # people the unit reported sending


class SurgeNotice(Base):
    """A message for a coordinator about a call: escalation, unfillable needs, a missed deadline.

    Staff accounts have no phone number, so notices are rows the coordinator's call board shows;
    ``account_id`` None means the notice is for whoever watches the call.
    """

    __tablename__ = "surge_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("surge_call.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("staff_account.id"), index=True)
    tier: Mapped[Tier | None] = mapped_column(str_enum(Tier))
    kind: Mapped[str] = mapped_column(String(32))  # raised / escalated / unfillable / deadline_missed
    message_zh: Mapped[str] = mapped_column(String(500))
    message_en: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    read_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
