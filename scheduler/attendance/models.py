"""One attendance record per (shift, person): check-in, check-out, or a no-show."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.db import AwareDateTime, Base
from scheduler.people.models import Person, str_enum
from scheduler.rosters.models import Shift


class AttendanceStatus(enum.StrEnum):
    CHECKED_IN = "checked_in"  # on the post, not yet checked out
    COMPLETED = "completed"  # checked out: the served time is check-in to check-out within the shift
    NO_SHOW = "no_show"  # confirmed, and did not come


class Via(enum.StrEnum):
    LEADER = "leader"  # the grid leader (网格长) or a coordinator recorded it
    LINK = "link"  # the person, through their personal link


class Attendance(Base):
    """Keyed by (shift, person), not by assignment: a re-plan makes new assignment rows for the same
    person on the same shift, and the record of who came must survive that."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("shift_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id"), index=True)  # published when recorded
    status: Mapped[AttendanceStatus] = mapped_column(str_enum(AttendanceStatus))
    check_in_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    check_in_via: Mapped[Via | None] = mapped_column(str_enum(Via))
    check_out_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    check_out_via: Mapped[Via | None] = mapped_column(str_enum(Via))
    recorded_by: Mapped[str] = mapped_column(String(64))  # actor of the last change
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())

    shift: Mapped[Shift] = relationship()
    person: Mapped[Person] = relationship()

    def served_minutes(self) -> int:
        """Service time in minutes: check-in to check-out, inside the shift's own times.

        Why clipped: national rules count actual service in hours excluding travel and waiting
        (民函〔2012〕340号); arriving early or staying on is not service of this shift.
        """
        if self.status is not AttendanceStatus.COMPLETED:
            return 0
        if self.check_in_at is None or self.check_out_at is None:
            return 0
        start = max(self.check_in_at, self.shift.starts_at)
        end = min(self.check_out_at, self.shift.ends_at)
        return max(0, int((end - start).total_seconds() // 60))
