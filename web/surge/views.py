"""Surge pages for staff: the call list, the short form, the live board, departments, after-action.

Each view checks the scope (the call's grid must be in the account's communities), then makes one
scheduler.surge call; a refused call changes nothing and comes back with the reason in Chinese.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from scheduler.clock import local_zone
from scheduler.errors import Conflict, DomainError, NotFound, ValidationError
from scheduler.people import service as people
from scheduler.people.models import Person
from scheduler.rosters.templates import list_grids
from scheduler.surge import after_action, board
from scheduler.surge import service as surge
from scheduler.surge.models import DepartmentRequest, SurgeCall, SurgeOffer
from scheduler.surge.service import NewPerson
from web.auth.access import community_ids, get_grid_in_scope, staff, staff_required
from web.config import now
from web.database import db, unit_of_work
from web.hooks.config import notify_settings
from web.i18n import is_english, message_of
from web.surge import labels
from web.surge.forms import CallForm, call_request, choices

bp = Blueprint("surge", __name__)


def call_in_scope(call_id: int) -> SurgeCall:
    call = surge.get_call(session=db(), call_id=call_id)
    get_grid_in_scope(call.grid_id)
    return call


def _grids() -> list[tuple[int, str]]:
    return [
        (g.grid.id, f"{g.grid.community.name} · {g.grid.name}")
        for g in list_grids(session=db(), community_ids=community_ids())
    ]


def _local_input(at: datetime) -> str:
    return at.astimezone(local_zone()).strftime("%Y-%m-%dT%H:%M")


@bp.get("/surge")
@staff_required
def calls() -> ResponseReturnValue:
    grids = {gid for gid, _name in _grids()}
    every = [c for c in surge.list_calls(session=db(), active_only=False) if c.grid_id in grids]
    active = [c for c in every if c.status.value in ("open", "staffed")]
    return render_template(
        "surge/calls.html",
        active=active,
        recent=[c for c in every if c not in active][:20],
        tier=labels.tier_label,
        call_status=labels.call_status_label,
    )


@bp.route("/surge/new", methods=["GET", "POST"])
@staff_required
def new_call() -> ResponseReturnValue:
    """One short form; a duplicate for the same grid and time asks to confirm before it is raised."""
    opts = choices(db())
    form = FlaskForm()
    error = duplicate = None
    if request.method == "GET":
        values = CallForm(start=_local_input(now()), grid_id=request.args.get("grid", "")[:10])
    else:
        values = CallForm.from_form(request.form.to_dict(), opts.codes)
        if not form.validate_on_submit():
            error = _("The form has expired or was sent from elsewhere. Reload the page and try again.")
        else:
            try:
                if not (values.grid_id.isascii() and values.grid_id.isdigit()):
                    raise ValidationError("grid_not_chosen", "请选择网格", "choose a grid")
                grid = get_grid_in_scope(int(values.grid_id))
                with unit_of_work() as s:
                    result = surge.raise_call(
                        session=s,
                        request=call_request(values, grid.id),
                        now=now(),
                        actor=staff().actor,
                        confirm_duplicate=request.form.get("confirm_duplicate") == "1",
                        settings=notify_settings(),
                    )
                    call_id, offers = result.call.id, result.offers
                    unfillable = [u.message_en if is_english() else u.message_zh for u in result.unfillable]
            except DomainError as err:
                db().expire_all()
                if err.status == 403:
                    raise
                if isinstance(err, Conflict) and err.code == "duplicate_call":
                    duplicate = message_of(err)
                else:
                    error = message_of(err)
            else:
                flash(_("Call raised: %(n)d people asked at once.", n=offers), "ok")
                for text in unfillable:
                    flash(_("Cannot be filled: %(why)s", why=text), "error")
                return redirect(url_for("surge.call_board", call_id=call_id), code=303)
    return render_template(
        "surge/new.html",
        form=form,
        values=values,
        grids=_grids(),
        opts=opts,
        error=error,
        duplicate=duplicate,
    ), (409 if duplicate else 400 if error else 200)


def board_view(call: SurgeCall) -> dict[str, Any]:
    """The board as JSON, with the labels of the chosen language (the page's poll reads this)."""
    data = board.call_board(db(), call.id, now()).as_dict()
    skills = {s.code: s for s in people.list_skills(session=db())}
    data["tier_label"] = labels.tier_label(data["tier"])
    data["status_label"] = labels.call_status_label(data["status"])
    data["next_escalation_local"] = labels.local_hhmm(data["next_escalation_at"])
    for n in data["needs"]:
        n["label"] = labels.need_label(n["need"], skills)
    for u in data["unmet"]:
        u["label"] = labels.need_label(u["need"], skills)
        u["reason_label"] = labels.reason_label(u["reason"], u["reason_zh"])
    for p in data["people"]:
        p["label"] = labels.need_label(p["need"], skills)
        p["status_label"] = labels.offer_status_label(p["status"])
    ids = dict(
        db()
        .execute(
            select(DepartmentRequest.unit, DepartmentRequest.id).where(DepartmentRequest.call_id == call.id)
        )
        .all()
    )
    for d in data["departments"]:
        d["id"] = ids.get(d["unit"])
        d["due_local"] = labels.local_hhmm(d["due_at"])
    for x in data["notices"]:
        x["message"] = x["message_en"] if is_english() else x["message_zh"]
        x["at_local"] = labels.local_hhmm(x["at"])
    data["unfillable"] = [u["message_en"] if is_english() else u["message_zh"] for u in call.unfillable]
    return data


@bp.get("/surge/calls/<int:call_id>")
@staff_required
def call_board(call_id: int) -> ResponseReturnValue:
    call = call_in_scope(call_id)
    return render_template(
        "surge/board.html",
        call=call,
        data=board_view(call),
        form=FlaskForm(),
        active=call.status.value in ("open", "staffed"),
    )


@bp.get("/surge/calls/<int:call_id>/board.json")
@staff_required
def board_json(call_id: int) -> ResponseReturnValue:
    return board_view(call_in_scope(call_id))


@bp.post("/surge/calls/<int:call_id>/offers/<int:offer_id>/arrived")
@staff_required
def arrived(call_id: int, offer_id: int) -> ResponseReturnValue:
    """The grid leader checks someone in on arrival, from the board."""
    call_in_scope(call_id)
    offer = db().get(SurgeOffer, offer_id)
    if offer is None or offer.call_id != call_id:
        raise NotFound("offer_not_found", "没有找到这个呼叫人员记录", "no such surge offer")
    if not FlaskForm().validate_on_submit():
        abort(400)
    name = offer.person.name
    try:
        with unit_of_work() as s:
            if offer.status.value == "arrived":
                raise Conflict("already_arrived", "已经签到过了，无需重复签到", "already checked in")
            surge.check_in(
                session=s,
                now=now(),
                offer_id=offer.id,
                via="leader",
                actor=staff().actor,
                settings=notify_settings(),
            )
    except DomainError as err:
        db().expire_all()
        flash(f"{name}：{message_of(err)}", "error")
    else:
        flash(_("%(name)s checked in on arrival.", name=name), "ok")
    return redirect(url_for("surge.call_board", call_id=call_id) + "#people", code=303)


@bp.post("/surge/calls/<int:call_id>/end")
@staff_required
def end_call(call_id: int) -> ResponseReturnValue:
    call_in_scope(call_id)
    action = request.form.get("action")
    if not FlaskForm().validate_on_submit() or action not in ("close", "cancel"):
        abort(400)
    end = surge.close_call if action == "close" else surge.cancel_call
    try:
        with unit_of_work() as s:
            end(session=s, call_id=call_id, now=now(), actor=staff().actor, settings=notify_settings())
    except DomainError as err:
        db().expire_all()
        flash(message_of(err), "error")
    else:
        flash(_("The call is closed.") if action == "close" else _("The call is called off."), "ok")
    return redirect(url_for("surge.call_board", call_id=call_id), code=303)


def _department(call_id: int, request_id: int) -> tuple[SurgeCall, DepartmentRequest]:
    call = call_in_scope(call_id)
    found = db().get(DepartmentRequest, request_id)
    if found is None or found.call_id != call.id:
        raise NotFound("department_not_requested", "没有这个部门报到请求", "no such department request")
    return call, found


def _members(unit: str) -> list[Person]:
    """People on file of this department: in-service party members' unit or professionals' organisation."""
    stmt = (
        select(Person)
        .where(Person.active.is_(True), (Person.work_unit == unit) | (Person.organisation == unit))
        .order_by(Person.name, Person.id)
        .limit(500)
    )
    return list(db().scalars(stmt))


def new_people(text: str) -> list[NewPerson]:
    """One person a line: 姓名,手机号[,技能代码 技能代码]; commas may be Chinese (，)."""
    out = []
    for n, line in enumerate(text.replace("，", ",").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValidationError(
                "bad_line", f"第 {n} 行应写作 姓名,手机号[,技能]", f"line {n} must read name,phone[,skills]"
            )
        out.append(
            NewPerson(parts[0][:64], parts[1][:32], tuple((parts[2] if len(parts) > 2 else "").split()))
        )
    return out


@bp.route("/surge/calls/<int:call_id>/departments/<int:request_id>", methods=["GET", "POST"])
@staff_required
def department(call_id: int, request_id: int) -> ResponseReturnValue:
    """部门报到: report whom a department sends (people on file, or new names with phone numbers)."""
    call, dept = _department(call_id, request_id)
    form = FlaskForm()
    error = None
    typed = request.form.get("new_people", "")[:5000]
    if request.method == "POST" and form.validate_on_submit():
        chosen = [
            int(v) for v in request.form.getlist("person_id") if v.isascii() and v.isdigit() and len(v) < 10
        ]
        try:
            with unit_of_work() as s:
                recorded = surge.department_report(
                    session=s,
                    call_id=call.id,
                    unit=dept.unit,
                    now=now(),
                    actor=staff().actor,
                    person_ids=chosen,
                    new_people=new_people(typed),
                    settings=notify_settings(),
                )
                count = len(recorded)
        except DomainError as err:
            db().expire_all()
            error = message_of(err)
        else:
            flash(_("Recorded: %(n)d people sent by %(unit)s.", n=count, unit=dept.unit), "ok")
            return redirect(url_for("surge.call_board", call_id=call.id), code=303)
    return render_template(
        "surge/department.html",
        call=call,
        dept=dept,
        members=_members(dept.unit),
        form=form,
        error=error,
        typed=typed,
    ), (400 if error else 200)


@bp.get("/surge/calls/<int:call_id>/after-action")
@staff_required
def after(call_id: int) -> ResponseReturnValue:
    call = call_in_scope(call_id)
    record = after_action.after_action(session=db(), call_id=call.id)
    skills = {s.code: s for s in people.list_skills(session=db())}
    return render_template("surge/after_action.html", call=call, record=record, skills=skills, labels=labels)
