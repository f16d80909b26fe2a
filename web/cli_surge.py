"""`gridroster surge ...` and `bench surge`: emergency surge calls (网格呼叫、街区响应、部门报到)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from scheduler.clock import parse_local_time
from scheduler.db import transaction
from scheduler.errors import DomainError
from web.cli import Context, bench, fail, main, pass_ctx


def _time(text: str | None, ctx: Context) -> datetime | None:
    """ISO time; without an offset it is local time (Asia/Shanghai by default); "now" is the clock."""
    if text is None:
        return None
    if text.strip().lower() == "now":
        return ctx.clock.now()
    return parse_local_time(text)


def _now(text: str | None, ctx: Context) -> datetime:
    return _time(text, ctx) or ctx.clock.now()


def _out(data: dict[str, Any], as_json: bool, lines: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        click.echo("\n".join(lines))


@main.group()
def surge() -> None:
    """Emergency surge calls: raise, watch the board, run escalations (网格呼叫)."""


@surge.command("call")
@click.option("--grid", required=True, help="Grid code, e.g. G0012.")
@click.option("--start", default="now", show_default=True, help="ISO time (local if no offset) or 'now'.")
@click.option("--end", default=None, help="ISO time; leave out for an open-ended call in rolling blocks.")
@click.option("--need", "needs", multiple=True, help="skill:count, e.g. general:6 or nurse:2 (repeatable).")
@click.option("--lead", is_flag=True, help="One of the people must be a party member (党员带队).")
@click.option("--place", default=None, help="Where exactly, e.g. 3号楼东门.")
@click.option("--task", default="patrol", show_default=True, help="Task type code.")
@click.option(
    "--urgency",
    type=click.Choice(["normal", "high_risk", "emergency"]),
    default="emergency",
    show_default=True,
    help="Priority over routine shifts (only lower ones may be pre-empted).",
)
@click.option("--note", default=None)
@click.option("--confirm-duplicate", is_flag=True, help="Raise it even if the grid has an open call then.")
@click.option("--now", "now_text", default=None, hidden=True, help="Run as of this time (drills, replays).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def surge_call(
    ctx: Context,
    grid: str,
    start: str,
    end: str | None,
    needs: tuple[str, ...],
    lead: bool,
    place: str | None,
    task: str,
    urgency: str,
    note: str | None,
    confirm_duplicate: bool,
    now_text: str | None,
    as_json: bool,
) -> None:
    """Raise a surge call; the grid's community is asked at once."""
    from scheduler.rosters.models import Priority
    from scheduler.surge import service

    try:
        now = _now(now_text, ctx)
        starts_at = _time(start, ctx) or now
        request = service.CallRequest(
            grid=grid,
            starts_at=starts_at,
            ends_at=_time(end, ctx),
            needs=tuple(service.NeedSpec.parse(n) for n in needs),
            needs_party_lead=lead,
            place=place,
            task_type=task,
            priority=Priority(urgency),
            note=note,
        )
        with transaction(ctx.sessions) as session:
            result = service.raise_call(
                session=session, request=request, now=now, actor="cli", confirm_duplicate=confirm_duplicate
            )
            data = result.as_dict()
    except DomainError as error:
        fail(error)
    lines = [f"surge call {data['call_id']} raised: {data['offers']} people asked ({data['tier']} tier)"]
    lines += [
        f"  cannot be filled: {u['need']} x{u['missing']}: {u['message_zh']} / {u['message_en']}"
        for u in data["unfillable"]
    ]
    _out(data, as_json, lines)


