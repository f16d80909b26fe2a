"""Ledger figures on a hand-made week whose answers are known (see ledger_history.History)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.errors import DomainError, NotFound, ValidationError
from scheduler.ledgers import service as ledgers
from scheduler.ledgers.assessment import gini
from scheduler.people.models import Category
from tests.scheduler.ledger_history import LATER, History


def test_week_ledger_counts_the_published_roster_only(session: Session) -> None:
    History(session)
    ledger = ledgers.build_ledger(session=session, kind="week", day=date(2026, 12, 2), now=LATER)
    street = ledger.unit("street", "测试街道")
    assert (street.shifts, street.required, street.filled, street.confirmed, street.declined) == (
        4,
        6,
        4,
        4,
        1,
    )
    assert (street.attended, street.no_shows) == (2, 1)
    assert (street.planned_minutes, street.served_minutes) == (240 * 2 + 180 + 120, 240 + 150)
    assert street.coverage == pytest.approx(4 / 6)
    assert street.gap == 2
    a1, a2, b1 = (ledger.unit("grid", n) for n in ("甲一网格", "甲二网格", "乙一网格"))
    assert (a1.required, a1.filled, a1.attended, a1.no_shows) == (3, 3, 2, 1)
    assert (a2.required, a2.filled, a2.confirmed) == (2, 1, 1)
    assert (b1.required, b1.filled, b1.declined) == (1, 0, 1)
    community = ledger.unit("community", "甲社区")
    assert (community.required, community.filled) == (5, 4)
    assert ledger.period.start == date(2026, 11, 30) and ledger.period.end == date(2026, 12, 7)
    assert [u.missing for u in ledger.unmet] == [1] and ledger.unmet[0].reason == "too_few"
    assert ledger.scope_zh == "测试街道"
    # The superseded version (志愿者丁 on s1) and the draft (志愿者戊 on s1) add nothing.
    assert {p.name: p.shifts for p in ledger.people if p.shifts} == {
        "网格员甲": 1,
        "志愿者乙": 1,
        "党员丙": 1,
        "志愿者丁": 1,
    }


def test_day_ledger_holds_only_that_days_shifts(session: Session) -> None:
    History(session)
    ledger = ledgers.build_ledger(session=session, kind="day", day=date(2026, 11, 30), now=LATER)
    street = ledger.unit("street", "测试街道")
    assert (street.shifts, street.required, street.filled, street.attended, street.no_shows) == (
        1,
        2,
        2,
        1,
        1,
    )
    assert street.served_minutes == 240
    assert street.no_show_rate == pytest.approx(0.5)


def test_hours_by_person_and_category_count_served_time_inside_the_shift(session: Session) -> None:
    History(session)
    ledger = ledgers.build_ledger(session=session, kind="week", day=date(2026, 11, 30), now=LATER)
    people = {p.name: p for p in ledger.people}
    # Checked in 07:50 and out 12:10 on an 08:00–12:00 shift: 240 minutes, not 260.
    assert (people["网格员甲"].planned_minutes, people["网格员甲"].served_minutes) == (240, 240)
    assert (people["党员丙"].planned_minutes, people["党员丙"].served_minutes) == (180, 150)
    assert (people["志愿者乙"].served_minutes, people["志愿者乙"].no_shows) == (0, 1)
    assert people["志愿者戊"].declined == 1
    volunteers = next(c for c in ledger.categories if c.category is Category.VOLUNTEER)
    assert (volunteers.people, volunteers.on_duty, volunteers.planned_minutes, volunteers.served_minutes) == (
        3,
        2,
        360,
        0,
    )
    # Planned minutes 240, 120, 0: mean absolute difference 160 over twice the mean 120.
    assert volunteers.gini == pytest.approx(4 / 9)


def test_party_member_quota_counts_the_month_of_the_periods_last_day(session: Session) -> None:
    History(session)
    week = ledgers.build_ledger(session=session, kind="week", day=date(2026, 11, 30), now=LATER)
    (row,) = week.quota
    # The week ends on Sunday 12-06, so the month is December: the Tuesday 12-01 shift counts.
    assert (row.name, row.work_unit, row.quota_hours, row.served_minutes, row.met) == (
        "党员丙",
        "区税务局",
        8,
        150,
        False,
    )
    november = ledgers.build_ledger(session=session, kind="month", day=date(2026, 11, 5), now=LATER)
    assert november.quota[0].served_minutes == 0
    assert november.unit("street", "测试街道").shifts == 1


def test_month_ledger_covers_the_calendar_month(session: Session) -> None:
    History(session)
    ledger = ledgers.build_ledger(session=session, kind="month", day=date(2026, 12, 8), now=LATER)
    street = ledger.unit("street", "测试街道")
    assert (street.shifts, street.required, street.filled) == (3, 4, 2)
    assert any("尚未结束" in n for n in ledger.notes)


def test_sms_sent_and_failed_are_counted_from_the_outbox(session: Session) -> None:
    History(session)
    ledger = ledgers.build_ledger(session=session, kind="week", day=date(2026, 11, 30), now=LATER)
    (row,) = ledger.messages
    assert (row.channel, row.kind, row.total, row.sent, row.failed) == ("sms", "offer", 2, 1, 1)
    assert ledger.surges is None


def test_assessment_flags_grids_at_or_above_538_households_per_full_time_worker(session: Session) -> None:
    History(session)
    ledger = ledgers.build_ledger(session=session, kind="week", day=date(2026, 11, 30), now=LATER)
    units = {(u.level, u.name): u for u in ledger.assessment.units}
    a1, a2, b1 = units["grid", "甲一网格"], units["grid", "甲二网格"], units["grid", "乙一网格"]
    assert (a1.households_per_worker, a1.overloaded) == (400, False)
    assert (a2.full_time_workers, a2.households_per_worker, a2.overloaded) == (0, None, True)
    assert (b1.households_per_worker, b1.overloaded) == (600, True)
    assert units["community", "甲社区"].households_per_worker == 900
    assert a1.figures.coverage == 1.0 and a1.response_minutes is None
    workers = {w.load.name: w for w in ledger.assessment.workers}
    assert set(workers) == {"网格员甲", "网格员己"}
    assert workers["网格员甲"].load_ratio == pytest.approx(2.0)
    assert workers["网格员甲"].confirmation_rate == 1.0
    assert workers["网格员己"].households_per_worker == 600


def test_gini_is_zero_for_equal_load_and_grows_with_concentration() -> None:
    assert gini([]) == 0.0 and gini([5]) == 0.0 and gini([0, 0, 0]) == 0.0
    assert gini([3, 3, 3, 3]) == 0.0
    assert gini([0, 0, 0, 12]) == pytest.approx(0.75)


def test_a_future_period_is_refused(session: Session) -> None:
    History(session)
    with pytest.raises(ValidationError) as error:
        ledgers.build_ledger(session=session, kind="day", day=date(2026, 12, 9), now=LATER)
    assert error.value.code == "period_in_future" and "尚未开始" in error.value.message_zh


@pytest.mark.parametrize(
    ("kind", "day", "street", "code"),
    [
        ("year", date(2026, 12, 1), None, "bad_period"),
        ("month", date(2027, 1, 1), None, "period_in_future"),
        ("week", date(2026, 12, 1), 999_999, "street_not_found"),
    ],
)
def test_bad_ledger_requests_say_why_and_write_nothing(
    session: Session, kind: str, day: date, street: int | None, code: str
) -> None:
    History(session)
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(DomainError) as error:
        ledgers.build_ledger(session=session, kind=kind, day=day, now=LATER, street_id=street)
    assert error.value.code == code and error.value.message_zh and error.value.message_en
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert not session.new and not session.dirty


def test_a_reversed_period_is_refused() -> None:
    from scheduler.ledgers.periods import period_between

    with pytest.raises(ValidationError) as error:
        period_between(date(2026, 12, 5), date(2026, 12, 1), today=date(2026, 12, 8))
    assert error.value.code == "period_reversed"
    assert period_between(date(2026, 12, 1), date(2026, 12, 5), today=date(2026, 12, 8)).end == date(
        2026, 12, 6
    )


def test_an_unknown_street_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        ledgers.scope_streets(session=session, street_id=424242)
