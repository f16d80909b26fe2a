"""Raising a surge call: validation, duplicate check, blocks, what cannot be filled, first offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.audit import service as audit
from scheduler.clock import local_zone
from scheduler.errors import Conflict, NotFound, ValidationError
from scheduler.notify.settings import NotifySettings
from scheduler.people.models import Category, Person, PersonSkill, Skill
from scheduler.rosters.models import Priority, TaskType
from scheduler.surge import escalation, filling
from scheduler.surge.candidates import place_of_grid, reachable
from scheduler.surge.common import settings_of
from scheduler.surge.models import (
    ACTIVE_CALL,
    CallStatus,
    SurgeBlock,
    SurgeCall,
    SurgeNeed,
    Tier,
)
from scheduler.surge.policy import SurgePolicy
from scheduler.territory.models import Grid, Street

GENERAL = "general"
DEFAULT_TASK = "patrol"
MAX_PEOPLE = 500  # one call asking for more is a typo, not a surge


@dataclass(frozen=True, slots=True)
class NeedSpec:
    """``count`` people with ``skill`` (a skill code, or "general" for anyone fit)."""

    skill: str
    count: int

    @classmethod
    def parse(cls, text: str) -> NeedSpec:
        """ "nurse:2" or "general:6" (the CLI's --need)."""
        skill, _, count = text.partition(":")
        if not skill.strip() or not count.strip().isdigit():
            raise ValidationError(
                "bad_need",
                f"需求应写作 技能:人数，例如 nurse:2：{text!r}",
                f"a need looks like nurse:2: {text!r}",
            )
        return cls(skill.strip(), int(count))


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRequest:
    grid: str | int  # grid code (as coordinators type it) or id
    starts_at: datetime
    ends_at: datetime | None  # None: open-ended, staffed in rolling blocks
    needs: tuple[NeedSpec, ...]
    needs_party_lead: bool = False
    place: str | None = None
    task_type: str = DEFAULT_TASK
    priority: Priority = Priority.EMERGENCY
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Unfillable:
    """A need nobody in the district can meet, said at once when the call is raised."""

    need: str  # skill code, "general" or "lead"
    missing: int
    reason: str  # no_one_has_skill / certificates_expired / too_few_qualified / no_party_member
    qualified: int
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "need": self.need,
            "missing": self.missing,
            "missing_all": self.qualified == 0,
            "reason": self.reason,
            "qualified": self.qualified,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass
class CallResult:
    call: SurgeCall
    offers: int  # people asked at once
    unfillable: list[Unfillable]
    assign_seconds: float = 0.0  # the assignment step (rank + ask)

    def as_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call.id,
            "status": self.call.status.value,
            "tier": self.call.tier.value,
            "blocks": len(self.call.blocks),
            "offers": self.offers,
            "unfillable": [u.as_dict() for u in self.unfillable],
            "assign_ms": round(self.assign_seconds * 1000, 1),
        }


def _grid(session: Session, grid: str | int) -> Grid:
    found = (
        session.get(Grid, grid)
        if isinstance(grid, int)
        else session.scalar(select(Grid).where(Grid.code == grid))
    )
    if found is None:
        raise NotFound("grid_not_found", f"没有这个网格：{grid}", f"no such grid: {grid}")
    return found


def _validate(
    session: Session, request: CallRequest, now: datetime
) -> tuple[Grid, TaskType, dict[str, Skill | None]]:
    if request.starts_at.tzinfo is None or (request.ends_at is not None and request.ends_at.tzinfo is None):
        raise ValidationError("naive_time", "时间须带时区", "times must carry a time zone")
    if not request.needs or sum(n.count for n in request.needs) == 0:
        raise ValidationError(
            "no_requirements", "请至少填写一项人员需求（技能和人数）", "a call needs at least one requirement"
        )
    if request.ends_at is not None and request.ends_at <= request.starts_at:
        raise ValidationError(
            "end_before_start", "结束时间必须晚于开始时间", "the end must be after the start"
        )
    if request.starts_at < now - timedelta(hours=1):
        raise ValidationError(
            "start_in_past", "开始时间已过去一小时以上", "the start is more than an hour ago"
        )
    for n in request.needs:
        if n.count < 1:
            raise ValidationError(
                "bad_count", f"人数须为正整数：{n.skill}", f"a count must be at least 1: {n.skill}"
            )
    codes = [n.skill for n in request.needs]
    if len(set(codes)) != len(codes):
        raise ValidationError("duplicate_need", "同一技能只能填写一次", "each skill may appear once")
    if sum(n.count for n in request.needs) > MAX_PEOPLE:
        raise ValidationError(
            "too_many_people",
            f"一次呼叫最多 {MAX_PEOPLE} 人",
            f"one call asks for at most {MAX_PEOPLE} people",
        )
    grid = _grid(session, request.grid)
    task = session.scalar(select(TaskType).where(TaskType.code == request.task_type))
    if task is None:
        raise ValidationError(
            "task_type_not_found",
            f"没有这种任务类型：{request.task_type}",
            f"no task type {request.task_type}",
        )
    skills: dict[str, Skill | None] = {}
    for code in codes:
        if code == GENERAL:
            skills[code] = None
            continue
        skill = session.scalar(select(Skill).where(Skill.code == code))
        if skill is None:
            raise ValidationError("unknown_skill", f"没有这种技能：{code}", f"no such skill: {code}")
        skills[code] = skill
    return grid, task, skills


