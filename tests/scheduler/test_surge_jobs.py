"""The surge tick as a job: its own engine and transaction, on a committed database, idempotent."""

from __future__ import annotations

from datetime import timedelta

from scheduler.clock import FixedClock
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.migrate import upgrade
from scheduler.surge.jobs import surge_tick
from tests.conftest import NOW
from tests.scheduler.surge_support import call, district


def test_surge_jobs_tick_expires_and_escalates_once(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with transaction(make_session_factory(engine)) as s:
            d = district(s)
            d.person("甲", d.st.a1)
            d.person("乙", d.st.b1)
            call_id = call(d, "general:2").call.id
    finally:
        engine.dispose()
    later = FixedClock(NOW + timedelta(minutes=5))
    first = surge_tick(db_url, later)
    assert first["expired"] == 1 and first["escalated"] == [{"call_id": call_id, "tier": "street"}]
    assert first["offers"] == 1
    again = surge_tick(db_url, later)
    assert (again["expired"], again["escalated"], again["offers"]) == (0, [], 0)
