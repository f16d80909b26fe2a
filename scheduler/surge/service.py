"""Surge call services (网格呼叫、街区响应、部门报到): raise, answer, report, check in, tick, close.

Keyword-only functions that take the session and never commit (the caller's one transaction holds
the call, its offers and their SMS in the outbox together). Times come in as ``now`` (inject a
clock). Every refusal is a DomainError with an English code and writes nothing.

The web pages and API build on these:

- ``raise_call(session=, request=CallRequest(...), now=, actor=)`` → ``CallResult``
- ``answer(session=, token=, confirm=, now=)`` → ``SurgeAnswer`` (the /s/<token> page, SMS replies)
- ``on_the_way(session=, token=, now=)``, ``check_in(session=, now=, token= | offer_id=, via=)``
- ``department_report(session=, call_id=, unit=, person_ids=, new_people=, now=, actor=)``
- ``tick(session=, now=)`` (the dispatcher, every minute), ``cancel_call`` / ``close_call``
- ``get_call``, ``list_calls``, ``get_offer``; board.call_board and after_action.after_action
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from optimizer.params import SolveParams
from scheduler.audit import service as audit
from scheduler.errors import Conflict, NotFound, ValidationError
from scheduler.notify import reoffer
from scheduler.notify.settings import NotifySettings, settings_from_env
from scheduler.people.models import Category, Person, PersonSkill, Skill
from scheduler.people.phones import normalise_phone
from scheduler.rosters.models import Priority, Roster, TaskType
from scheduler.rosters.service import get_published
from scheduler.surge import escalation, filling, messages
from scheduler.surge.candidates import place_of_grid
from scheduler.surge.models import (
    ACTIVE_CALL,
    COMING,
    TIER_ORDER,
    CallStatus,
    DepartmentRequest,
    OfferStatus,
    SurgeBlock,
    SurgeCall,
    SurgeNeed,
    SurgeOffer,
    Tier,
)
from scheduler.surge.policy import SurgePolicy
from scheduler.surge.seats import block_seats
from scheduler.territory.models import Community, Grid, Street

GENERAL = "general"
DEFAULT_TASK = "patrol"
MAX_PEOPLE = 500  # one call asking for more is a typo, not a surge


# --- inputs and results --------------------------------------------------------------------------


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


class AnswerOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    NOT_NEEDED = "not_needed"  # the seats were taken by quicker people
    ALREADY = "already"
    CLOSED = "closed"  # the call is over or called off
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class SurgeAnswer:
    outcome: AnswerOutcome
    message_zh: str
    message_en: str
    offer: SurgeOffer | None = None
    replan_rosters: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class NewPerson:
    """Someone a department sends who is not on file yet."""

    name: str
    phone: str
    skills: tuple[str, ...] = ()


@dataclass
class TickResult:
    expired: int = 0
    escalated: list[tuple[int, str]] = field(default_factory=list)  # (call, new tier)
    offers: int = 0
    closed: int = 0
    deadline_missed: list[int] = field(default_factory=list)
    replanned: list[int] = field(default_factory=list)  # new roster versions published

    def as_dict(self) -> dict[str, Any]:
        return {
            "expired": self.expired,
            "escalated": [{"call_id": c, "tier": t} for c, t in self.escalated],
            "offers": self.offers,
            "closed": self.closed,
            "deadline_missed": self.deadline_missed,
            "replanned": self.replanned,
        }


# --- look-ups ------------------------------------------------------------------------------------


def get_call(*, session: Session, call_id: int) -> SurgeCall:
    call = filling.load_call(session, call_id)
    if call is None:
        raise NotFound("call_not_found", f"没有编号为 {call_id} 的网格呼叫", f"no surge call {call_id}")
    return call


def list_calls(
    *, session: Session, street_id: int | None = None, active_only: bool = True
) -> list[SurgeCall]:
    stmt = select(SurgeCall).options(selectinload(SurgeCall.needs), selectinload(SurgeCall.blocks))
    if street_id is not None:
        stmt = (
            stmt.join(Grid, SurgeCall.grid_id == Grid.id)
            .join(Community)
            .where(Community.street_id == street_id)
        )
    if active_only:
        stmt = stmt.where(SurgeCall.status.in_(ACTIVE_CALL))
    return list(session.scalars(stmt.order_by(SurgeCall.raised_at.desc(), SurgeCall.id.desc())))


def get_offer(*, session: Session, token: str) -> SurgeOffer | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(SurgeOffer).where(SurgeOffer.token == token))


def _settings(settings: NotifySettings | None) -> NotifySettings:
    import os

    return settings if settings is not None else settings_from_env(os.environ)


def _policy(call: SurgeCall) -> SurgePolicy:
    return SurgePolicy.from_call(call.policy, over_ask=call.over_ask, answer_minutes=call.answer_minutes)


# --- raising a call ------------------------------------------------------------------------------


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
    in_district = (
        select(Person.id)
        .outerjoin(Grid, Person.home_grid_id == Grid.id)
        .outerjoin(Community, Grid.community_id == Community.id)
        .outerjoin(Street, Community.street_id == Street.id)
        .where(
            Person.active.is_(True),
            Person.contact_consent.is_(True),
            Person.opted_out_at.is_(None),
            (Street.district_id == place.district_id) | Person.home_grid_id.is_(None),
        )
        .scalar_subquery()
    )
    day = request.starts_at.date()
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
    settings = _settings(settings)
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


# --- answers -------------------------------------------------------------------------------------

UNKNOWN = SurgeAnswer(
    AnswerOutcome.UNKNOWN,
    "链接无效：没有找到这个呼叫。请使用短信里的完整链接。",
    "This link is not valid: no such call. Use the full link from the SMS.",
)


def answer(
    *,
    session: Session,
    token: str,
    confirm: bool,
    now: datetime,
    via: str = "link",
    settings: NotifySettings | None = None,
) -> SurgeAnswer:
    """Yes or no to a surge offer, by its link token. First confirmations win the seats.

    A yes after the answer window is still taken if a seat is open (people who come are welcome);
    a yes when the seats are gone gets "not needed"; a no asks the next candidates at once.
    """
    offer = get_offer(session=session, token=token)
    if offer is None:
        audit.record(
            session=session,
            at=now,
            actor=f"{via}:anonymous",
            action="surge.answer_unknown",
            entity="surge_offer",
            detail={"token": token[:4]},
        )
        return UNKNOWN
    return answer_offer(session=session, offer=offer, confirm=confirm, now=now, via=via, settings=settings)


def answer_offer(
    *,
    session: Session,
    offer: SurgeOffer,
    confirm: bool,
    now: datetime,
    via: str,
    settings: NotifySettings | None = None,
) -> SurgeAnswer:
    settings = _settings(settings)
    call = get_call(session=session, call_id=offer.call_id)
    policy = _policy(call)
    actor = f"person:{offer.person_id}"
    block = filling.lock_block(session, offer.block_id)
    session.refresh(offer)
    f = messages.facts(offer, offer.person, call, settings)
    from notifications.sms import templates

    if call.status not in ACTIVE_CALL or block.ends_at <= now:
        return SurgeAnswer(
            AnswerOutcome.CLOSED,
            "这次呼叫已经结束或取消，无需前往，谢谢。",
            "This call is over or called off. Thank you.",
            offer,
        )
    if confirm and offer.status in COMING or not confirm and offer.status is OfferStatus.DECLINED:
        return SurgeAnswer(AnswerOutcome.ALREADY, "已收到，您之前已作出相同答复。", "Already noted.", offer)
    if not confirm:
        before = offer.status
        offer.status = OfferStatus.DECLINED
        offer.answered_at = now
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="surge.decline",
            entity="surge_offer",
            entity_id=offer.id,
            detail={"via": via, "from": before.value, "call": call.id},
        )
        session.flush()
        # A seat given back (a confirmed person who cannot come after all) or an answer less to wait
        # for: ask the next people now rather than at the next tick.
        filling.fill_call(session=session, call=call, now=now, policy=policy, settings=settings)
        filling.refresh_status(session=session, call=call, now=now, policy=policy)
        return SurgeAnswer(
            AnswerOutcome.DECLINED,
            templates.declined_ack(f, lang=templates.Lang.ZH),
            templates.declined_ack(f, lang=templates.Lang.EN),
            offer,
        )
    offers = filling.call_offers(session, call.id)
    seats = block_seats(call, block, offers, filling.party_ids(session, {o.person_id for o in offers}), now)
    is_party = offer.person.category in filling.PARTY
    if seats.open_for(offer.need_id, party=is_party) == 0:
        if offer.status in (OfferStatus.OFFERED, OfferStatus.EXPIRED):
            offer.status = OfferStatus.NOT_NEEDED
            offer.answered_at = now
        audit.record(
            session=session,
            at=now,
            actor=actor,
            action="surge.not_needed",
            entity="surge_offer",
            entity_id=offer.id,
            detail={"via": via, "call": call.id},
        )
        return SurgeAnswer(
            AnswerOutcome.NOT_NEEDED,
            templates.not_needed(f, lang=templates.Lang.ZH),
            templates.not_needed(f, lang=templates.Lang.EN),
            offer,
        )
    before = offer.status
    offer.status = OfferStatus.CONFIRMED
    offer.answered_at = now
    if call.first_confirmed_at is None:
        call.first_confirmed_at = now
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="surge.confirm",
        entity="surge_offer",
        entity_id=offer.id,
        detail={"via": via, "from": before.value, "call": call.id, "need": offer.need_id},
    )
    rosters: list[int] = []
    if offer.preempted:
        rosters = filling.take_from_routine(session=session, offer=offer, call=call, now=now)
    session.flush()
    filling.settle_block(session=session, call=call, block=block, now=now, settings=settings)
    filling.refresh_status(session=session, call=call, now=now, policy=policy)
    return SurgeAnswer(
        AnswerOutcome.CONFIRMED,
        templates.confirmed_ack(f, lang=templates.Lang.ZH),
        templates.confirmed_ack(f, lang=templates.Lang.EN),
        offer,
        tuple(rosters),
    )


def _offer_by(session: Session, token: str | None, offer_id: int | None) -> SurgeOffer:
    offer = get_offer(session=session, token=token) if token else session.get(SurgeOffer, offer_id or 0)
    if offer is None:
        raise NotFound("offer_not_found", "没有找到这个呼叫人员记录", "no such surge offer")
    return offer


def on_the_way(*, session: Session, token: str, now: datetime) -> SurgeOffer:
    """The person set off (from their link): the board shows them as on the way."""
    offer = _offer_by(session, token, None)
    if offer.status is not OfferStatus.CONFIRMED:
        raise Conflict(
            "not_confirmed", "请先确认参加，再点“我已出发”", "confirm first, then say you are on the way"
        )
    offer.status = OfferStatus.ON_THE_WAY
    offer.on_the_way_at = now
    audit.record(
        session=session,
        at=now,
        actor=f"person:{offer.person_id}",
        action="surge.on_the_way",
        entity="surge_offer",
        entity_id=offer.id,
    )
    session.flush()
    return offer


def check_in(
    *,
    session: Session,
    now: datetime,
    token: str | None = None,
    offer_id: int | None = None,
    via: str = "link",
    actor: str | None = None,
    settings: NotifySettings | None = None,
) -> SurgeOffer:
    """Arrival on the spot, by the person's link (``via="link"``) or by the grid leader (``"leader"``).

    A person who never answered but turned up is taken as a confirmation first (if a seat is open).
    """
    if via not in ("link", "leader"):
        raise ValidationError("bad_via", "签到方式只能是 link 或 leader", "check-in is by link or by leader")
    offer = _offer_by(session, token, offer_id)
    actor = actor or f"person:{offer.person_id}"
    if offer.status is OfferStatus.ARRIVED:
        return offer
    if offer.status in (OfferStatus.OFFERED, OfferStatus.EXPIRED):
        result = answer_offer(session=session, offer=offer, confirm=True, now=now, via=via, settings=settings)
        if result.outcome is not AnswerOutcome.CONFIRMED:
            raise Conflict("not_confirmed", result.message_zh, result.message_en)
    if offer.status not in COMING:
        raise Conflict(
            "not_confirmed",
            "此人未确认参加这次呼叫（已拒绝、已满或已取消）",
            "this person is not confirmed for the call",
        )
    offer.status = OfferStatus.ARRIVED
    offer.arrived_at = now
    offer.arrived_via = via
    call = session.get(SurgeCall, offer.call_id)
    assert call is not None
    if call.first_arrived_at is None or now < call.first_arrived_at:
        call.first_arrived_at = now
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="surge.check_in",
        entity="surge_offer",
        entity_id=offer.id,
        detail={"via": via, "call": call.id},
    )
    session.flush()
    return offer


# --- departments (部门报到) --------------------------------------------------------------------------


def department_report(
    *,
    session: Session,
    call_id: int,
    unit: str,
    now: datetime,
    actor: str,
    person_ids: Sequence[int] = (),
    new_people: Sequence[NewPerson] = (),
    settings: NotifySettings | None = None,
) -> list[SurgeOffer]:
    """A department reports whom it sends: people on file by id, or new names and phone numbers.

    Each is recorded as coming (tier "department", via "department") on the first block with an
    open seat they qualify for, and gets a text with their personal link (to check in on arrival).
    Refused: no request went to this unit (``department_not_requested``), an unknown person, a
    bad phone number, nobody named. Nothing is written on a refusal.
    """
    settings = _settings(settings)
    call = get_call(session=session, call_id=call_id)
    if call.status not in ACTIVE_CALL:
        raise Conflict("call_closed", "这次呼叫已结束或取消", "the call is over or called off")
    request = session.scalar(
        select(DepartmentRequest).where(DepartmentRequest.call_id == call_id, DepartmentRequest.unit == unit)
    )
    if request is None:
        raise Conflict(
            "department_not_requested",
            f"没有向“{unit}”发出报到请求",
            f"no request to send people went to {unit!r}",
        )
    if not person_ids and not new_people:
        raise ValidationError("nobody_reported", "请至少报告一名人员", "report at least one person")
    people: list[Person] = []
    for pid in person_ids:
        person = session.get(Person, pid)
        if person is None or not person.active:
            raise ValidationError(
                "person_not_found", f"没有编号为 {pid} 的在册人员", f"no active person {pid}"
            )
        people.append(person)
    phones = [(n, normalise_phone(n.phone)) for n in new_people]
    for n, _ in phones:
        if not n.name.strip():
            raise ValidationError("name_missing", "姓名不能为空", "a name is required")
    professional_units = set(
        session.scalars(
            select(Person.organisation).where(Person.category == Category.PROFESSIONAL).distinct()
        )
    )
    for n, phone in phones:
        person = session.scalar(select(Person).where(Person.phone == phone))
        if person is None:
            person = Person(
                name=n.name.strip()[:64],
                category=Category.PROFESSIONAL if unit in professional_units else Category.PARTY_IN_SERVICE,
                phone=phone,
                work_unit=unit[:128],
                link_token=secrets.token_urlsafe(24),
            )
            for code in n.skills:
                skill = session.scalar(select(Skill).where(Skill.code == code))
                if skill is None:
                    raise ValidationError("unknown_skill", f"没有这种技能：{code}", f"no such skill: {code}")
                person.skills.append(PersonSkill(skill=skill))
            session.add(person)
        people.append(person)
    session.flush()
    policy = _policy(call)
    blocks = filling.current_blocks(call, now, policy) or list(call.blocks[-1:])
    offers = filling.call_offers(session, call.id)
    taken_codes = messages.codes_in_use(session, [p.id for p in people])
    recorded: list[SurgeOffer] = []
    for person in people:
        block = next(
            (b for b in blocks if not any(o.block_id == b.id and o.person_id == person.id for o in offers)),
            None,
        )
        if block is None:
            continue  # already recorded for every current block
        need = _need_for(session, call, block, person, offers, now)
        offer = SurgeOffer(
            call_id=call.id,
            block_id=block.id,
            need_id=need.id,
            person_id=person.id,
            tier=Tier.DEPARTMENT,
            via="department",
            unit=unit[:128],
            rank=0,
            distance="district",
            token=messages.new_token(),
            code=messages.new_code(taken_codes.setdefault(person.id, set())),
            status=OfferStatus.CONFIRMED,
            offered_at=now,
            expires_at=now,
            answered_at=now,
        )
        session.add(offer)
        offers.append(offer)
        recorded.append(offer)
    session.flush()
    messages.queue(
        session, [messages.notice_sms("reminder", o, o.person, call, settings, now) for o in recorded]
    )
    request.reported_at = request.reported_at or now
    request.sent += len(recorded)
    if recorded and call.first_confirmed_at is None:
        call.first_confirmed_at = now
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="surge.department_report",
        entity="surge_call",
        entity_id=call.id,
        detail={"unit": unit, "people": [o.person_id for o in recorded], "new": len(new_people)},
    )
    for block in {o.block_id: o.block for o in recorded}.values():
        filling.settle_block(session=session, call=call, block=block, now=now, settings=settings)
    filling.refresh_status(session=session, call=call, now=now, policy=policy)
    return recorded


def _need_for(
    session: Session,
    call: SurgeCall,
    block: SurgeBlock,
    person: Person,
    offers: list[SurgeOffer],
    now: datetime,
) -> SurgeNeed:
    """The need a reported person fills: a skill need they hold with seats open, else the general one."""
    seats = block_seats(call, block, offers, filling.party_ids(session, {o.person_id for o in offers}), now)
    held = {ps.skill_id for ps in person.skills}
    open_needs = [n for n in call.needs if seats.of(n.id).missing > 0]
    for n in open_needs:
        if n.skill_id is not None and n.skill_id in held:
            return n
    general = [n for n in call.needs if n.skill_id is None]
    return (general or open_needs or call.needs)[0]


# --- closing -------------------------------------------------------------------------------------


def _end(
    *,
    session: Session,
    call_id: int,
    now: datetime,
    actor: str,
    status: CallStatus,
    reason: str,
    settings: NotifySettings | None,
) -> SurgeCall:
    settings = _settings(settings)
    call = get_call(session=session, call_id=call_id)
    if call.status not in ACTIVE_CALL:
        raise Conflict("call_closed", "这次呼叫已结束或取消", "the call is over or called off")
    offers = filling.call_offers(session, call.id)
    waiting = [o for o in offers if o.status is OfferStatus.OFFERED]
    filling.stand_down(
        session=session, offers=waiting, status=OfferStatus.WITHDRAWN, call=call, now=now, settings=settings
    )
    if status is CallStatus.CANCELLED:
        coming = [
            o
            for o in offers
            if o.status in (OfferStatus.CONFIRMED, OfferStatus.ON_THE_WAY) and o.block.starts_at > now
        ]
        filling.stand_down(
            session=session,
            offers=coming,
            status=OfferStatus.WITHDRAWN,
            call=call,
            now=now,
            settings=settings,
        )
    call.status = status
    call.closed_at = now
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action=f"surge.{status.value}",
        entity="surge_call",
        entity_id=call.id,
        detail={"reason": reason[:200]},
    )
    session.flush()
    return call


def cancel_call(
    *,
    session: Session,
    call_id: int,
    now: datetime,
    actor: str,
    reason: str = "",
    settings: NotifySettings | None = None,
) -> SurgeCall:
    """Call it off: everyone asked or coming to a block not yet started is told not to come."""
    return _end(
        session=session,
        call_id=call_id,
        now=now,
        actor=actor,
        status=CallStatus.CANCELLED,
        reason=reason,
        settings=settings,
    )


def close_call(
    *,
    session: Session,
    call_id: int,
    now: datetime,
    actor: str,
    reason: str = "",
    settings: NotifySettings | None = None,
) -> SurgeCall:
    """The matter is done (事不完、人不撤: only then): unanswered offers are withdrawn; the record stays."""
    return _end(
        session=session,
        call_id=call_id,
        now=now,
        actor=actor,
        status=CallStatus.CLOSED,
        reason=reason,
        settings=settings,
    )


# --- the dispatcher's tick -----------------------------------------------------------------------


def tick(
    *,
    session: Session,
    now: datetime,
    settings: NotifySettings | None = None,
    replan_params: SolveParams | None = None,
) -> TickResult:
    """Everything due by ``now``: expire unanswered offers, escalate tiers, ask more people, extend
    rolling blocks, close calls whose end passed, re-plan routine shifts people were taken from.

    Idempotent: a second tick at the same ``now`` changes nothing.
    """
    settings = _settings(settings)
    result = TickResult()
    calls = list(
        session.scalars(select(SurgeCall.id).where(SurgeCall.status.in_(ACTIVE_CALL)).order_by(SurgeCall.id))
    )
    for call_id in calls:
        call = get_call(session=session, call_id=call_id)
        policy = _policy(call)
        if call.ends_at is not None and call.ends_at <= now:
            _end(
                session=session,
                call_id=call.id,
                now=now,
                actor="system",
                status=CallStatus.CLOSED,
                reason="ended",
                settings=settings,
            )
            result.closed += 1
            continue
        result.expired += _expire(session, call, now)
        new_blocks = make_blocks(call, now + policy.horizon)
        if new_blocks:
            call.blocks.extend(new_blocks)
            session.flush()
        while True:
            missing = _missing_now(session, call, now, policy)
            due = call.tier_started_at + policy.tier(call.tier).wait
            if missing == 0 or now < due:
                break
            higher = escalation.escalate(
                session=session, call=call, at=due, now=now, missing=missing, policy=policy
            )
            if higher is None:
                if call.deadline_missed_at is None:
                    call.deadline_missed_at = now
                    _deadline_notice(session, call, missing, now)
                    result.deadline_missed.append(call.id)
                break
            result.escalated.append((call.id, higher.value))
        filled = filling.fill_call(session=session, call=call, now=now, policy=policy, settings=settings)
        result.offers += filled.count
        filling.refresh_status(session=session, call=call, now=now, policy=policy)
    result.replanned = replan_preempted(session=session, now=now, params=replan_params, settings=settings)
    return result


def _missing_now(session: Session, call: SurgeCall, now: datetime, policy: SurgePolicy) -> int:
    seats = filling.seats_of(session, call, now)
    return sum(
        seats[b.id].missing + (0 if seats[b.id].lead_covered else 1)
        for b in filling.current_blocks(call, now, policy)
    )


def _expire(session: Session, call: SurgeCall, now: datetime) -> int:
    stale = [
        o
        for o in filling.call_offers(session, call.id)
        if o.status is OfferStatus.OFFERED and o.expires_at <= now
    ]
    for o in stale:
        o.status = OfferStatus.EXPIRED
    if stale:
        audit.record(
            session=session,
            at=now,
            actor="system",
            action="surge.expire",
            entity="surge_call",
            entity_id=call.id,
            detail={"offers": [o.id for o in stale]},
        )
        session.flush()
    return len(stale)


def _deadline_notice(session: Session, call: SurgeCall, missing: int, now: datetime) -> None:
    minutes = filling.minutes_since(call.raised_at, now)
    escalation.notify_coordinators(
        session=session,
        call=call,
        tiers=TIER_ORDER,
        kind="deadline_missed",
        message_zh=f"网格呼叫 #{call.id} 已过{minutes:.0f}分钟，各层级均未补齐，仍缺{missing}人，请协调。",
        message_en=f"Surge call #{call.id}: {minutes:.0f} min on, every tier asked, {missing} still missing.",
        now=now,
    )
    audit.record(
        session=session,
        at=now,
        actor="system",
        action="surge.deadline_missed",
        entity="surge_call",
        entity_id=call.id,
        detail={"missing": missing, "minutes": minutes},
    )


def replan_preempted(
    *,
    session: Session,
    now: datetime,
    params: SolveParams | None = None,
    settings: NotifySettings | None = None,
) -> list[int]:
    """Re-plan the routine shifts people were taken from: only those slots change (reoffer pins the
    rest), the result is published and the new people get their offers. Returns new roster ids."""
    settings = _settings(settings)
    params = params or SolveParams(seconds=settings.replan_seconds)
    pending = [
        o
        for o in session.scalars(select(SurgeOffer).where(SurgeOffer.status.in_(COMING)))
        if any(p.get("taken") and not p.get("replanned") for p in o.preempted)
    ]
    done: list[int] = []
    rosters: dict[int, Roster] = {}
    for o in pending:
        for p in o.preempted:
            if p.get("taken") and not p.get("replanned"):
                old = session.get(Roster, p["roster"])
                if old is not None:
                    current = get_published(
                        session=session, street_id=old.street_id, week_start=old.week_start
                    )
                    if current is not None:
                        rosters[current.id] = current
    for roster_id in sorted(rosters):
        new = reoffer.reoffer_declined(
            session=session, roster_id=roster_id, now=now, params=params, actor="surge"
        )
        done.append(new.id)
    for o in pending:
        o.preempted = [dict(p, replanned=True) if p.get("taken") else p for p in o.preempted]
    session.flush()
    return done


__all__ = [
    "AnswerOutcome",
    "CallRequest",
    "CallResult",
    "NeedSpec",
    "NewPerson",
    "SurgeAnswer",
    "TickResult",
    "Unfillable",
    "answer",
    "answer_offer",
    "cancel_call",
    "check_in",
    "close_call",
    "department_report",
    "get_call",
    "get_offer",
    "list_calls",
    "on_the_way",
    "raise_call",
    "tick",
]
