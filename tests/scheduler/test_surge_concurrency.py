"""Two yeses at the same moment for the last seat: exactly one gets it (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.migrate import upgrade
from scheduler.surge import service as surge
from scheduler.surge.models import OfferStatus, SurgeOffer
from tests.conftest import NOW
from tests.scheduler.notify_support import SETTINGS
from tests.scheduler.surge_support import call, district


def test_surge_concurrency_two_yeses_for_the_last_seat_fill_it_once(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as s:
            d = district(s)
            for name in ("甲", "乙", "丙"):
                d.person(name, d.st.a1)
            call_id = call(d, "general:1").call.id
            tokens = [o.token for o in s.scalars(select(SurgeOffer).where(SurgeOffer.call_id == call_id))]
        assert len(tokens) == 2
        start = threading.Barrier(2)
        outcomes: list[surge.AnswerOutcome] = []
        errors: list[BaseException] = []

        def worker(token: str) -> None:
            try:
                start.wait()
                with transaction(factory) as s:
                    result = surge.answer(
                        session=s,
                        token=token,
                        confirm=True,
                        now=NOW + timedelta(minutes=1),
                        settings=SETTINGS,
                    )
                    outcomes.append(result.outcome)
            except BaseException as exc:  # reported below: a thread's exception is otherwise lost
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(t,)) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        assert sorted(outcomes) == sorted([surge.AnswerOutcome.CONFIRMED, surge.AnswerOutcome.NOT_NEEDED])
        with factory() as s:
            statuses = sorted(
                o.status for o in s.scalars(select(SurgeOffer).where(SurgeOffer.call_id == call_id))
            )
        assert statuses == sorted([OfferStatus.CONFIRMED, OfferStatus.NOT_NEEDED])
    finally:
        engine.dispose()