def _duplicates(session: Session, grid: Grid, request: CallRequest) -> list[SurgeCall]:
    """Open calls for the same grid whose time overlaps this one."""
    stmt = select(SurgeCall).where(SurgeCall.grid_id == grid.id, SurgeCall.status.in_(ACTIVE_CALL))
    if request.ends_at is not None:
        stmt = stmt.where(SurgeCall.starts_at < request.ends_at)
    stmt = stmt.where((SurgeCall.ends_at.is_(None)) | (SurgeCall.ends_at > request.starts_at))
    return list(session.scalars(stmt.order_by(SurgeCall.id)))


def make_blocks(call: SurgeCall, until: datetime) -> list[SurgeBlock]:
    """A fixed call is one block; an open one gets rolling blocks up to ``until`` (idempotent)."""
    if call.ends_at is not None:
        return [] if call.blocks else [SurgeBlock(starts_at=call.starts_at, ends_at=call.ends_at)]
    step = timedelta(minutes=call.block_minutes)
    start = call.blocks[-1].ends_at if call.blocks else call.starts_at
    new: list[SurgeBlock] = []
    while start < until or not (call.blocks or new):
        new.append(SurgeBlock(starts_at=start, ends_at=start + step))
        start += step
    return new


def _unfillable(
    session: Session, call: SurgeCall, grid: Grid, skills: dict[str, Skill | None], request: CallRequest
) -> list[Unfillable]:
    """Needs the whole district cannot meet: nobody has the skill, certificates expired, too few."""
    place = place_of_grid(session, grid.id)
    in_district = reachable(
        select(Person.id), (Street.district_id == place.district_id) | Person.home_grid_id.is_(None)
    ).scalar_subquery()
    day = (request.ends_at or request.starts_at).astimezone(local_zone()).date()  # valid to the end
    out: list[Unfillable] = []
    for n in request.needs:
        skill = skills[n.skill]
        if skill is None:
            continue
        rows = session.execute(
            select(PersonSkill.valid_until).where(
                PersonSkill.skill_id == skill.id, PersonSkill.person_id.in_(in_district)
            )
        ).all()
        valid = sum(1 for (until,) in rows if until is None or until >= day)
        if valid >= n.count:
            continue
        if not rows:
            reason, zh, en = (
                "no_one_has_skill",
                f"全区没有具备“{skill.name_zh}”技能的人员，{n.count}人无法补齐",
                f"nobody in the district has {skill.name_en}: {n.count} cannot be filled",
            )
        elif valid == 0:
            reason, zh, en = (
                "certificates_expired",
                f"全区{len(rows)}名“{skill.name_zh}”人员的证书均已过期，{n.count}人无法补齐",
                f"all {len(rows)} people with {skill.name_en} in the district have expired certificates",
            )
        else:
            reason, zh, en = (
                "too_few_qualified",
                f"全区只有{valid}名有效“{skill.name_zh}”人员，至少缺{n.count - valid}人",
                f"only {valid} people in the district hold a valid {skill.name_en}: at least "
                f"{n.count - valid} cannot be filled",
            )
        out.append(Unfillable(n.skill, n.count - valid, reason, valid, zh, en))
    if request.needs_party_lead:
        members = session.scalar(
            select(Person.id)
            .where(
                Person.id.in_(in_district),
                Person.category.in_((Category.PARTY_IN_SERVICE, Category.PARTY_NO_POST)),
            )
            .limit(1)
        )
        if members is None:
            out.append(
                Unfillable(
                    "lead",
                    1,
                    "no_party_member",
                    0,
                    "全区没有可联系的党员，无法安排党员带队",
                    "no reachable party member in the district to lead",
                )
            )
    return out


