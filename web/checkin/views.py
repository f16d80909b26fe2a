"""Check-in sheet: a grid leader checks people in and out, or records a no-show, on the day."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from scheduler.attendance import service as attendance
from scheduler.attendance.models import AttendanceStatus, Via
from scheduler.clock import local_zone
from scheduler.errors import DomainError, NotFound
from scheduler.rosters.models import Assignment
from web.auth.access import community_ids, get_grid_in_scope, staff, staff_required
from web.checkin.sheet import already_checked_in, day_sheet
from web.config import now
from web.database import db, unit_of_work
from web.i18n import message_of

bp = Blueprint("checkin", __name__)

ACTIONS = ("in", "out", "no_show")


def _day(text: str | None) -> date:
    today = now().astimezone(local_zone()).date()
    if not text:
        return today
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        flash(_("The date must look like 2026-12-01."), "error")
        return today


@bp.get("/checkin")
@staff_required
def sheet() -> ResponseReturnValue:
    day = _day(request.args.get("day"))
    return render_template(
        "checkin/sheet.html",
        day=day,
        today=now().astimezone(local_zone()).date(),
        shifts=day_sheet(session=db(), community_ids=community_ids(), day=day),
        form=FlaskForm(),
    )


def record(assignment: Assignment, action: str, *, actor: str, via: Via) -> None:
    """Check in, check out or mark a no-show in one transaction; DomainError (nothing stored) if refused."""
    with unit_of_work() as s:
        if action == "in":
            existing = attendance.get_attendance(
                session=s, shift_id=assignment.shift_id, person_id=assignment.person_id
            )
            if existing is not None and existing.status is AttendanceStatus.CHECKED_IN:
                raise already_checked_in()
            attendance.check_in(session=s, assignment_id=assignment.id, now=now(), actor=actor, via=via)
        elif action == "out":
            attendance.check_out(session=s, assignment_id=assignment.id, now=now(), actor=actor, via=via)
        else:
            attendance.mark_no_show(session=s, assignment_id=assignment.id, now=now(), actor=actor)


DONE = {"in": _l("Checked in."), "out": _l("Checked out."), "no_show": _l("Recorded as a no-show.")}


@bp.post("/checkin/<int:assignment_id>")
@staff_required
def act(assignment_id: int) -> ResponseReturnValue:
    assignment = db().get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound("assignment_not_found", "找不到这条排班", "no such assignment")
    get_grid_in_scope(assignment.shift.grid_id)
    action = request.form.get("action", "")
    if not FlaskForm().validate_on_submit() or action not in ACTIONS:
        abort(400)
    day = assignment.shift.starts_at.astimezone(local_zone()).date()
    try:
        record(assignment, action, actor=staff().actor, via=Via.LEADER)
    except DomainError as err:
        db().expire_all()
        flash(f"{assignment.person.name}：{message_of(err)}", "error")
    else:
        flash(f"{assignment.person.name}：{DONE[action]}", "ok")
    return redirect(url_for("checkin.sheet", day=day.isoformat()) + f"#shift-{assignment.shift_id}", code=303)
