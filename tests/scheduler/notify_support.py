"""Helpers for notification flow tests: a published tiny roster, a session factory, settings, senders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from notifications.email.folder import FolderMailer
from notifications.sms.outbox_log import OutboxLogSmsSender
from notifications.sms.quiet import QuietHours
from optimizer.params import TEST_PARAMS
from scheduler.clock import Clock
from scheduler.notify.settings import NotifySettings, parse_reminders
from scheduler.outbox.models import Channel, OutboxMessage
from scheduler.people.models import Person
from scheduler.rosters import service as rosters
from scheduler.rosters.models import Assignment, Roster, Shift
from tests.conftest import NOW
from tests.scheduler.dbbuilders import WEEK, Street1

SETTINGS = NotifySettings(
    public_url="https://gr.example.cn",
    mail_from="paiban@example.cn",
    quiet=QuietHours.parse("off"),
    reminders=parse_reminders("eve@20:00,2h"),
    offer_timeout=timedelta(hours=24),
    reply_codes="on",
)


class MovableClock(Clock):
    """A clock the test moves by hand."""

    def __init__(self, at: datetime = NOW) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at = self.at + delta


def sessions_on(session: Session) -> sessionmaker[Session]:
    """Sessions that join the test's rolled-back transaction: each unit of work is a savepoint."""
    return sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )


def log_sender(tmp_path: Path) -> OutboxLogSmsSender:
    return OutboxLogSmsSender(path=tmp_path / "sms.jsonl", clock=lambda: NOW)


def folder_mailer(tmp_path: Path) -> FolderMailer:
    return FolderMailer(directory=tmp_path / "mail", mail_from="paiban@example.cn")


@dataclass
class Published:
    street: Street1
    roster: Roster
    shifts: list[Shift]
    people: list[Person] = field(default_factory=list)

    def publish(self) -> None:
        rosters.publish_roster(session=self.street.session, roster_id=self.roster.id, now=NOW)

    def on(self, shift: Shift) -> Assignment:
        return next(a for a in self.roster.assignments if a.shift_id == shift.id)


def published_roster(
    session: Session, *, people: int = 4, shifts: int = 3, emails: bool = True, build_only: bool = False
) -> Published:
    """Volunteers free all week and one patrol a day (Monday on), generated and published at NOW.

    `build_only`: generate the draft but leave publishing to the test (Published.publish()).
    """
    st = Street1(session)
    names = ["甲", "乙", "丙", "丁", "戊", "己"][:people]
    pool = [
        st.person(n, windows=[("0123456", "08:00", "22:00")], email=f"p{i}@example.cn" if emails else None)
        for i, n in enumerate(names)
    ]
    made = [st.shift(day, "09:00", "11:00") for day in range(shifts)]
    roster = rosters.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    if not build_only:
        rosters.publish_roster(session=session, roster_id=roster.id, now=NOW)
    return Published(st, roster, made, pool)


def outbox_rows(
    session: Session, *, kind: str | None = None, channel: Channel | None = None
) -> list[OutboxMessage]:
    session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if channel is not None:
        stmt = stmt.where(OutboxMessage.channel == channel)
    return list(session.scalars(stmt))