def raise_call(
    *,
    session: Session,
    request: CallRequest,
    now: datetime,
    actor: str,
    confirm_duplicate: bool = False,
    policy: SurgePolicy | None = None,
    settings: NotifySettings | None = None,
) -> CallResult:
    """Raise a surge call and ask the grid's community at once.

    Refused (DomainError, nothing written): no requirements (``no_requirements``), an end before
    its start (``end_before_start``), an unknown grid (``grid_not_found``), skill
    (``unknown_skill``) or task type, and an open call for the same grid and time
    (``duplicate_call``, unless ``confirm_duplicate``). A skill nobody in the district has is
    accepted: ``CallResult.unfillable`` says at once what cannot be filled and why, and the
    coordinators get a notice.
    """
    policy = policy or SurgePolicy.from_env()
    settings = settings_of(settings)
    grid, task, skills = _validate(session, request, now)
    duplicates = _duplicates(session, grid, request)
    if duplicates and not confirm_duplicate:
        ids = ", ".join(f"#{c.id}" for c in duplicates)
        raise Conflict(
            "duplicate_call",
            f"网格 {grid.name} 在这段时间已有未结束的呼叫（{ids}），确认仍要再发起一次吗？",
            f"grid {grid.code} already has an open call for this time ({ids}); confirm to raise another",
        )
    call = SurgeCall(
        grid_id=grid.id,
        task_type_id=task.id,
        place=(request.place or "").strip()[:128] or None,
        note=(request.note or "").strip()[:500] or None,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        block_minutes=policy.block_minutes,
        priority=request.priority,
        needs_party_lead=request.needs_party_lead,
        status=CallStatus.OPEN,
        tier=Tier.COMMUNITY,
        tier_started_at=now,
        over_ask=policy.over_ask,
        answer_minutes=int(policy.answer_window.total_seconds() // 60),
        policy=[t.as_dict() for t in policy.tiers],
        raised_at=now,
        raised_by=actor[:64],
    )
    call.grid, call.task_type = grid, task
    call.needs = [SurgeNeed(skill=skills[n.skill], count=n.count) for n in request.needs]
    session.add(call)
    call.blocks.extend(make_blocks(call, max(now, request.starts_at) + policy.horizon))
    session.flush()
    unfillable = _unfillable(session, call, grid, skills, request)
    call.unfillable = [u.as_dict() for u in unfillable]
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="surge.raise",
        entity="surge_call",
        entity_id=call.id,
        detail={
            "grid": grid.code,
            "needs": {n.skill: n.count for n in request.needs},
            "lead": request.needs_party_lead,
            "start": request.starts_at.isoformat(),
            "end": request.ends_at.isoformat() if request.ends_at else None,
            "priority": request.priority.value,
            "duplicate_of": [c.id for c in duplicates],
            "unfillable": [u.need for u in unfillable],
        },
    )
    zh = f"网格 {grid.name} 发起呼叫 #{call.id}：需要" + "、".join(
        f"{n.skill}×{n.count}" for n in request.needs
    )
    en = f"Grid {grid.code} raised surge call #{call.id}: " + ", ".join(
        f"{n.skill} x{n.count}" for n in request.needs
    )
    escalation.notify_coordinators(
        session=session,
        call=call,
        tiers=(Tier.COMMUNITY,),
        kind="raised",
        message_zh=zh,
        message_en=en,
        now=now,
    )
    if unfillable:
        escalation.notify_coordinators(
            session=session,
            call=call,
            tiers=(Tier.COMMUNITY, Tier.STREET),
            kind="unfillable",
            message_zh="；".join(u.message_zh for u in unfillable),
            message_en="; ".join(u.message_en for u in unfillable),
            now=now,
        )
    filled = filling.fill_call(session=session, call=call, now=now, policy=policy, settings=settings)
    filling.refresh_status(session=session, call=call, now=now, policy=policy)
    return CallResult(call, filled.count, unfillable, filled.seconds)
