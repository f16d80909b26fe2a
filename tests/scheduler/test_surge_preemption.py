"""Priority pre-emption: an emergency call may take someone from a lower-priority routine shift, and
that shift is re-planned with as few changes as possible; confirmed emergency duty is never touched."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.params import TEST_PARAMS
from scheduler.availability.models import AvailabilityException, ExceptionKind
from scheduler.clock import local_zone
from scheduler.rosters import service as rosters
from scheduler.rosters.models import AssignmentStatus, Priority, Roster, RosterStatus
from scheduler.surge import service as surge
from scheduler.surge.models import OfferStatus
from tests.conftest import NOW
from tests.scheduler.dbbuilders import WEEK
from tests.scheduler.notify_support import SETTINGS
from tests.scheduler.surge_support import answer, away, call, district, offer_of, offers

MONDAY_9 = datetime.combine(WEEK, datetime.min.time(), local_zone()) + timedelta(hours=9)
FAR = NOW + timedelta(days=400)


def _street_with_a_published_week(session: Session):  # type: ignore[no-untyped-def]
    d = district(session)
    st = d.st
    nurse = st.person("护士", grid=st.a1, skills={"nurse": FAR.date()}, windows=[("0", "08:00", "14:00")])
    # The spare is not free on Monday when the week is planned; she becomes free later.
    spare = st.person("替补", grid=st.a1, windows=[("123456", "08:00", "20:00")])
    guard = st.person("急救员", grid=st.b1, skills={"nurse": FAR.date()}, windows=[("0", "08:00", "14:00")])
    routine = st.shift(0, "09:00", "13:00", grid=st.a1, demand=[(None, 1)])
    emergency = st.shift(0, "09:00", "13:00", grid=st.b1, demand=[("nurse", 1)], priority=Priority.EMERGENCY)
    draft = rosters.generate_roster(
        session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
    )
    rosters.publish_roster(session=session, roster_id=draft.id, now=NOW)
    on = {(a.shift_id, a.person_id): a for a in draft.assignments}
    assert (routine.id, nurse.id) in on and (emergency.id, guard.id) in on
    on[(emergency.id, guard.id)].status = AssignmentStatus.CONFIRMED  # the guard said yes
    on[(routine.id, nurse.id)].status = AssignmentStatus.CONFIRMED
    away(session, spare, ExceptionKind.EXTRA, MONDAY_9 - timedelta(hours=1), MONDAY_9 + timedelta(hours=5))
    return d, draft, nurse, spare, guard, routine, emergency


def test_surge_preemption_takes_from_a_routine_shift_and_replans_only_that_slot(session: Session) -> None:
    d, roster, nurse, spare, guard, routine, emergency = _street_with_a_published_week(session)
    result = call(d, "nurse:1", start=MONDAY_9, hours=4)
    asked = offers(session, result.call.id)
    assert [o.person_id for o in asked] == [nurse.id]  # the guard's emergency duty is never asked to move
    assert [p["shift"] for p in asked[0].preempted] == [routine.id]
    outcome = answer(session, asked[0], True, NOW + timedelta(minutes=1))
    assert outcome.outcome is surge.AnswerOutcome.CONFIRMED and outcome.replan_rosters == (roster.id,)
    taken = next(a for a in roster.assignments if a.shift_id == routine.id and a.person_id == nurse.id)
    assert taken.status is AssignmentStatus.DECLINED
    # The dispatcher's tick re-plans the routine shift and publishes the new version.
    report = surge.tick(
        session=session, now=NOW + timedelta(minutes=2), settings=SETTINGS, replan_params=TEST_PARAMS
    )
    assert len(report.replanned) == 1
    new = session.get(Roster, report.replanned[0])
    assert new is not None and new.status is RosterStatus.PUBLISHED
    changes = rosters.diff_rosters(old=roster, new=new)
    assert changes["added"] == [(routine.id, spare.id)]
    assert changes["removed"] == []  # the nurse's pair was already declined in the old version
    pairs = {(a.shift_id, a.person_id): a for a in new.assignments}
    assert (routine.id, nurse.id) not in pairs
    assert pairs[(emergency.id, guard.id)].status is AssignmentStatus.CONFIRMED
    # Nothing else in the week moved.
    before = {
        (a.shift_id, a.person_id) for a in roster.assignments if a.status is not AssignmentStatus.DECLINED
    }
    after = set(pairs)
    assert after - before == {(routine.id, spare.id)} and before - after == set()
    # Done once: the next tick re-plans nothing.
    again = surge.tick(
        session=session, now=NOW + timedelta(minutes=3), settings=SETTINGS, replan_params=TEST_PARAMS
    )
    assert again.replanned == []
    assert offer_of(session, result.call.id, nurse).status is OfferStatus.CONFIRMED


def test_surge_preemption_a_call_no_more_urgent_than_the_shift_takes_nobody(session: Session) -> None:
    d, roster, nurse, *_ = _street_with_a_published_week(session)
    result = call(d, "nurse:1", start=MONDAY_9, hours=4, priority=Priority.NORMAL)
    assert offers(session, result.call.id) == []
    # Up through the street and the departments (30 minutes before the start, as the whole
    # escalation fits then): the guard's emergency duty is never asked to move.
    surge.tick(session=session, now=MONDAY_9 - timedelta(minutes=30), settings=SETTINGS)
    surge.tick(session=session, now=MONDAY_9 - timedelta(minutes=25), settings=SETTINGS)
    assert result.call.tier.value == "department" and offers(session, result.call.id) == []
    statuses = {a.person_id: a.status for a in roster.assignments}
    assert statuses[nurse.id] is AssignmentStatus.CONFIRMED
    assert (
        session.scalars(
            select(AvailabilityException).where(AvailabilityException.kind == ExceptionKind.BUSY)
        ).all()
        == []
    )


def test_surge_preemption_free_people_are_asked_before_anyone_is_taken_from_duty(session: Session) -> None:
    d, roster, nurse, spare, *_ = _street_with_a_published_week(session)
    result = call(d, "general:1", start=MONDAY_9, hours=4)
    asked = offers(session, result.call.id)
    # ceil(1.5) = 2: the free spare first, then the nurse (on routine duty) as the second ask.
    assert [o.person_id for o in asked] == [spare.id, nurse.id]
    assert asked[0].preempted == [] and asked[1].preempted
    answer(session, asked[0], True, NOW + timedelta(minutes=1))
    assert offer_of(session, result.call.id, nurse).status is OfferStatus.NOT_NEEDED
    assert next(a for a in roster.assignments if a.person_id == nurse.id).status is AssignmentStatus.CONFIRMED


def test_surge_preemption_a_replan_that_finds_no_roster_leaves_the_tick_intact_and_gives_up_after_3(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scheduler.audit.models import AuditEntry
    from scheduler.errors import DomainError
    from scheduler.notify import reoffer

    d, roster, nurse, spare, guard, routine, emergency = _street_with_a_published_week(session)

    def no_roster(**_: object) -> Roster:
        # What a re-plan raises when the solver has no roster in time (see rosters.generate_roster).
        raise DomainError("no_roster_in_time", "没有排出班表", "no roster in time")

    monkeypatch.setattr(reoffer, "reoffer_declined", no_roster)
    result = call(d, "nurse:1", start=MONDAY_9, hours=4)
    answer(session, offers(session, result.call.id)[0], True, NOW + timedelta(minutes=1))
    for i in range(1, 4):
        report = surge.tick(
            session=session, now=NOW + timedelta(minutes=1 + i), settings=SETTINGS, replan_params=TEST_PARAMS
        )
        assert report.replanned == []
        (entry,) = offer_of(session, result.call.id, nurse).preempted
        assert entry["tries"] == i and entry["replanned"] is (i == 3)
    failures = session.scalars(select(AuditEntry).where(AuditEntry.action == "surge.replan_failed")).all()
    assert len(failures) == 3 and failures[0].detail["code"] == "no_roster_in_time"
    # The published roster is the same one, the freed slot declined in it.
    assert roster.status is RosterStatus.PUBLISHED


def test_surge_preemption_replans_around_a_confirmed_person_who_fell_sick_since(session: Session) -> None:
    d, roster, nurse, spare, guard, routine, emergency = _street_with_a_published_week(session)
    # The guard's confirmed (pinned) emergency shift now clashes with a sick note: the re-plan
    # replaces the guard as well instead of failing on a pin that breaks a rule.
    away(session, guard, ExceptionKind.SICKNESS, MONDAY_9 - timedelta(hours=2), MONDAY_9 + timedelta(hours=8))
    result = call(d, "nurse:1", start=MONDAY_9, hours=4)
    answer(session, offers(session, result.call.id)[0], True, NOW + timedelta(minutes=1))
    report = surge.tick(
        session=session, now=NOW + timedelta(minutes=2), settings=SETTINGS, replan_params=TEST_PARAMS
    )
    assert len(report.replanned) == 1
    (entry,) = offer_of(session, result.call.id, nurse).preempted
    assert entry["replanned"] is True
    new = session.get(Roster, report.replanned[0])
    assert new is not None and new.status is RosterStatus.PUBLISHED
    assert guard.id not in {a.person_id for a in new.assignments if a.shift_id == emergency.id}
