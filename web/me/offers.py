"""Confirm or decline from the buttons on /me/<token> (the SMS link /o/<token> lives in web/offers)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select

from scheduler.notify import answers, content
from scheduler.people import service as people
from scheduler.rosters.models import Assignment
from web.config import now
from web.database import db, unit_of_work
from web.hooks.config import notify_settings
from web.i18n import is_english
from web.me.views import bp


def _text(answer: answers.Answer) -> str:
    return answer.message_en if is_english() else answer.message_zh


@bp.post("/<token>/shifts/<int:assignment_id>")
def answer_shift(token: str, assignment_id: int) -> ResponseReturnValue:
    """Confirm or decline from the personal page: the same answer as the SMS link gives."""
    person = people.get_person_by_token(session=db(), token=token)
    if person is None:
        abort(404)
    if not FlaskForm().validate_on_submit() or request.form.get("answer") not in ("confirm", "decline"):
        abort(400)
    assignment = db().scalar(
        select(Assignment).where(Assignment.id == assignment_id, Assignment.person_id == person.id)
    )
    if assignment is None:
        abort(404)
    with unit_of_work() as s:
        found = content.get_or_create_offer(
            session=s, shift_id=assignment.shift_id, person_id=person.id, now=now()
        )
        result = answers.respond(
            session=s,
            offer=found,
            confirm=request.form["answer"] == "confirm",
            now=now(),
            via="page",
            settings=notify_settings(),
        )
        text = _text(result)
    return render_template(
        "me/answer.html", text=text, offer=found, outcome=result.outcome.value, token=token
    )
