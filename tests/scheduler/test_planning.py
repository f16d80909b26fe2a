"""Planning: database rows become an optimizer Problem with the right minutes, days and limits."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from optimizer.problem import Priority as OptPriority
from optimizer.problem import Window
from scheduler.availability.models import AvailabilityException, ExceptionKind
from scheduler.clock import local_zone
from scheduler.people.models import Category
from scheduler.rosters.models import Priority
from scheduler.rosters.planning import Horizon, build_problem, merge_windows
from tests.scheduler.dbbuilders import WEEK, Street1

DAY = 1440


def test_planning_converts_local_times_to_minutes_from_monday_midnight(session: Session) -> None:
    st = Street1(session)
    s = st.shift(1, "19:00", "21:00", priority=Priority.HIGH_RISK, lead=True)
    problem = build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem
    (shift,) = problem.shifts
    assert (shift.start, shift.end, shift.day) == (DAY + 19 * 60, DAY + 21 * 60, 1)
    assert shift.id == str(s.id) and shift.grid_id == str(st.a1.id) and shift.community_id == str(st.a.id)
    assert shift.priority is OptPriority.HIGH_RISK
    assert [(n.tag, n.kind) for n in shift.needs] == [("party_member", "party_lead")]
    assert not shift.night


def test_planning_marks_shifts_across_midnight_as_night_and_keeps_their_start_day(session: Session) -> None:
    st = Street1(session)
    st.shift(4, "21:00", "00:30", task="flood_watch")
    st.shift(6, "05:00", "07:00")
    st.shift(2, "08:00", "21:59")
    problem = build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem
    by_day = {s.day: s for s in problem.shifts}
    assert by_day[4].end - by_day[4].start == 210 and by_day[4].night and by_day[4].heavy
    assert by_day[6].night  # 05:00 is before the night ends at 06:00
    assert not by_day[2].night  # ends one minute before 22:00


def test_planning_expands_weekly_windows_including_overnight_ones_from_sunday_before(
    session: Session,
) -> None:
    st = Street1(session)
    # Sunday 22:00 → Monday 02:00 reaches into the first day of the horizon.
    p = st.person("夜班", windows=[("6", "22:00", "02:00"), ("0", "18:00", "21:30")])
    problem = build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem
    (person,) = [x for x in problem.people if x.id == str(p.id)]
    assert person.available is not None
    assert person.available[0] == Window(0, 120)
    assert Window(18 * 60, 21 * 60 + 30) in person.available
    assert person.available[-1] == Window(6 * DAY + 22 * 60, 7 * DAY)  # clipped at the horizon's end


def test_planning_without_windows_means_always_available(session: Session) -> None:
    st = Street1(session)
    p = st.person("随时")
    person = next(
        x
        for x in build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem.people
        if x.id == str(p.id)
    )
    assert person.available is None


def test_planning_turns_leave_into_absences_and_extra_time_into_availability(session: Session) -> None:
    st = Street1(session)
    p = st.person("请假", windows=[("0123456", "08:00", "12:00")])
    zone = local_zone()
    from datetime import datetime

    session.add(
        AvailabilityException(
            person=p,
            kind=ExceptionKind.SICKNESS,
            starts_at=datetime(2026, 12, 1, 0, 0, tzinfo=zone),
            ends_at=datetime(2026, 12, 3, 0, 0, tzinfo=zone),
        )
    )
    session.add(
        AvailabilityException(
            person=p,
            kind=ExceptionKind.EXTRA,
            starts_at=datetime(2026, 12, 5, 19, 0, tzinfo=zone),
            ends_at=datetime(2026, 12, 5, 21, 0, tzinfo=zone),
        )
    )
    session.flush()
    person = next(
        x
        for x in build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem.people
        if x.id == str(p.id)
    )
    assert person.absences == (Window(DAY, 3 * DAY),)
    assert person.available is not None and Window(5 * DAY + 19 * 60, 5 * DAY + 21 * 60) in person.available


def test_planning_certificates_are_valid_through_their_expiry_day(session: Session) -> None:
    st = Street1(session)
    p = st.person(
        "护士", category=Category.PROFESSIONAL, skills={"nurse": date(2026, 12, 2), "first_aid": None}
    )
    person = next(
        x
        for x in build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem.people
        if x.id == str(p.id)
    )
    assert person.skill_valid("nurse", 2 * DAY + 23 * 60)  # Wednesday 23:00, the expiry day
    assert not person.skill_valid("nurse", 3 * DAY)  # Thursday 00:00
    assert person.skill_valid("first_aid", 6 * DAY)


def test_planning_territory_keeps_people_in_their_community_but_professionals_street_wide(
    session: Session,
) -> None:
    st = Street1(session)
    v = st.person("志愿者", grid=st.b1)
    n = st.person("护士", grid=st.a1, category=Category.PROFESSIONAL, skills={"nurse": None})
    people = {
        x.id: x
        for x in build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem.people
    }
    assert people[str(v.id)].communities == frozenset({str(st.b.id)})
    assert people[str(n.id)].communities == frozenset({str(st.a.id)})
    assert people[str(n.id)].street_wide_skills == frozenset({"nurse"})
    assert people[str(v.id)].street_wide_skills == frozenset()
    assert "professional" in people[str(n.id)].tags


def test_planning_party_members_carry_the_party_tag_and_limits(session: Session) -> None:
    st = Street1(session)
    m = st.person(
        "老党员", category=Category.PARTY_NO_POST, no_night=True, no_heavy=True, max_hours_per_week=10
    )
    person = next(
        x
        for x in build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem.people
        if x.id == str(m.id)
    )
    assert "party_member" in person.tags
    assert person.no_night and person.no_heavy and person.max_minutes_per_week == 600


def test_planning_in_service_members_owe_their_monthly_quota_spread_over_the_weeks_left(
    session: Session,
) -> None:
    st = Street1(session)
    m = st.person("在职", category=Category.PARTY_IN_SERVICE, monthly_quota_hours=4)
    person = next(
        x
        for x in build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem.people
        if x.id == str(m.id)
    )
    # 2026-W49 starts on 30 November: the last week that starts in November.
    assert person.quota_minutes_due == 240


def test_planning_only_takes_the_week_of_this_street(session: Session) -> None:
    st = Street1(session)
    st.shift(0, "09:00", "10:00")
    st.shift(7, "09:00", "10:00")  # next week
    problem = build_problem(session=session, street_id=st.street.id, week_start=WEEK).problem
    assert len(problem.shifts) == 1


def test_horizon_round_trips_minutes_and_local_days() -> None:
    h = Horizon(date(2026, 11, 30), local_zone())
    assert h.minute(h.at(12345)) == 12345
    assert h.day(h.at(DAY - 1)) == 0 and h.day(h.at(DAY)) == 1


def test_merge_windows_joins_touching_and_overlapping_windows() -> None:
    assert merge_windows([Window(10, 20), Window(0, 5), Window(20, 30), Window(25, 40)]) == [
        Window(0, 5),
        Window(10, 40),
    ]
