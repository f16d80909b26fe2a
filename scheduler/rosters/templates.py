"""Grids and their shift templates: list what a coordinator may see, edit a template's requirements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from scheduler.audit import service as audit
from scheduler.errors import NotFound
from scheduler.people.models import Skill
from scheduler.people.service import FieldError
from scheduler.rosters.models import Priority, ShiftTemplate, TemplateDemand
from scheduler.territory.models import Community, Grid

MAX_HEADS_PER_ROW = 50
_WEEKDAYS = re.compile(r"^[0-6]{1,7}$")


@dataclass(frozen=True, slots=True)
class GridSummary:
    grid: Grid
    templates: int


@dataclass(frozen=True, slots=True)
class DemandInput:
    skill_code: str | None  # None: anyone eligible
    count: int


@dataclass(frozen=True, slots=True)
class TemplateInput:
    weekdays: str  # "01234": Monday to Friday
    start: time
    end: time  # at or before start: ends the next day
    priority: Priority
    needs_party_lead: bool
    needs_professional: bool
    active: bool
    demands: tuple[DemandInput, ...]


def list_grids(*, session: Session, community_ids: list[int]) -> list[GridSummary]:
    rows = session.execute(
        select(ShiftTemplate.grid_id, func.count(ShiftTemplate.id))
        .where(ShiftTemplate.active.is_(True))
        .group_by(ShiftTemplate.grid_id)
    )
    counts: dict[int, int] = {grid_id: n for grid_id, n in rows}
    stmt = (
        select(Grid)
        .where(Grid.community_id.in_(community_ids))
        .options(selectinload(Grid.community))
        .order_by(Grid.community_id, Grid.code)
    )
    return [GridSummary(g, counts.get(g.id, 0)) for g in session.scalars(stmt)]


def get_grid(*, session: Session, grid_id: int) -> Grid:
    grid = session.get(Grid, grid_id)
    if grid is None:
        raise NotFound("grid_not_found", "没有这个网格", "no such grid")
    return grid


def list_templates(*, session: Session, grid_id: int) -> list[ShiftTemplate]:
    stmt = (
        select(ShiftTemplate)
        .where(ShiftTemplate.grid_id == grid_id)
        .options(
            selectinload(ShiftTemplate.demands).selectinload(TemplateDemand.skill),
            selectinload(ShiftTemplate.task_type),
        )
        .order_by(ShiftTemplate.start, ShiftTemplate.id)
    )
    return list(session.scalars(stmt))


def get_template(*, session: Session, template_id: int) -> ShiftTemplate:
    template = session.get(ShiftTemplate, template_id)
    if template is None:
        raise NotFound("template_not_found", "没有这个班次模板", "no such shift template")
    return template


def community_of_grid(*, session: Session, grid_id: int) -> Community:
    return get_grid(session=session, grid_id=grid_id).community


def update_template(
    *,
    session: Session,
    template: ShiftTemplate,
    data: TemplateInput,
    now: datetime,
    actor: str,
) -> ShiftTemplate:
    """Change when a template runs and how many people (with which skills) it needs."""
    if not _WEEKDAYS.match(data.weekdays) or len(set(data.weekdays)) != len(data.weekdays):
        raise FieldError("weekdays", "weekdays_invalid", "请至少选择一天", "choose at least one weekday")
    if data.start == data.end:
        raise FieldError(
            "end", "times_equal", "结束时间不能等于开始时间", "the end must differ from the start"
        )
    codes = [d.skill_code for d in data.demands if d.skill_code]
    if len(set(codes)) != len(codes) or sum(1 for d in data.demands if d.skill_code is None) > 1:
        raise FieldError("demands", "demand_duplicate", "同一技能只能填写一行", "one row per skill")
    skills = {s.code: s for s in session.scalars(select(Skill).where(Skill.code.in_(codes)))} if codes else {}
    for d in data.demands:
        if d.skill_code and d.skill_code not in skills:
            raise FieldError(
                "demands", "skill_unknown", f"没有这个技能：{d.skill_code}", f"unknown skill {d.skill_code}"
            )
        if not 0 <= d.count <= MAX_HEADS_PER_ROW:
            raise FieldError(
                "demands",
                "count_invalid",
                f"人数应在 0 到 {MAX_HEADS_PER_ROW} 之间",
                f"a head count is between 0 and {MAX_HEADS_PER_ROW}",
            )
    if data.active and sum(d.count for d in data.demands) == 0:
        raise FieldError(
            "demands",
            "demand_empty",
            "启用的班次至少需要 1 人",
            "an active template needs at least one person",
        )
    before = {
        "weekdays": template.weekdays,
        "start": template.start.isoformat(),
        "end": template.end.isoformat(),
        "demands": [(d.skill.code if d.skill else None, d.count) for d in template.demands],
    }
    template.weekdays = "".join(sorted(data.weekdays))
    template.start, template.end = data.start, data.end
    template.priority = data.priority
    template.needs_party_lead = data.needs_party_lead
    template.needs_professional = data.needs_professional
    template.active = data.active
    template.demands = [
        TemplateDemand(skill=skills[d.skill_code] if d.skill_code else None, count=d.count)
        for d in data.demands
        if d.count > 0
    ]
    session.flush()
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="templates.update",
        entity="shift_template",
        entity_id=template.id,
        detail={"before": before},
    )
    return template
