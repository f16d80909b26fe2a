"""Build a ledger (日报/周报/月报台账) of a street, or of every street, from the published rosters."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.attendance.models import Attendance
from scheduler.clock import local_midnight, local_zone
from scheduler.errors import NotFound, ValidationError
from scheduler.ledgers import surges
from scheduler.ledgers.assessment import Assessment, assess, gini
from scheduler.ledgers.figures import Figures, PersonLoad, add_shift
from scheduler.ledgers.periods import Period, period_for
from scheduler.ledgers.records import Records, by_shift, load_messages, load_records
from scheduler.outbox.models import OutboxMessage, OutboxStatus
from scheduler.people.models import Category, Skill
from scheduler.rosters.reasons import REASONS_ZH
from scheduler.territory.models import Street


@dataclass
class UnitRow:
    """Figures of one grid, community or street."""

    level: str  # "street" | "community" | "grid"
    id: int
    name: str
    parent: str
    figures: Figures


@dataclass
class CategoryRow:
    category: Category
    people: int  # in the pool of the scope
    on_duty: int  # with at least one shift in the period
    planned_minutes: int
    served_minutes: int
    gini: float  # of planned minutes among the category's people of the pool


@dataclass
class QuotaRow:
    """An in-service party member's service this month (双报到双服务) against the monthly quota."""

    person_id: int
    name: str
    work_unit: str
    grid: str
    quota_hours: int
    planned_minutes: int  # month to the period's end
    served_minutes: int  # month to the period's end, from check-in / check-out

    @property
    def met(self) -> bool:
        return self.served_minutes >= self.quota_hours * 60


@dataclass
class UnmetRow:
    shift_id: int
    starts_at: datetime
    ends_at: datetime
    grid: str
    task_zh: str
    skill: str | None
    missing: int
    reason: str
    reason_zh: str


@dataclass
class MessageRow:
    channel: str
    kind: str
    total: int
    sent: int
    failed: int
    waiting: int
    dropped: int


@dataclass
class Ledger:
    period: Period
    streets: list[Street]
    generated_at: datetime
    units: list[UnitRow]
    people: list[PersonLoad]
    categories: list[CategoryRow]
    quota: list[QuotaRow]
    unmet: list[UnmetRow]
    messages: list[MessageRow]
    surges: list[surges.SurgeRow] | None  # None: there is no record of surge calls yet
    assessment: Assessment
    notes: list[str] = field(default_factory=list)

    @property
    def scope_zh(self) -> str:
        return "、".join(s.name for s in self.streets) if self.streets else "（无街道）"

    def unit(self, level: str, name: str) -> Figures:
        return next(u.figures for u in self.units if u.level == level and u.name == name)


def scope_streets(*, session: Session, street_id: int | None) -> list[Street]:
    if street_id is None:
        return list(session.scalars(select(Street).order_by(Street.id)))
    street = session.get(Street, street_id)
    if street is None:
        raise NotFound("street_not_found", f"没有编号为 {street_id} 的街道", f"no street {street_id}")
    return [street]


def build_ledger(
    *,
    session: Session,
    kind: str,
    day: date,
    now: datetime,
    street_id: int | None = None,
) -> Ledger:
    """The ledger of the day, ISO week or month containing ``day``; only periods that have begun."""
    if now.tzinfo is None:
        raise ValidationError("naive_time", "时间必须带时区", "the time must carry a time zone")
    period = period_for(kind, day, today=now.astimezone(local_zone()).date())
    return ledger_for(session=session, period=period, now=now, street_id=street_id)


def ledger_for(*, session: Session, period: Period, now: datetime, street_id: int | None = None) -> Ledger:
    streets = scope_streets(session=session, street_id=street_id)
    month_start = local_midnight(period.last_day.replace(day=1), local_zone())
    since = min(period.starts_at, month_start)
    records = load_records(session=session, streets=streets, since=since, until=period.ends_at)
    in_period = records.shifts_between(period.starts_at, period.ends_at)
    units, loads = _figures(records, in_period)
    month = _figures(records, records.shifts_between(month_start, period.ends_at))[1]
    skill_zh = dict(session.execute(select(Skill.code, Skill.name_zh)).all())
    messages = load_messages(session=session, records=records, since=period.starts_at, until=period.ends_at)
    ledger = Ledger(
        period=period,
        streets=streets,
        generated_at=now,
        units=units,
        people=sorted(loads.values(), key=lambda p: (p.category, p.grid, p.name, p.person_id)),
        categories=category_rows(loads),
        quota=_quota(records, month),
        unmet=_unmet(records, in_period, skill_zh),
        messages=_messages(messages),
        surges=surges.surge_calls(session=session, streets=streets, period=period),
        assessment=assess(records=records, units=units, loads=loads),
    )
    surges.apply_response_minutes(
        session=session, assessment=ledger.assessment, streets=streets, period=period
    )
    if period.ends_at > now:
        ledger.notes.append(f"本期尚未结束：数字截至 {now.astimezone(local_zone()):%Y-%m-%d %H:%M}")
    if not records.assignments:
        ledger.notes.append("本期没有已发布的排班")
    return ledger


