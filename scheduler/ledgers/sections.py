"""A ledger as titled tables with Chinese headers: the one layout every export (XLSX, CSV, PDF) writes."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from scheduler.clock import local_zone
from scheduler.ledgers.assessment import UnitAssessment
from scheduler.ledgers.figures import Figures
from scheduler.ledgers.service import Ledger
from scheduler.people.models import CATEGORY_LABELS_ZH
from scheduler.rosters.reasons import when_zh

Cell = str | int | float | None


class Kind(enum.Enum):
    TEXT = "text"
    INT = "int"
    HOURS = "hours"  # minutes in, hours with one decimal out
    PCT = "pct"  # a fraction, shown as a percentage
    NUMBER = "number"  # a float with up to three decimals


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT


@dataclass
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]


LEVEL_ZH = {"street": "街道", "community": "社区", "grid": "网格"}
YES_NO = {True: "是", False: "否"}
MESSAGE_KINDS_ZH = {"offer": "排班通知", "change": "变更通知", "cancel": "取消通知", "reminder": "值守提醒"}


def hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def format_cell(value: Cell, kind: Kind) -> str:
    """Text of a cell for CSV and PDF: hours with one decimal, percentages, "—" for no value."""
    if value is None:
        return "—"
    if kind is Kind.HOURS and isinstance(value, int | float):
        return f"{value:.1f}"
    if kind is Kind.PCT and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if kind is Kind.NUMBER and isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


FIGURE_COLUMNS = [
    Column("班次数", Kind.INT),
    Column("应到人次", Kind.INT),
    Column("已排人次", Kind.INT),
    Column("已确认", Kind.INT),
    Column("已拒绝", Kind.INT),
    Column("签到", Kind.INT),
    Column("缺勤", Kind.INT),
    Column("缺口人次", Kind.INT),
    Column("覆盖率", Kind.PCT),
    Column("确认率", Kind.PCT),
    Column("缺勤率", Kind.PCT),
    Column("计划工时(小时)", Kind.HOURS),
    Column("服务工时(小时)", Kind.HOURS),
]


def figure_cells(f: Figures) -> list[Cell]:
    return [
        f.shifts,
        f.required,
        f.filled,
        f.confirmed,
        f.declined,
        f.attended,
        f.no_shows,
        f.gap,
        f.coverage,
        f.confirmation_rate,
        f.no_show_rate,
        hours(f.planned_minutes),
        hours(f.served_minutes),
    ]


def sections(ledger: Ledger) -> list[Section]:
    return [
        _summary(ledger),
        _units(ledger),
        _people(ledger),
        _categories(ledger),
        _quota(ledger),
        _unmet(ledger),
        _messages(ledger),
        _surges(ledger),
        _grid_assessment(ledger),
        _worker_assessment(ledger),
    ]


def _summary(ledger: Ledger) -> Section:
    generated = ledger.generated_at.astimezone(local_zone())
    rows: list[list[Cell]] = [
        ["台账", ledger.period.label_zh],
        ["范围", ledger.scope_zh],
        ["期间", f"{ledger.period.start.isoformat()} 至 {ledger.period.last_day.isoformat()}"],
        ["生成时间", f"{generated:%Y-%m-%d %H:%M}"],
    ]
    total = Figures()
    for u in ledger.units:
        if u.level == "street":
            total.add(u.figures)
    rows += [
        [c.header, format_cell(v, c.kind)] for c, v in zip(FIGURE_COLUMNS, figure_cells(total), strict=True)
    ]
    rows += [["说明", note] for note in ledger.notes]
    return Section("summary", "概况", [Column("项目"), Column("内容")], rows)


def _units(ledger: Ledger) -> Section:
    return Section(
        "units",
        "分级台账",
        [Column("层级"), Column("名称"), Column("上级")] + FIGURE_COLUMNS,
        [[LEVEL_ZH[u.level], u.name, u.parent, *figure_cells(u.figures)] for u in ledger.units],
    )


def _people(ledger: Ledger) -> Section:
    columns = [
        Column("姓名"),
        Column("类别"),
        Column("网格"),
        Column("班次数", Kind.INT),
        Column("计划工时(小时)", Kind.HOURS),
        Column("服务工时(小时)", Kind.HOURS),
        Column("已确认", Kind.INT),
        Column("已拒绝", Kind.INT),
        Column("签到", Kind.INT),
        Column("缺勤", Kind.INT),
    ]
    rows: list[list[Cell]] = [
        [
            p.name,
            CATEGORY_LABELS_ZH[p.category],
            p.grid,
            p.shifts,
            hours(p.planned_minutes),
            hours(p.served_minutes),
            p.confirmed,
            p.declined,
            p.attended,
            p.no_shows,
        ]
        for p in ledger.people
        if p.shifts or p.declined
    ]
    return Section("people", "人员工时", columns, rows)


def _categories(ledger: Ledger) -> Section:
    columns = [
        Column("类别"),
        Column("人数", Kind.INT),
        Column("在岗人数", Kind.INT),
        Column("计划工时(小时)", Kind.HOURS),
        Column("服务工时(小时)", Kind.HOURS),
        Column("负荷基尼系数", Kind.NUMBER),
    ]
    rows: list[list[Cell]] = [
        [
            CATEGORY_LABELS_ZH[c.category],
            c.people,
            c.on_duty,
            hours(c.planned_minutes),
            hours(c.served_minutes),
            round(c.gini, 3),
        ]
        for c in ledger.categories
    ]
    return Section("categories", "类别工时", columns, rows)


def _quota(ledger: Ledger) -> Section:
    month = ledger.period.last_day
    columns = [
        Column("姓名"),
        Column("工作单位"),
        Column("网格"),
        Column("月度应服务(小时)", Kind.INT),
        Column(f"{month.month}月计划(小时)", Kind.HOURS),
        Column(f"{month.month}月已服务(小时)", Kind.HOURS),
        Column("是否达标"),
    ]
    rows: list[list[Cell]] = [
        [
            q.name,
            q.work_unit,
            q.grid,
            q.quota_hours,
            hours(q.planned_minutes),
            hours(q.served_minutes),
            YES_NO[q.met],
        ]
        for q in ledger.quota
    ]
    return Section("quota", "在职党员双报到服务时长", columns, rows)


def _unmet(ledger: Ledger) -> Section:
    columns = [
        Column("时间"),
        Column("网格"),
        Column("任务"),
        Column("技能"),
        Column("缺少人数", Kind.INT),
        Column("原因"),
    ]
    rows: list[list[Cell]] = [
        [when_zh(u.starts_at, u.ends_at), u.grid, u.task_zh, u.skill or "不限", u.missing, u.reason_zh]
        for u in ledger.unmet
    ]
    return Section("unmet", "未满足需求", columns, rows)


def _messages(ledger: Ledger) -> Section:
    columns = [
        Column("渠道"),
        Column("类型"),
        Column("总数", Kind.INT),
        Column("已发送", Kind.INT),
        Column("失败", Kind.INT),
        Column("待发送", Kind.INT),
        Column("已撤回", Kind.INT),
    ]
    channel = {"sms": "短信", "email": "邮件"}
    rows: list[list[Cell]] = [
        [
            channel.get(m.channel, m.channel),
            MESSAGE_KINDS_ZH.get(m.kind, m.kind),
            m.total,
            m.sent,
            m.failed,
            m.waiting,
            m.dropped,
        ]
        for m in ledger.messages
    ]
    return Section("messages", "短信与邮件", columns, rows)


def _surges(ledger: Ledger) -> Section:
    columns = [
        Column("呼叫"),
        Column("网格"),
        Column("时间"),
        Column("需要人数", Kind.INT),
        Column("到场人数", Kind.INT),
        Column("响应时间(分钟)", Kind.NUMBER),
        Column("层级"),
    ]
    if ledger.surges is None:
        return Section(
            "surges", "网格呼叫与响应", columns, [["暂无网格呼叫记录", None, None, None, None, None, None]]
        )
    rows: list[list[Cell]] = [
        [
            s.call_id,
            s.grid,
            f"{s.raised_at.astimezone(local_zone()):%m-%d %H:%M}",
            s.asked,
            s.answered,
            s.response_minutes,
            s.level,
        ]
        for s in ledger.surges
    ]
    return Section("surges", "网格呼叫与响应", columns, rows)


def _ginis(u: UnitAssessment) -> str:
    return "；".join(f"{CATEGORY_LABELS_ZH[c]} {g:.2f}" for c, g in u.gini_by_category.items()) or "—"


def _grid_assessment(ledger: Ledger) -> Section:
    columns = [
        Column("层级"),
        Column("名称"),
        Column("上级"),
        Column("户数", Kind.INT),
        Column("专职网格员", Kind.INT),
        Column("每名专职网格员户数", Kind.NUMBER),
        Column("超负荷(≥538户)"),
        Column("覆盖率", Kind.PCT),
        Column("确认率", Kind.PCT),
        Column("缺勤", Kind.INT),
        Column("缺勤率", Kind.PCT),
        Column("平均响应(分钟)", Kind.NUMBER),
        Column("负荷基尼系数(按类别)"),
    ]
    rows: list[list[Cell]] = [
        [
            LEVEL_ZH[u.level],
            u.name,
            u.parent,
            u.households,
            u.full_time_workers,
            None if u.households_per_worker is None else round(u.households_per_worker, 1),
            YES_NO[u.overloaded],
            u.figures.coverage,
            u.figures.confirmation_rate,
            u.figures.no_shows,
            u.figures.no_show_rate,
            u.response_minutes,
            _ginis(u),
        ]
        for u in ledger.assessment.units
    ]
    return Section("grid_assessment", "网格考核", columns, rows)


def _worker_assessment(ledger: Ledger) -> Section:
    columns = [
        Column("姓名"),
        Column("类别"),
        Column("网格"),
        Column("网格户数", Kind.INT),
        Column("每名专职网格员户数", Kind.NUMBER),
        Column("班次数", Kind.INT),
        Column("计划工时(小时)", Kind.HOURS),
        Column("服务工时(小时)", Kind.HOURS),
        Column("负荷比(对同类均值)", Kind.NUMBER),
        Column("确认率", Kind.PCT),
        Column("缺勤", Kind.INT),
        Column("缺勤率", Kind.PCT),
        Column("平均响应(分钟)", Kind.NUMBER),
    ]
    rows: list[list[Cell]] = [
        [
            w.load.name,
            CATEGORY_LABELS_ZH[w.load.category],
            w.grid_name,
            w.grid_households,
            None if w.households_per_worker is None else round(w.households_per_worker, 1),
            w.load.shifts,
            hours(w.load.planned_minutes),
            hours(w.load.served_minutes),
            None if w.load_ratio is None else round(w.load_ratio, 2),
            w.confirmation_rate,
            w.load.no_shows,
            w.no_show_rate,
            w.response_minutes,
        ]
        for w in ledger.assessment.workers
    ]
    return Section("worker_assessment", "网格员考核", columns, rows)
