"""Tiers: when the community cannot fill a call in its time the street is asked, then the departments.

Every step is on the call's own timeline (tier_started_at + wait), so a dispatcher that runs late
catches up to where the call should be, and the clock is injected (tests run it by hand).
Coordinators of both tiers are told: an audit entry and a SurgeNotice row per coordinator account
(accounts have no phone number; the web call board shows the notices).
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.accounts.models import Role, StaffAccount
from scheduler.audit import service as audit
from scheduler.people.models import Category, Person
from scheduler.surge.candidates import Place, place_of_grid
from scheduler.surge.models import (
    TIER_LABELS_ZH,
    TIER_ORDER,
    DepartmentRequest,
    SurgeCall,
    SurgeNotice,
    Tier,
)
from scheduler.surge.policy import SurgePolicy
from scheduler.territory.models import Community, Grid, Street


def coordinators(session: Session, place: Place, tier: Tier) -> list[StaffAccount]:
    """The accounts answerable for a tier: community coordinators, street coordinators, district admins."""
    scope = {
        Tier.COMMUNITY: (Role.COMMUNITY_COORDINATOR, StaffAccount.community_id == place.community_id),
        Tier.STREET: (Role.STREET_COORDINATOR, StaffAccount.street_id == place.street_id),
        Tier.DEPARTMENT: (Role.DISTRICT_ADMIN, StaffAccount.district_id == place.district_id),
    }[tier]
    return list(
        session.scalars(
            select(StaffAccount)
            .where(StaffAccount.role == scope[0], scope[1], StaffAccount.active.is_(True))
            .order_by(StaffAccount.id)
        )
    )


def notify_coordinators(
    *,
    session: Session,
    call: SurgeCall,
    tiers: tuple[Tier, ...],
    kind: str,
    message_zh: str,
    message_en: str,
    now: datetime,
) -> list[SurgeNotice]:
    """One notice per coordinator of each tier (one unaddressed notice where a tier has nobody)."""
    place = place_of_grid(session, call.grid_id)
    notices = []
    for tier in tiers:
        accounts = coordinators(session, place, tier)
        ids: list[int | None] = [a.id for a in accounts] or [None]
        for account_id in ids:
            notices.append(
                SurgeNotice(
                    call_id=call.id,
                    account_id=account_id,
                    tier=tier,
                    kind=kind,
                    message_zh=message_zh[:500],
                    message_en=message_en[:500],
                    created_at=now,
                )
            )
    session.add_all(notices)
    return notices


def next_tier(tier: Tier) -> Tier | None:
    i = TIER_ORDER.index(tier)
    return TIER_ORDER[i + 1] if i + 1 < len(TIER_ORDER) else None


def due_at(call: SurgeCall, policy: SurgePolicy, first_short: datetime) -> datetime:
    """When the call's current tier has had its time: its wait after it was asked, but never before
    the whole escalation would still fit before the short block starts (a call raised on Friday for
    Monday morning does not whistle the departments on Friday; it escalates on Monday, in time)."""
    return max(call.tier_started_at + policy.tier(call.tier).wait, first_short - policy.escalation_span)


def escalate(
    *, session: Session, call: SurgeCall, at: datetime, now: datetime, missing: int, policy: SurgePolicy
) -> Tier | None:
    """Move the call to the next tier as of ``at`` (when the last one's time ran out); None at the top."""
    higher = next_tier(call.tier)
    if higher is None:
        return None
    lower = call.tier
    call.tier = higher
    call.tier_started_at = at
    zh = (
        f"网格呼叫 #{call.id}（{call.grid.name}）{TIER_LABELS_ZH[lower]}层级"
        f"{policy.tier(lower).wait.total_seconds() / 60:.0f}分钟内未能补齐，尚缺{missing}人，"
        f"已升级至{TIER_LABELS_ZH[higher]}。"
    )
    en = (
        f"Surge call #{call.id} ({call.grid.code}): the {lower.value} tier could not fill it in "
        f"{policy.tier(lower).wait.total_seconds() / 60:.0f} min, {missing} still missing; "
        f"now asking the {higher.value} tier."
    )
    notify_coordinators(
        session=session,
        call=call,
        tiers=(lower, higher),
        kind="escalated",
        message_zh=zh,
        message_en=en,
        now=now,
    )
    audit.record(
        session=session,
        at=now,
        actor="system",
        action="surge.escalate",
        entity="surge_call",
        entity_id=call.id,
        detail={"from": lower.value, "to": higher.value, "due_at": at.isoformat(), "missing": missing},
    )
    if higher is Tier.DEPARTMENT:
        request_departments(session=session, call=call, missing=missing, now=now, policy=policy)
    return higher


def department_units(session: Session, place: Place) -> list[tuple[str, int]]:
    """The district's departments and how many of their people are known: work units of in-service
    party members (双报到) and the professionals' organisations, largest first."""
    in_district = (
        select(Person.id)
        .join(Grid, Person.home_grid_id == Grid.id)
        .join(Community, Grid.community_id == Community.id)
        .join(Street, Community.street_id == Street.id)
        .where(Street.district_id == place.district_id, Person.active.is_(True))
    )
    counts: dict[str, int] = {}
    for column, category in (
        (Person.work_unit, Category.PARTY_IN_SERVICE),
        (Person.organisation, Category.PROFESSIONAL),
    ):
        for unit, n in session.execute(
            select(column, func.count())
            .where(
                Person.id.in_(in_district.scalar_subquery()), Person.category == category, column.is_not(None)
            )
            .group_by(column)
        ):
            if unit is not None:
                counts[unit] = counts.get(unit, 0) + n
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def request_departments(
    *, session: Session, call: SurgeCall, missing: int, now: datetime, policy: SurgePolicy
) -> list[DepartmentRequest]:
    """部门报到: ask each department for people in proportion to its members (at least one each)."""
    units = department_units(session, place_of_grid(session, call.grid_id))
    total = sum(n for _, n in units) or 1
    have = {
        r.unit for r in session.scalars(select(DepartmentRequest).where(DepartmentRequest.call_id == call.id))
    }
    requests = [
        DepartmentRequest(
            call_id=call.id,
            unit=unit,
            asked=max(1, min(members, math.ceil(missing * members / total))),
            members=members,
            requested_at=now,
            due_at=now + policy.department_due,
        )
        for unit, members in units
        if unit not in have
    ]
    session.add_all(requests)
    if requests:
        audit.record(
            session=session,
            at=now,
            actor="system",
            action="surge.department_request",
            entity="surge_call",
            entity_id=call.id,
            detail={
                "units": {r.unit: r.asked for r in requests},
                "due_at": (now + policy.department_due).isoformat(),
            },
        )
    return requests
