"""/s/<token>: the person's page of one surge offer (from the SMS): yes / no, on my way, I have arrived."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from scheduler.errors import Conflict, DomainError
from scheduler.surge import service as surge
from scheduler.surge.models import SurgeOffer
from web.config import now
from web.database import db, unit_of_work
from web.hooks.config import notify_settings
from web.i18n import is_english, message_of
from web.surge import labels

bp = Blueprint("surge_link", __name__)

ACTIONS = ("confirm", "decline", "on_the_way", "arrived")


def _offer(token: str) -> SurgeOffer:
    offer = surge.get_offer(session=db(), token=token)
    if offer is None:
        abort(404)
    return offer


@bp.get("/<token>")
def offer_page(token: str) -> ResponseReturnValue:
    offer = _offer(token)
    call = surge.get_call(session=db(), call_id=offer.call_id)
    return render_template(
        "surge/link.html",
        offer=offer,
        call=call,
        token=token,
        form=FlaskForm(),
        status=labels.offer_status_label(offer.status.value),
        active=call.status.value in ("open", "staffed"),
    )


@bp.post("/<token>")
def offer_action(token: str) -> ResponseReturnValue:
    offer = _offer(token)
    action = request.form.get("action", "")
    if not FlaskForm().validate_on_submit() or action not in ACTIONS:
        abort(400)
    try:
        with unit_of_work() as s:
            if action in ("confirm", "decline"):
                answer = surge.answer(
                    session=s, token=token, confirm=action == "confirm", now=now(), settings=notify_settings()
                )
                text = answer.message_en if is_english() else answer.message_zh
            elif action == "on_the_way":
                surge.on_the_way(session=s, token=token, now=now())
                text = _("Thank you: the grid knows you are on your way.")
            else:
                if offer.status.value == "arrived":
                    raise Conflict("already_arrived", "已经签到过了，无需重复签到", "already checked in")
                surge.check_in(session=s, now=now(), token=token, via="link", settings=notify_settings())
                text = _("Checked in on arrival. Thank you for coming!")
    except DomainError as err:
        db().expire_all()
        flash(message_of(err), "error")
    else:
        flash(text, "ok")
    return redirect(url_for("surge_link.offer_page", token=token), code=303)
