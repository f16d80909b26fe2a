"""The personal offer of one shift to one person: its unguessable link token and short reply code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.db import AwareDateTime, Base


class AssignmentOffer(Base):
    """Keyed by the assignment's identity (shift, person), so it survives new roster versions.

    A re-plan copies assignments into a new roster; the link in an SMS sent for version 1 must
    still work on version 2, so the token cannot live on the Assignment row.
    """

    __tablename__ = "assignment_offer"
    __table_args__ = (UniqueConstraint("shift_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # /o/<token>: 72 random bits
    code: Mapped[str] = mapped_column(String(8))  # "1 4821": unique among the person's offers
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    answer: Mapped[str | None] = mapped_column(String(16))  # confirmed / declined / unanswered
