"""Territory: district → street → community → grid (区 / 街道 / 社区 / 网格)."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import Base


class RiskLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class District(Base):
    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    streets: Mapped[list[Street]] = relationship(back_populates="district", order_by="Street.id")


class Street(Base):
    __tablename__ = "street"
    __table_args__ = (UniqueConstraint("district_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    district: Mapped[District] = relationship(back_populates="streets")
    communities: Mapped[list[Community]] = relationship(back_populates="street", order_by="Community.id")


class Community(Base):
    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("street_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("street.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    street: Mapped[Street] = relationship(back_populates="communities")
    grids: Mapped[list[Grid]] = relationship(back_populates="community", order_by="Grid.id")


class Grid(Base):
    """A grid of a few hundred households; ``code`` is what imports and coordinators type."""

    __tablename__ = "grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    households: Mapped[int] = mapped_column(default=0)
    population: Mapped[int] = mapped_column(default=0)
    risk_level: Mapped[RiskLevel] = mapped_column(
        Enum(RiskLevel, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=RiskLevel.LOW,
    )
    community: Mapped[Community] = relationship(back_populates="grids")
