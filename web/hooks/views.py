"""POST /hooks/twilio/sms and /hooks/twilio/status: 403 unless Twilio's signature matches."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, request
from flask.typing import ResponseReturnValue
from twilio.twiml.messaging_response import MessagingResponse

from notifications.inbound import (
    CallbackError,
    parse_inbound_sms,
    parse_status_callback,
    verify_twilio_signature,
)
from scheduler.audit import service as audit
from scheduler.notify import answers
from web.database import unit_of_work
from web.hooks.config import notify_settings, twilio_auth_token

bp = Blueprint("hooks", __name__)
_log = logging.getLogger(__name__)


def _candidate_urls() -> list[str]:
    """The URL Twilio signed: as this request sees it, and behind a proxy as GRIDROSTER_PUBLIC_URL says."""
    urls = [request.url]
    public = current_app.config.get("PUBLIC_URL") or notify_settings().public_url
    if public:
        query = request.query_string.decode()
        urls.append(public.rstrip("/") + request.path + (f"?{query}" if query else ""))
    return urls


def _verified() -> None:
    token = twilio_auth_token()
    signature = request.headers.get("X-Twilio-Signature", "")
    settings_header = request.headers.get("X-Twilio-Webhooks-Signature-Settings", "")
    ok = bool(token) and any(
        verify_twilio_signature(
            auth_token=token,
            url=url,
            params=request.form,
            signature=signature,
            signature_settings=settings_header,
        )
        for url in _candidate_urls()
    )
    if ok:
        return
    if not token:
        _log.error("Twilio webhook refused: TWILIO_AUTH_TOKEN is not set, so no signature can be checked")
    now = current_app.config["CLOCK"].now()
    with unit_of_work() as session:
        audit.record(
            session=session,
            at=now,
            actor="webhook:unverified",
            action="hooks.bad_signature",
            entity="webhook",
            detail={"path": request.path, "signed": bool(signature)},
        )
    abort(403)


def _twiml(text: str) -> Response:
    reply = MessagingResponse()
    if text:
        reply.message(text)
    return Response(str(reply), mimetype="application/xml")


@bp.post("/twilio/sms")
def inbound_sms() -> ResponseReturnValue:
    _verified()
    try:
        sms = parse_inbound_sms(request.form)
    except CallbackError:
        abort(400)
    now = current_app.config["CLOCK"].now()
    with unit_of_work() as session:
        text = answers.handle_inbound_sms(
            session=session, from_=sms.from_, body=sms.body, now=now, settings=notify_settings()
        )
    return _twiml(text)


@bp.post("/twilio/status")
def status_callback() -> ResponseReturnValue:
    _verified()
    try:
        update = parse_status_callback(request.form)
    except CallbackError:
        abort(400)
    now = current_app.config["CLOCK"].now()
    with unit_of_work() as session:
        answers.record_status(session=session, update=update, now=now)
    # 204 even for an unknown message id: a retry by Twilio would not make it known.
    return Response(status=204)
