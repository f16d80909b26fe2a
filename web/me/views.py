"""/me/<token>: no password, the unguessable link is the key; an unknown link shows only a 404 page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from scheduler.availability import service as availability
from scheduler.availability.service import DayPart
from scheduler.clock import local_zone
from scheduler.errors import DomainError
from scheduler.people import personal
from scheduler.people import service as people
from scheduler.people.models import Person
from web.checkin.sheet import todays_records
from web.database import db, unit_of_work
from web.hooks.config import notify_settings
from web.i18n import message_of

bp = Blueprint("me", __name__)


def _person(token: str) -> Person:
    person = people.get_person_by_token(session=db(), token=token)
    if person is None:
        abort(404)
    return person


def feed_url(link_token: str) -> str:
    """The webcal:// address of the person's calendar feed (web/feeds serves /cal/<token>.ics)."""
    return "webcal://" + notify_settings().link(f"/cal/{link_token}.ics").split("://", 1)[1]


@bp.get("/<token>")
def home(token: str) -> ResponseReturnValue:
    person = _person(token)
    now = current_app.config["CLOCK"].now()
    today = now.astimezone(local_zone()).date()
    slots = availability.list_slots(
        session=db(), person=person, first_day=today, days=availability.HORIZON_DAYS
    )
    days: dict[date, dict[str, availability.SlotState]] = {}
    for s in slots:
        days.setdefault(s.day, {})[s.part.value] = s
    shifts = personal.list_upcoming_shifts(session=db(), person_id=person.id, now=now)
    return render_template(
        "me/home.html",
        feed_url=feed_url(token),
        person=person,
        token=token,
        days=days,
        form=FlaskForm(),
        shifts=shifts,
        checkins=todays_records(session=db(), person_id=person.id, shifts=shifts, today=today),
        hours=personal.hours_this_month(session=db(), person_id=person.id, now=now),
    )


@bp.post("/<token>/availability")
def toggle(token: str) -> ResponseReturnValue:
    person = _person(token)
    form = FlaskForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        abort(400)
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        part = DayPart(request.form.get("part", ""))
    except ValueError:
        abort(400)
    try:
        with unit_of_work() as s:
            state = availability.toggle_slot(
                session=s, person=person, day=day, part=part, now=current_app.config["CLOCK"].now()
            )
    except DomainError as err:
        if wants_json:
            return {"error": {"code": err.code, "message": message_of(err)}}, err.status
        flash(message_of(err), "error")
    else:
        if wants_json:
            return {"day": day.isoformat(), "part": part.value, "free": state.free}
        flash(_("Saved: free.") if state.free else _("Saved: busy."), "ok")
    return redirect(url_for("me.home", token=token) + "#availability", code=303)
