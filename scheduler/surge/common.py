"""Look-ups shared by the surge services: a call, an offer by its token, settings and policy."""

from __future__ import annotations

import os

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scheduler.errors import NotFound
from scheduler.notify.settings import NotifySettings, settings_from_env
from scheduler.surge import filling
from scheduler.surge.models import (
    ACTIVE_CALL,
    SurgeCall,
    SurgeOffer,
)
from scheduler.surge.policy import SurgePolicy
from scheduler.territory.models import Community, Grid


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


def settings_of(settings: NotifySettings | None) -> NotifySettings:
    return settings if settings is not None else settings_from_env(os.environ)


def policy_of(call: SurgeCall) -> SurgePolicy:
    return SurgePolicy.from_call(call.policy, over_ask=call.over_ask, answer_minutes=call.answer_minutes)
