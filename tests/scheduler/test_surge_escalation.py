"""Tiers on a clock the test controls: community, street, departments (部门报到), then the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.availability.models import ExceptionKind
from scheduler.errors import DomainError
from scheduler.people.models import Person
from scheduler.surge import service as surge
from scheduler.surge.board import call_board
from scheduler.surge.models import CallStatus, DepartmentRequest, OfferStatus, SurgeNotice, Tier
from tests.conftest import NOW
from tests.scheduler.surge_support import PARTY, answer, away, call, district, offer_of, offers, sms, tick

MIN = timedelta(minutes=1)
FAR = NOW + timedelta(days=400)


def test_surge_escalation_moves_through_the_tiers_on_its_own_timeline_and_tells_both_coordinators(
    session: Session,
) -> None:
    d = district(session)
    accounts = d.coordinators()
    neighbour = d.person("同社区", d.st.a2)
    street_nurse = d.person("街道护士", d.st.b1, skills={"nurse": FAR.date()})
    dept_nurse = d.person(
        "部门护士", d.c1, skills={"nurse": FAR.date()}, category=PARTY, work_unit="区卫健委"
    )
    d.person("部门职员", d.c1, category=PARTY, work_unit="区税务局")
    result = call(d, "nurse:1")
    c = result.call
    # Tier 1: nobody in the community holds the skill, so nobody is asked yet.
    assert offers(session, c.id) == [] and neighbour.id != street_nurse.id
    assert tick(session, NOW + 4 * MIN).escalated == []
    report = tick(session, NOW + 5 * MIN)
    assert report.escalated == [(c.id, "street")]
    assert c.tier is Tier.STREET and c.tier_started_at == NOW + 5 * MIN
    assert [o.person_id for o in offers(session, c.id)] == [street_nurse.id]
    escalated = session.scalars(select(SurgeNotice).where(SurgeNotice.kind == "escalated")).all()
    assert {(n.tier, n.account_id) for n in escalated} == {
        (Tier.COMMUNITY, accounts["community"].id),
        (Tier.STREET, accounts["street"].id),
    }
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "surge.escalate")) is not None
    # The street nurse stays silent; 5 minutes later the departments are asked.
    report = tick(session, NOW + 10 * MIN)
    assert report.escalated == [(c.id, "department")] and report.expired == 1
    assert dept_nurse.id in {o.person_id for o in offers(session, c.id)}
    requests = {r.unit: r for r in session.scalars(select(DepartmentRequest))}
    assert set(requests) == {"区卫健委", "区税务局"}
    assert all(r.due_at == NOW + 40 * MIN for r in requests.values())  # 30 minutes from the whistle
    district_notices = session.scalars(
        select(SurgeNotice).where(SurgeNotice.kind == "escalated", SurgeNotice.tier == Tier.DEPARTMENT)
    ).all()
    assert [n.account_id for n in district_notices] == [accounts["district"].id]
    # The whole escalation fits the 30-minute rule: past it, every coordinator is told.
    assert tick(session, NOW + 29 * MIN).deadline_missed == []
    assert tick(session, NOW + 30 * MIN).deadline_missed == [c.id]
    assert c.deadline_missed_at == NOW + 30 * MIN
    assert tick(session, NOW + 31 * MIN).deadline_missed == []  # told once
    # The health commission reports whom it sends: a new person by name and phone.
    sent = surge.department_report(
        session=session,
        call_id=c.id,
        unit="区卫健委",
        new_people=[surge.NewPerson("新护士", "13912345678", ("nurse",))],
        now=NOW + 32 * MIN,
        actor="dept",
    )
    assert [o.status for o in sent] == [OfferStatus.CONFIRMED] and sent[0].need.code == "nurse"
    assert c.status is CallStatus.STAFFED and requests["区卫健委"].sent == 1
    assert c.first_confirmed_at == NOW + 32 * MIN
    # The person sent gets a text with their own link (to check in on arrival).
    assert [m.person_id for m in sms(session, "surge_reminder")] == [sent[0].person_id]
    assert sent[0].token in sms(session, "surge_reminder")[0].payload["body"]
    assert offer_of(session, c.id, dept_nurse).status is OfferStatus.EXPIRED


def test_surge_escalation_a_late_tick_catches_up_on_the_calls_timeline(session: Session) -> None:
    d = district(session)
    d.person("街道", d.st.b1)
    result = call(d, "general:1")
    report = tick(session, NOW + 12 * MIN)
    assert report.escalated == [(result.call.id, "street"), (result.call.id, "department")]
    assert result.call.tier_started_at == NOW + 10 * MIN


def test_surge_escalation_stops_once_the_call_is_staffed(session: Session) -> None:
    d = district(session)
    a = d.person("甲", d.st.a1)
    result = call(d, "general:1")
    answer(session, offer_of(session, result.call.id, a), True, NOW + MIN)
    assert tick(session, NOW + 20 * MIN).escalated == []
    assert result.call.tier is Tier.COMMUNITY


def test_surge_escalation_department_report_refusals_write_nothing(session: Session) -> None:
    d = district(session)
    d.person("甲", d.st.a1)
    result = call(d, "general:1")
    with pytest.raises(DomainError) as info:
        surge.department_report(
            session=session, call_id=result.call.id, unit="区税务局", person_ids=[1], now=NOW, actor="x"
        )
    assert info.value.code == "department_not_requested"
    d.person("职员", d.c1, category=PARTY, work_unit="区税务局")
    tick(session, NOW + 10 * MIN)
    before = len(offers(session, result.call.id))
    for kwargs, code in (
        ({}, "nobody_reported"),
        ({"person_ids": [999999]}, "person_not_found"),
        ({"new_people": [surge.NewPerson("某", "123")]}, "phone_invalid"),
        ({"new_people": [surge.NewPerson("某", "13912345678", ("telepathy",))]}, "unknown_skill"),
        ({"new_people": [surge.NewPerson(" ", "13912345678")]}, "name_missing"),
    ):
        with pytest.raises(DomainError) as info:
            surge.department_report(
                session=session, call_id=result.call.id, unit="区税务局", now=NOW, actor="x", **kwargs
            )
        assert info.value.code == code
    assert len(offers(session, result.call.id)) == before
    assert session.scalar(select(Person).where(Person.phone == "+8613912345678")) is None


def test_surge_escalation_a_call_no_tier_can_fill_reports_exactly_what_is_missing_and_why(
    session: Session,
) -> None:
    d = district(session)
    a, b = d.person("甲", d.st.a1), d.person("乙", d.st.b1)
    d.person("请假", d.st.a1, skills={"first_aid": FAR.date()})
    busy = session.scalars(select(Person).where(Person.name == "请假")).one()
    away(session, busy, ExceptionKind.SICKNESS, NOW - timedelta(days=1), NOW + timedelta(days=2))
    result = call(d, "general:2", "sign_language:1", "first_aid:1")
    c = result.call
    assert {u.need for u in result.unfillable} == {"sign_language"}
    answer(session, offer_of(session, c.id, a), False, NOW + MIN)
    tick(session, NOW + 5 * MIN)  # street: 乙 asked
    answer(session, offer_of(session, c.id, b), False, NOW + 6 * MIN)
    tick(session, NOW + 10 * MIN)
    tick(session, NOW + 30 * MIN)
    board = call_board(session, c.id, NOW + 31 * MIN)
    assert board.tier == "department" and board.minutes == 31.0
    unmet = {u.need: u for u in board.unmet}
    assert unmet["sign_language"].reason == "no_one_has_skill" and unmet["sign_language"].missing == 1
    assert unmet["general"].reason == "all_asked_none_available" and unmet["general"].missing == 2
    assert unmet["general"].detail["declined"] == 2 and unmet["general"].detail["qualified"] == 3
    assert unmet["first_aid"].reason == "all_asked_none_available"
    assert unmet["first_aid"].detail["busy_or_absent"] == 1
    needs = {n.need: n for n in board.needs}
    assert (needs["general"].needed, needs["general"].declined, needs["general"].confirmed) == (2, 2, 0)
    assert [n["kind"] for n in board.as_dict()["notices"]].count("deadline_missed") == 3


def test_surge_escalation_a_call_raised_days_ahead_escalates_only_when_the_start_draws_near(
    session: Session,
) -> None:
    d = district(session)
    d.person("街道", d.st.b1)
    start = NOW + timedelta(days=3)
    result = call(d, "general:1", start=start)
    assert tick(session, NOW + 10 * MIN).escalated == []
    board = call_board(session, result.call.id, NOW + 10 * MIN)
    assert board.next_escalation_at == start - 30 * MIN  # the 5 + 5 + 20 minutes still fit
    report = tick(session, start - 30 * MIN)
    assert report.escalated == [(result.call.id, "street")]
    assert result.call.tier_started_at == start - 30 * MIN
    assert tick(session, start - 25 * MIN).escalated == [(result.call.id, "department")]
