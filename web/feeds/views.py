"""GET /cal/<token>.ics: a person's shifts as a subscribable calendar (webcal://); the token is the key."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from scheduler.notify import feed
from scheduler.people import service as people
from web.database import db
from web.hooks.config import notify_settings

bp = Blueprint("feeds", __name__)


@bp.get("/<token>.ics")
def person_feed(token: str) -> Response:
    person = people.get_person_by_token(session=db(), token=token)
    if person is None or not person.active:
        abort(404)
    body = feed.person_feed(
        session=db(), person=person, now=current_app.config["CLOCK"].now(), settings=notify_settings()
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="shifts.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
