"""A small hand-made history of one street's week 2026-W49 whose ledger figures are known by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from scheduler.attendance import service as attendance
from scheduler.attendance.models import Via
from scheduler.clock import local_zone
from scheduler.outbox.models import Channel, OutboxMessage, OutboxStatus
from scheduler.people.models import Category, Person
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift, UnmetDemand
from tests.scheduler.dbbuilders import WEEK, Street1

# Tuesday 2026-12-08 10:00 in Asia/Shanghai: week W49 (Mon 11-30 to Sun 12-06) is over.
LATER = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


def local(day: int, hh: int, mm: int = 0) -> datetime:
    """Day ``day`` of week W49 (0 = Monday 11-30) at hh:mm local time."""
    base = datetime.combine(WEEK + timedelta(days=day), datetime.min.time(), local_zone())
    return base.replace(hour=hh, minute=mm)


class History:
    """Street1 with grid households A1 400, A2 500, B1 600, five people and one published week.

    s1 Mon 08–12 A1, 2 heads: 网格员甲 completed (in 07:50, out 12:10 → 240 min served),
       志愿者乙 confirmed then no-show.
    s2 Tue 18–21 A1, 1 head: 党员丙 (in-service, quota 8 h) completed (in 18:15, out 20:45 → 150 min).
    s3 Wed 09–11 A2, 2 heads: 志愿者丁 confirmed, no record; 1 head unmet (too_few).
    s4 Thu 14–16 B1, 1 head: 志愿者戊 declined (not yet re-planned).
    A superseded version and a draft of the same week put other people on s1: never counted.
    Two offer SMS of the published roster: one sent, one failed.
    """

    def __init__(self, session: Session) -> None:
        st = self.st = Street1(session)
        st.b1.households = 600
        self.session = session
        self.worker = st.person("网格员甲", category=Category.GRID_FULL_TIME)
        self.worker_b = st.person("网格员己", grid=st.b1, category=Category.GRID_FULL_TIME)
        self.vol = st.person("志愿者乙")
        self.party = st.person(
            "党员丙", category=Category.PARTY_IN_SERVICE, monthly_quota_hours=8, work_unit="区税务局"
        )
        self.vol_a2 = st.person("志愿者丁", grid=st.a2)
        self.vol_b = st.person("志愿者戊", grid=st.b1)
        self.s1 = st.shift(0, "08:00", "12:00", demand=[(None, 2)])
        self.s2 = st.shift(1, "18:00", "21:00")
        self.s3 = st.shift(2, "09:00", "11:00", grid=st.a2, demand=[(None, 2)])
        self.s4 = st.shift(3, "14:00", "16:00", grid=st.b1)
        self.old = self.roster(1, RosterStatus.SUPERSEDED, [(self.s1, self.vol_a2, AssignmentStatus.OFFERED)])
        self.roster_ = self.roster(
            2,
            RosterStatus.PUBLISHED,
            [
                (self.s1, self.worker, AssignmentStatus.CONFIRMED),
                (self.s1, self.vol, AssignmentStatus.CONFIRMED),
                (self.s2, self.party, AssignmentStatus.CONFIRMED),
                (self.s3, self.vol_a2, AssignmentStatus.CONFIRMED),
                (self.s4, self.vol_b, AssignmentStatus.DECLINED),
            ],
        )
        self.draft = self.roster(3, RosterStatus.DRAFT, [(self.s1, self.vol_b, AssignmentStatus.PROPOSED)])
        self.roster_.unmet.append(UnmetDemand(shift_id=self.s3.id, missing=1, reason="too_few", detail={}))
        session.flush()
        leader = "coordinator:1"
        a = self.assignment
        attendance.check_in(
            session=session,
            assignment_id=a(self.s1, self.worker).id,
            now=LATER,
            actor=leader,
            via=Via.LEADER,
            at=local(0, 7, 50),
        )
        attendance.check_out(
            session=session,
            assignment_id=a(self.s1, self.worker).id,
            now=LATER,
            actor=leader,
            via=Via.LEADER,
            at=local(0, 12, 10),
        )
        attendance.mark_no_show(
            session=session, assignment_id=a(self.s1, self.vol).id, now=LATER, actor=leader
        )
        attendance.check_in(
            session=session,
            assignment_id=a(self.s2, self.party).id,
            now=LATER,
            actor="person",
            via=Via.LINK,
            at=local(1, 18, 15),
        )
        attendance.check_out(
            session=session,
            assignment_id=a(self.s2, self.party).id,
            now=LATER,
            actor="person",
            via=Via.LINK,
            at=local(1, 20, 45),
        )
        for n, status in enumerate((OutboxStatus.SENT, OutboxStatus.FAILED)):
            session.add(
                OutboxMessage(
                    dedupe_key=f"offer:test:{n}",
                    channel=Channel.SMS,
                    kind="offer",
                    person_id=self.vol.id,
                    roster_id=self.roster_.id,
                    recipient=self.vol.phone,
                    payload={},
                    status=status,
                    not_before=local(0, 6),
                    created_at=local(0, 6),
                    updated_at=local(0, 6),
                )
            )
        session.flush()

    def roster(
        self, version: int, status: RosterStatus, rows: list[tuple[Shift, Person, AssignmentStatus]]
    ) -> Roster:
        at = local(0, 0) - timedelta(days=3)
        r = Roster(
            street_id=self.st.street.id,
            week_start=WEEK,
            version=version,
            status=status,
            created_at=at,
            published_at=None if status is RosterStatus.DRAFT else at,
        )
        r.assignments = [
            Assignment(shift_id=s.id, person_id=p.id, status=a, updated_at=at) for s, p, a in rows
        ]
        self.session.add(r)
        self.session.flush()
        return r

    def assignment(self, shift: Shift, person: Person) -> Assignment:
        return next(
            a for a in self.roster_.assignments if a.shift_id == shift.id and a.person_id == person.id
        )
