"""Ledger periods: a day (日报), an ISO week (周报), a calendar month (月报), or from–to, in local dates."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduler.clock import iso_week, local_midnight, local_zone
from scheduler.errors import ValidationError


class PeriodKind(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    RANGE = "range"


KIND_ZH = {
    PeriodKind.DAY: "日报",
    PeriodKind.WEEK: "周报",
    PeriodKind.MONTH: "月报",
    PeriodKind.RANGE: "台账",
}


@dataclass(frozen=True, slots=True)
class Period:
    """Local dates ``start`` (included) to ``end`` (excluded)."""

    kind: PeriodKind
    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.start, local_zone())

    @property
    def ends_at(self) -> datetime:
        return local_midnight(self.end, local_zone())

    @property
    def label_zh(self) -> str:
        if self.kind is PeriodKind.DAY:
            return f"日报 {self.start.isoformat()}"
        if self.kind is PeriodKind.WEEK:
            return f"周报 {iso_week(self.start)}（{self.start.isoformat()} 至 {self.last_day.isoformat()}）"
        if self.kind is PeriodKind.MONTH:
            return f"月报 {self.start.year}年{self.start.month}月"
        return f"台账 {self.start.isoformat()} 至 {self.last_day.isoformat()}"

    @property
    def label_en(self) -> str:
        if self.kind is PeriodKind.WEEK:
            return f"week {iso_week(self.start)}"
        if self.kind is PeriodKind.MONTH:
            return f"month {self.start.year}-{self.start.month:02d}"
        return f"{self.kind.value} {self.start.isoformat()} to {self.last_day.isoformat()}"


def _not_future(period: Period, today: date) -> Period:
    if period.start > today:
        raise ValidationError(
            "period_in_future",
            f"台账期间 {period.start.isoformat()} 起尚未开始（今天是 {today.isoformat()}）",
            f"the period starting {period.start.isoformat()} has not begun (today is {today.isoformat()})",
        )
    return period


def period_for(kind: str, day: date, *, today: date) -> Period:
    """The day, ISO week or calendar month containing ``day``; it must have begun by ``today``.

    The current day, week or month is allowed: its ledger shows what has happened so far.
    """
    try:
        k = PeriodKind(kind)
    except ValueError:
        k = PeriodKind.RANGE  # not accepted here: falls through to the error below
    if k is PeriodKind.DAY:
        return _not_future(Period(k, day, day + timedelta(days=1)), today)
    if k is PeriodKind.WEEK:
        monday = day - timedelta(days=day.weekday())
        return _not_future(Period(k, monday, monday + timedelta(days=7)), today)
    if k is PeriodKind.MONTH:
        first = day.replace(day=1)
        return _not_future(Period(k, first, (first + timedelta(days=32)).replace(day=1)), today)
    raise ValidationError(
        "bad_period",
        f"台账期间应为 day、week 或 month：{kind!r}",
        f"the period must be day, week or month: {kind!r}",
    )


def period_between(start: date, last_day: date, *, today: date) -> Period:
    """From ``start`` to ``last_day``, both included."""
    if last_day < start:
        raise ValidationError(
            "period_reversed",
            f"台账期间颠倒：结束日 {last_day.isoformat()} 早于开始日 {start.isoformat()}",
            f"the period is reversed: it ends {last_day.isoformat()}, before it starts {start.isoformat()}",
        )
    return _not_future(Period(PeriodKind.RANGE, start, last_day + timedelta(days=1)), today)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(
            "bad_date",
            f"日期应写作 2026-12-01 这样的格式：{text!r}",
            f"a date must look like 2026-12-01: {text!r}",
        ) from exc
