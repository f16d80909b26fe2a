"""Check in and out from /me/<token> on the day of the shift (the person's own link is the key)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from scheduler.attendance import service as attendance
from scheduler.attendance.models import Via
from scheduler.errors import DomainError
from web.checkin.views import record
from web.database import db
from web.i18n import message_of
from web.me.views import bp

DONE = {"in": _l("Checked in. Thank you for coming!"), "out": _l("Checked out. Thank you!")}


@bp.post("/<token>/checkin/<int:shift_id>")
def check_in(token: str, shift_id: int) -> ResponseReturnValue:
    action = request.form.get("action", "")
    if not FlaskForm().validate_on_submit() or action not in DONE:
        abort(400)
    assignment = attendance.assignment_by_link(session=db(), token=token, shift_id=shift_id)
    try:
        record(assignment, action, actor=f"person:{assignment.person_id}", via=Via.LINK)
    except DomainError as err:
        db().expire_all()
        flash(message_of(err), "error")
    else:
        flash(str(DONE[action]), "ok")
    return redirect(url_for("me.home", token=token) + "#shifts", code=303)