def _figures(records: Records, shift_ids: set[int]) -> tuple[list[UnitRow], dict[int, PersonLoad]]:
    per_grid: dict[int, Figures] = defaultdict(Figures)
    loads: dict[int, PersonLoad] = {}
    grid_name = {g.id: g.code for g in records.grids.values()}
    for p in records.people.values():
        loads[p.id] = PersonLoad.of(p, grid_name)
    assigned = by_shift(records.assignments)
    attended: dict[int, list[Attendance]] = defaultdict(list)
    for record in records.attendance.values():
        attended[record.shift_id].append(record)
    for shift_id in sorted(shift_ids):
        shift = records.shifts[shift_id]
        add_shift(
            per_grid[shift.grid_id], loads, shift, assigned.get(shift_id, []), attended[shift_id], grid_name
        )
    units: list[UnitRow] = []
    for street in records.streets:
        street_fig = Figures()
        street_units: list[UnitRow] = []
        for community in street.communities:
            community_fig = Figures()
            grid_units = []
            for grid in community.grids:
                fig = per_grid.get(grid.id, Figures())
                community_fig.add(fig)
                grid_units.append(UnitRow("grid", grid.id, grid.name, community.name, fig))
            street_fig.add(community_fig)
            street_units.append(
                UnitRow("community", community.id, community.name, street.name, community_fig)
            )
            street_units.extend(grid_units)
        units.append(UnitRow("street", street.id, street.name, street.district.name, street_fig))
        units.extend(street_units)
    return units, loads


def category_rows(loads: dict[int, PersonLoad]) -> list[CategoryRow]:
    """Hours per category and the Gini of load within it, for the people given (a scope narrowed
    to one community passes just its people)."""
    rows = []
    for category in Category:
        members = [p for p in loads.values() if p.category is category]
        if not members:
            continue
        rows.append(
            CategoryRow(
                category=category,
                people=len(members),
                on_duty=sum(1 for p in members if p.shifts),
                planned_minutes=sum(p.planned_minutes for p in members),
                served_minutes=sum(p.served_minutes for p in members),
                gini=gini([p.planned_minutes for p in members]),
            )
        )
    return rows


def _quota(records: Records, month: dict[int, PersonLoad]) -> list[QuotaRow]:
    rows = []
    for p in records.people.values():
        if p.category is not Category.PARTY_IN_SERVICE:
            continue
        load = month[p.id]
        rows.append(
            QuotaRow(
                p.id,
                p.name,
                p.work_unit or "",
                load.grid,
                p.monthly_quota_hours,
                load.planned_minutes,
                load.served_minutes,
            )
        )
    return sorted(rows, key=lambda r: (r.met, r.grid, r.name))


def _unmet(records: Records, shift_ids: set[int], skill_zh: dict[str, str]) -> list[UnmetRow]:
    rows = []
    for u in records.unmet:
        if u.shift_id not in shift_ids:
            continue
        s = records.shifts[u.shift_id]
        detail = u.detail or {}
        skill = skill_zh.get(u.skill_code or "", u.skill_code or "人员")
        reason_zh = REASONS_ZH.get(u.reason, u.reason).format(
            skill=skill, qualified=detail.get("qualified", 0), available=detail.get("available", 0)
        )
        rows.append(
            UnmetRow(
                s.id,
                s.starts_at,
                s.ends_at,
                records.grids[s.grid_id].name,
                s.task_type.name_zh,
                skill if u.skill_code else None,
                u.missing,
                u.reason,
                reason_zh,
            )
        )
    return sorted(rows, key=lambda r: (r.starts_at, r.grid, r.shift_id))


def _messages(messages: list[OutboxMessage]) -> list[MessageRow]:
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for m in messages:
        counts[m.channel.value, m.kind][m.status.value] += 1
    return [
        MessageRow(
            channel,
            kind,
            sum(c.values()),
            c[OutboxStatus.SENT.value],
            c[OutboxStatus.FAILED.value],
            c[OutboxStatus.PENDING.value] + c[OutboxStatus.CLAIMED.value],
            c[OutboxStatus.DROPPED.value],
        )
        for (channel, kind), c in sorted(counts.items())
    ]
