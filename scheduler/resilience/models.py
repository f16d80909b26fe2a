"""The standby list (备勤): people kept ready per day and community, drawn from those not on duty."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import AwareDateTime, Base
from scheduler.people.models import Person
from scheduler.territory.models import Community


class StandbyEntry(Base):
    """One person on standby for one day and community of a roster; ``skill_code`` is the skill
    they back up (None: general standby)."""

    __tablename__ = "standby_entry"
    __table_args__ = (UniqueConstraint("roster_id", "day", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    rank: Mapped[int] = mapped_column()  # 1 = first to call
    skill_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())

    person: Mapped[Person] = relationship()
    community: Mapped[Community] = relationship()
