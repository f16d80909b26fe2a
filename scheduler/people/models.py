"""People of the pool: categories of the glossary, contact, skills with certificates, limits."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import AwareDateTime, Base
from scheduler.territory.models import Grid


def str_enum(cls: type[enum.StrEnum]) -> Enum:
    """Store an enum as its value in a VARCHAR (no native enum: migrations stay simple)."""
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class Category(enum.StrEnum):
    PARTY_IN_SERVICE = "party_in_service"  # 在职党员 "双报到"
    PARTY_NO_POST = "party_no_post"  # 无职党员
    GRID_FULL_TIME = "grid_full_time"  # 专职网格员
    GRID_PART_TIME = "grid_part_time"  # 兼职网格员
    VOLUNTEER = "volunteer"  # 志愿者
    PROFESSIONAL = "professional"  # 专业人员

    @property
    def is_party_member(self) -> bool:
        return self in (Category.PARTY_IN_SERVICE, Category.PARTY_NO_POST)


CATEGORY_LABELS_ZH = {
    Category.PARTY_IN_SERVICE: "在职党员",
    Category.PARTY_NO_POST: "无职党员",
    Category.GRID_FULL_TIME: "专职网格员",
    Category.GRID_PART_TIME: "兼职网格员",
    Category.VOLUNTEER: "志愿者",
    Category.PROFESSIONAL: "专业人员",
}


class Skill(Base):
    """A skill or certificate kind (nurse, first aid, ...)."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    needs_certificate: Mapped[bool] = mapped_column(Boolean, default=False)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    category: Mapped[Category] = mapped_column(str_enum(Category), index=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # E.164, validated on input
    email: Mapped[str | None] = mapped_column(String(254))
    home_grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    work_unit: Mapped[str | None] = mapped_column(String(128))  # in-service party members
    organisation: Mapped[str | None] = mapped_column(String(128))  # volunteers
    profession: Mapped[str | None] = mapped_column(String(32))  # professionals: doctor, nurse, ...
    birth_year: Mapped[int | None] = mapped_column()
    experienced: Mapped[bool] = mapped_column(Boolean, default=False)
    no_night: Mapped[bool] = mapped_column(Boolean, default=False)
    no_heavy: Mapped[bool] = mapped_column(Boolean, default=False)
    max_hours_per_week: Mapped[int | None] = mapped_column()
    monthly_quota_hours: Mapped[int] = mapped_column(default=0)  # 双报到双服务
    contact_consent: Mapped[bool] = mapped_column(Boolean, default=True)
    opted_out_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    link_token: Mapped[str] = mapped_column(String(64), unique=True)  # personal, unguessable link

    home_grid: Mapped[Grid | None] = relationship()
    skills: Mapped[list[PersonSkill]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonSkill.id"
    )

    @property
    def is_party_member(self) -> bool:
        return self.category.is_party_member

    @property
    def reachable(self) -> bool:
        return self.active and self.contact_consent and self.opted_out_at is None


class PersonSkill(Base):
    __tablename__ = "person_skill"
    __table_args__ = (UniqueConstraint("person_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"))
    valid_until: Mapped[date | None] = mapped_column(Date)  # certificate expiry, None: no expiry

    person: Mapped[Person] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()
