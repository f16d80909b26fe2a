"""Surge calls in the ledgers: a row per call with people asked for and come, response time, tier reached."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from scheduler.ledgers import service as ledgers
from scheduler.people.models import Category
from scheduler.surge import service as surge
from tests.conftest import NOW
from tests.scheduler.surge_support import answer, call, district, offer_of, offers, tick

MIN = timedelta(minutes=1)


def test_surge_ledger_lists_the_periods_calls_and_fills_the_assessments_response_times(
    session: Session,
) -> None:
    d = district(session)
    worker = d.person("网格员", d.st.a1, category=Category.GRID_FULL_TIME)
    helper = d.person("志愿者", d.st.a1)
    far = d.person("乙社区", d.st.b1)
    first = call(d, "general:2")
    answer(session, offer_of(session, first.call.id, worker), True, NOW + 2 * MIN)
    answer(session, offer_of(session, first.call.id, helper), True, NOW + 4 * MIN)
    surge.check_in(session=session, token=offer_of(session, first.call.id, helper).token, now=NOW + 14 * MIN)
    surge.check_in(session=session, token=offer_of(session, first.call.id, worker).token, now=NOW + 20 * MIN)
    second = call(d, "general:3", grid="A2", now=NOW + timedelta(hours=1), start=NOW + timedelta(hours=1))
    tick(session, NOW + timedelta(hours=1, minutes=6))  # nobody answers: on to the street
    assert far.id in {o.person_id for o in offers(session, second.call.id)}
    ledger = ledgers.build_ledger(session=session, kind="week", day=NOW.date(), now=NOW + timedelta(days=1))
    assert ledger.surges is not None
    rows = {r.call_id: r for r in ledger.surges}
    one, two = rows[first.call.id], rows[second.call.id]
    assert (one.grid, one.asked, one.answered, one.response_minutes, one.level) == (
        "甲一网格",
        2,
        2,
        14.0,
        "社区",
    )
    assert (two.grid, two.asked, two.answered, two.response_minutes, two.level) == (
        "甲二网格",
        3,
        0,
        None,
        "街道",
    )
    units = {(u.level, u.name): u for u in ledger.assessment.units}
    assert units["grid", "甲一网格"].response_minutes == 14.0
    assert units["community", "甲社区"].response_minutes == 14.0
    assert units["grid", "甲二网格"].response_minutes is None
    workers = {w.load.person_id: w for w in ledger.assessment.workers}
    assert workers[worker.id].response_minutes == 2.0
    # Another week has no calls: an empty list, not "no records".
    later = ledgers.build_ledger(session=session, kind="week", day=NOW.date() - timedelta(days=14), now=NOW)
    assert later.surges == []
