"""/api/v1 surge routes: raise a call (201, or 409 duplicate_call to confirm), read its board."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from scheduler.errors import NotFound
from scheduler.people.service import FieldError
from scheduler.rosters.models import Priority
from scheduler.surge import after_action, board
from scheduler.surge import service as surge
from scheduler.surge.service import CallRequest, NeedSpec
from scheduler.territory.models import Grid
from web.api import parse
from web.api.openapi_surge import MAX_NEEDS
from web.api.views import bp
from web.auth.access import api_staff_required, community_ids, get_grid_in_scope, staff
from web.config import now
from web.database import db, unit_of_work
from web.hooks.config import notify_settings
from web.surge.forms import DEFAULT_TASK

# Why bounds: a call is for now or soon; far dates are typos, and year 9999 would overflow the blocks.
EARLIEST = timedelta(days=1)
LATEST = timedelta(days=366)
LONGEST = timedelta(days=31)


def _time(data: dict[str, Any], key: str, *, required: bool) -> datetime | None:
    text = parse.string(data, key, required=required, max_len=40)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise FieldError(
            key, "invalid_field", f"{key}：应为 ISO 8601 时间", f"{key}: must be an ISO 8601 time"
        ) from exc
    if value.tzinfo is None:
        raise FieldError(key, "invalid_field", f"{key}：须带时区", f"{key}: must carry a time zone")
    at = now()
    if not at - EARLIEST <= value <= at + LATEST + LONGEST:
        raise FieldError(
            key, "out_of_range", f"{key}：超出可呼叫的时间范围", f"{key}: out of the range of a call"
        )
    return value


def _needs(data: dict[str, Any]) -> tuple[NeedSpec, ...]:
    value = data.get("needs")
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_NEEDS:
        raise FieldError(
            "needs", "invalid_field", f"needs：应为 1 到 {MAX_NEEDS} 项", f"needs: 1 to {MAX_NEEDS} items"
        )
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise FieldError("needs", "invalid_field", "needs：每项应为对象", "needs: each item is an object")
        skill = parse.string(item, "skill", required=True, max_len=32) or ""
        count = parse.integer(item, "count", required=True, lo=0, hi=500) or 0
        out.append(NeedSpec(skill, count))
    return tuple(n for n in out if n.count)


def _grid(data: dict[str, Any]) -> Grid:
    grid_id = parse.integer(data, "grid_id", lo=1, hi=2**31 - 1)
    if grid_id is not None:
        return get_grid_in_scope(grid_id)
    code = parse.string(data, "grid", max_len=32)
    if not code:
        raise FieldError(
            "grid_id", "invalid_field", "grid_id：必填（或给出 grid 编码）", "grid_id: is required"
        )
    grid = db().scalar(select(Grid).where(Grid.code == code, Grid.community_id.in_(community_ids())).limit(1))
    if grid is None:
        raise NotFound("grid_not_found", f"没有这个网格：{code}", f"no such grid: {code}")
    return grid


@bp.post("/surge/calls")
@api_staff_required
def surge_raise() -> ResponseReturnValue:
    data = parse.body()
    grid = _grid(data)
    starts_at = _time(data, "starts_at", required=True)
    assert starts_at is not None
    ends_at = _time(data, "ends_at", required=False)
    if ends_at is not None and ends_at - starts_at > LONGEST:
        raise FieldError(
            "ends_at", "out_of_range", "ends_at：一次呼叫最长 31 天", "ends_at: a call lasts 31 days at most"
        )
    request = CallRequest(
        grid=grid.id,
        starts_at=starts_at,
        ends_at=ends_at,
        needs=_needs(data),
        needs_party_lead=parse.boolean(data, "lead"),
        place=parse.string(data, "place", max_len=128),
        task_type=parse.string(data, "task_type", max_len=32) or DEFAULT_TASK,
        priority=Priority(parse.choice(data, "priority", {p.value for p in Priority}, default="emergency")),
        note=parse.string(data, "note", max_len=500),
    )
    with unit_of_work() as s:
        result = surge.raise_call(
            session=s,
            request=request,
            now=now(),
            actor=staff().actor,
            confirm_duplicate=parse.boolean(data, "confirm_duplicate"),
            settings=notify_settings(),
        )
        out = result.as_dict()
    out["board_url"] = url_for("surge.call_board", call_id=out["call_id"])
    return out, 201


@bp.get("/surge/calls/<int:call_id>")
@api_staff_required
def surge_get(call_id: int) -> ResponseReturnValue:
    call = surge.get_call(session=db(), call_id=call_id)
    get_grid_in_scope(call.grid_id)
    return {
        "board": board.call_board(db(), call.id, now()).as_dict(),
        "after_action": after_action.after_action(session=db(), call_id=call.id).as_dict(),
    }
