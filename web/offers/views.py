"""/o/<token>: the unguessable link from the SMS; shows the shift and takes 确认 / 拒绝 in one tap."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from notifications.sms.templates import format_when
from scheduler.audit import service as audit
from scheduler.notify import answers, content
from scheduler.notify.answers import Answer, Outcome
from web.database import db, unit_of_work
from web.hooks.config import notify_settings

bp = Blueprint("offers", __name__, template_folder="templates")

STATUS_OF = {Outcome.UNKNOWN: 404, Outcome.EXPIRED: 410, Outcome.REFUSED: 409}


def _result(answer: Answer) -> ResponseReturnValue:
    return render_template("offers/result.html", answer=answer), STATUS_OF.get(answer.outcome, 200)


@bp.get("/<token>")
def show(token: str) -> ResponseReturnValue:
    now = current_app.config["CLOCK"].now()
    session = db()
    offer = answers.get_offer(session=session, token=token)
    a = answers.current_assignment(session=session, offer=offer) if offer is not None else None
    if offer is None or a is None or a.shift.cancelled or a.shift.starts_at <= now:
        with unit_of_work() as s:
            audit.record(
                session=s,
                at=now,
                actor="link:anonymous" if offer is None else f"person:{offer.person_id}",
                action="offer.unknown" if offer is None else "offer.expired",
                entity="offer",
                entity_id=offer.id if offer else None,
                detail={"via": "link", "answer": "view"},
            )
        return _result(answers.UNKNOWN_LINK if offer is None else answers.EXPIRED)
    settings = notify_settings()
    facts = content.facts(shift=a.shift, person=a.person, offer=offer, settings=settings)
    return render_template(
        "offers/offer.html", token=token, a=a, facts=facts, when=format_when(facts, lang=settings.lang)
    )


def _answer(token: str, *, confirm: bool) -> ResponseReturnValue:
    now = current_app.config["CLOCK"].now()
    with unit_of_work() as session:
        answer = answers.respond(
            session=session,
            offer=answers.get_offer(session=session, token=token),
            confirm=confirm,
            now=now,
            via="link",
            settings=notify_settings(),
            token_hint=token,
        )
    return _result(answer)


@bp.post("/<token>/confirm")
def confirm(token: str) -> ResponseReturnValue:
    return _answer(token, confirm=True)


@bp.post("/<token>/decline")
def decline(token: str) -> ResponseReturnValue:
    return _answer(token, confirm=False)
