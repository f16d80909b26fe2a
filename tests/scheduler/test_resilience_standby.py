"""The standby list (备勤): per day and community, reachable people not on duty, skill holders first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.errors import DomainError, NotFound
from scheduler.resilience import standby
from scheduler.resilience.models import StandbyEntry
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus
from tests.conftest import NOW
from tests.scheduler.dbbuilders import WEEK, Street1


def street_with_roster(session: Session) -> tuple[Street1, Roster]:
    st = Street1(session)
    on_duty = st.person("甲")
    st.person("乙")
    st.person("丙", skills={"nurse": None}, windows=[("1", "08:00", "20:00")])  # Tuesdays only
    st.person("丁", grid=st.a2, skills={"nurse": None})
    st.person("戊", grid=st.b1)
    st.person("己", opted_out_at=NOW)  # cannot be called
    morning = st.shift(0, "08:00", "12:00")
    st.shift(0, "14:00", "16:00", grid=st.a2, demand=[("nurse", 1)])
    roster = Roster(
        street_id=st.street.id,
        week_start=WEEK,
        version=1,
        status=RosterStatus.PUBLISHED,
        created_at=NOW,
        published_at=NOW,
    )
    roster.assignments = [
        Assignment(
            shift_id=morning.id, person_id=on_duty.id, status=AssignmentStatus.CONFIRMED, updated_at=NOW
        )
    ]
    session.add(roster)
    session.flush()
    return st, roster


def test_standby_holds_a_free_skill_holder_and_general_people_of_the_community(session: Session) -> None:
    st, roster = street_with_roster(session)
    entries = standby.generate_standby(session=session, roster_id=roster.id, now=NOW)
    listed = standby.list_standby(session=session, roster_id=roster.id)
    assert [(e.day, e.community.name, e.rank, e.person.name, e.skill_code) for e in listed] == [
        (WEEK, "甲社区", 1, "丁", "nurse"),  # 丙 is a nurse too, but free on Tuesdays only
        (WEEK, "甲社区", 2, "乙", None),  # 甲 is on duty, 己 opted out, 戊 serves 乙社区
    ]
    assert len(entries) == 2


def test_drawing_the_standby_list_again_replaces_it(session: Session) -> None:
    _, roster = street_with_roster(session)
    standby.generate_standby(session=session, roster_id=roster.id, now=NOW)
    standby.generate_standby(session=session, roster_id=roster.id, now=NOW, share=1.0)
    count = session.scalar(
        select(func.count()).select_from(StandbyEntry).where(StandbyEntry.roster_id == roster.id)
    )
    assert count == 2  # a larger share, but only 乙 and 丁 qualify


def test_a_bad_share_or_roster_is_refused_and_nothing_is_written(session: Session) -> None:
    _, roster = street_with_roster(session)
    with pytest.raises(DomainError) as error:
        standby.generate_standby(session=session, roster_id=roster.id, now=NOW, share=1.5)
    assert error.value.code == "bad_share" and error.value.message_en
    with pytest.raises(NotFound):
        standby.generate_standby(session=session, roster_id=10**9, now=NOW)
    assert session.scalar(select(func.count()).select_from(StandbyEntry)) == 0