@surge.command("board")
@click.argument("call_id", type=int)
@click.option("--now", "now_text", default=None, hidden=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def surge_board(ctx: Context, call_id: int, now_text: str | None, as_json: bool) -> None:
    """The live board of one call: needed / asked / confirmed / on the way / arrived per skill."""
    from scheduler.surge.board import call_board

    try:
        with transaction(ctx.sessions) as session:
            data = call_board(session, call_id, _now(now_text, ctx)).as_dict()
    except DomainError as error:
        fail(error)
    lines = [
        f"call {data['call_id']} · {data['grid']} {data['place']} · {data['status']} · "
        f"tier {data['tier']} ({data['tier_zh']}) · {data['minutes']} min"
    ]
    lines.append(f"  {'need':<14}{'needed':>7}{'asked':>7}{'yes':>5}{'going':>7}{'here':>6}{'short':>7}")
    for n in data["needs"]:
        lines.append(
            f"  {n['need']:<14}{n['needed']:>7}{n['offered']:>7}{n['confirmed']:>5}"
            f"{n['on_the_way']:>7}{n['arrived']:>6}{n['missing']:>7}"
        )
    if data["lead"]["needed"]:
        lines.append(f"  party-member lead: {'yes' if data['lead']['covered'] else 'not yet'}")
    lines += [f"  short {u['need']} x{u['missing']}: {u['reason_zh']} ({u['reason']})" for u in data["unmet"]]
    _out(data, as_json, lines)


@surge.command("tick")
@click.option("--now", "now_text", default=None, help="Run as of this time (drills, replays).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def surge_tick(ctx: Context, now_text: str | None, as_json: bool) -> None:
    """Run what is due: time-outs, escalation to the next tier, more offers, re-plans (every minute)."""
    from scheduler.surge import service

    try:
        with transaction(ctx.sessions) as session:
            data = service.tick(session=session, now=_now(now_text, ctx)).as_dict()
    except DomainError as error:
        fail(error)
    _out(
        data,
        as_json,
        [
            f"expired {data['expired']}, escalated {len(data['escalated'])}, asked {data['offers']}, "
            f"closed {data['closed']}, re-planned {len(data['replanned'])}"
        ],
    )


@surge.command("list")
@click.option("--all", "show_all", is_flag=True, help="Closed and cancelled calls too.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def surge_list(ctx: Context, show_all: bool, as_json: bool) -> None:
    """Surge calls, newest first (open ones only unless --all)."""
    from scheduler.surge import service

    with transaction(ctx.sessions) as session:
        rows = [
            {
                "call_id": c.id,
                "grid": c.grid.code,
                "status": c.status.value,
                "tier": c.tier.value,
                "raised_at": c.raised_at.isoformat(),
                "needs": {n.code: n.count for n in c.needs},
            }
            for c in service.list_calls(session=session, active_only=not show_all)
        ]
    _out(
        {"calls": rows},
        as_json,
        [f"#{r['call_id']} {r['grid']} {r['status']} {r['tier']} {r['needs']} {r['raised_at']}" for r in rows]
        or ["no surge calls"],
    )


@surge.command("report")
@click.argument("call_id", type=int)
@click.option("--unit", required=True, help="The department, as in the request (work unit / organisation).")
@click.option("--person", "person_ids", multiple=True, type=int, help="Id of a person on file (repeatable).")
@click.option("--new", "new_people", multiple=True, help="name:phone of someone not on file (repeatable).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def surge_report(
    ctx: Context,
    call_id: int,
    unit: str,
    person_ids: tuple[int, ...],
    new_people: tuple[str, ...],
    as_json: bool,
) -> None:
    """A department reports whom it sends (部门报到)."""
    from scheduler.surge import service

    try:
        people = []
        for text in new_people:
            name, _, phone = text.partition(":")
            people.append(service.NewPerson(name.strip(), phone.strip()))
        with transaction(ctx.sessions) as session:
            offers = service.department_report(
                session=session,
                call_id=call_id,
                unit=unit,
                person_ids=person_ids,
                new_people=people,
                now=ctx.clock.now(),
                actor="cli",
            )
            data = {"call_id": call_id, "unit": unit, "recorded": [o.person_id for o in offers]}
    except DomainError as error:
        fail(error)
    _out(data, as_json, [f"{unit}: {len(data['recorded'])} recorded as coming"])


@surge.command("close")
@click.argument("call_id", type=int)
@click.option("--cancel", is_flag=True, help="Call it off (people coming are told not to come).")
@click.option("--reason", default="")
@pass_ctx
def surge_close(ctx: Context, call_id: int, cancel: bool, reason: str) -> None:
    """Close a call when the matter is done (事不完、人不撤), or cancel it; prints the after-action record."""
    from scheduler.surge import service
    from scheduler.surge.after_action import after_action

    try:
        with transaction(ctx.sessions) as session:
            end = service.cancel_call if cancel else service.close_call
            end(session=session, call_id=call_id, now=ctx.clock.now(), actor="cli", reason=reason)
            data = after_action(session=session, call_id=call_id).as_dict()
    except DomainError as error:
        fail(error)
    click.echo(json.dumps(data, ensure_ascii=False))


@bench.command("surge")
@click.option("--people", default=3000, show_default=True, type=click.IntRange(10, 1_000_000))
@click.option("--grids", default=150, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--calls", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--seed", "seed_value", default=1, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
def bench_surge(people: int, grids: int, calls: int, seed_value: int, as_json: bool) -> None:
    """Surge calls on a generated street with a published week: time of the assignment step per call."""
    from scheduler.surge.bench import run_surge

    result = run_surge(people=people, grids=grids, calls=calls, seed=seed_value)
    click.echo(json.dumps(result) if as_json else "  ".join(f"{k}={v}" for k, v in result.items()))
