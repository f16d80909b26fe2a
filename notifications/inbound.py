"""Parse what comes back: SMS replies, Twilio status callbacks and inbound SMS, and their signatures."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from twilio.request_validator import RequestValidator, get_signature_algorithm


class ReplyKind(StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Reply:
    kind: ReplyKind
    code: str | None = None  # the per-assignment code after 1 / 2, if one was given


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusUpdate:
    sid: str
    status: str
    error_code: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InboundSms:
    from_: str
    to: str
    body: str
    sid: str


class CallbackError(ValueError):
    """A provider callback lacks a field it must have."""


# Twilio's default single-word keywords (ECOSYSTEM.md §1.3); Twilio acts on them itself, and we
# mirror them in our own opt-out list, which must cover every sender and channel. 退订 / TD / T
# are the Chinese convention ("回T退订").
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "退订", "TD", "T"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO", "帮助"})
_ANSWER_WORDS = {
    "1": ReplyKind.CONFIRM,
    "2": ReplyKind.DECLINE,
    "确认": ReplyKind.CONFIRM,
    "拒绝": ReplyKind.DECLINE,
}
# "1 4821", "1,4821", "14821" (no separator), "确认4821", or "1" alone.
_ANSWER = re.compile(r"^(1|2|确认|拒绝)(?:[\s,.:;#\-、，。：；]*(\d{4,8}))?$")
_TRAILING = "!.。！?？~～ "


def parse_reply(body: str) -> Reply:
    """Classify a reply SMS; full-width digits and letters (１ ４８２１) count as their ASCII forms."""
    # NFKC folds full-width forms, which Chinese input methods produce, into ASCII.
    text = unicodedata.normalize("NFKC", body).strip().strip(_TRAILING).upper()
    if text in OPT_OUT_WORDS:
        return Reply(ReplyKind.OPT_OUT)
    if text in OPT_IN_WORDS:
        return Reply(ReplyKind.OPT_IN)
    if text in HELP_WORDS:
        return Reply(ReplyKind.HELP)
    match = _ANSWER.match(text)
    if match is not None:
        return Reply(_ANSWER_WORDS[match.group(1)], match.group(2))
    return Reply(ReplyKind.UNKNOWN)


def _required(form: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = form.get(name)
        if value:
            return str(value)
    raise CallbackError(f"callback has no {' / '.join(names)}")


def parse_status_callback(form: Mapping[str, Any]) -> StatusUpdate:
    """Twilio's status callback form: MessageSid, MessageStatus, ErrorCode (only on failures)."""
    raw_code = form.get("ErrorCode")
    try:
        error_code = int(raw_code) if raw_code not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise CallbackError(f"ErrorCode is not a number: {raw_code!r}") from exc
    return StatusUpdate(
        sid=_required(form, "MessageSid", "SmsSid"),
        status=_required(form, "MessageStatus", "SmsStatus").lower(),
        error_code=error_code,
    )


def parse_inbound_sms(form: Mapping[str, Any]) -> InboundSms:
    """Twilio's inbound SMS webhook form: From, To, Body, MessageSid."""
    return InboundSms(
        from_=_required(form, "From"),
        to=_required(form, "To"),
        body=str(form.get("Body") or ""),
        sid=_required(form, "MessageSid", "SmsSid"),
    )


def verify_twilio_signature(
    *, auth_token: str, url: str, params: Mapping[str, Any], signature: str, signature_settings: str = ""
) -> bool:
    """True if X-Twilio-Signature matches; `url` must be the public URL Twilio called (see ProxyFix).

    `signature_settings` is the X-Twilio-Webhooks-Signature-Settings header, if any: it selects
    HMAC-SHA256 (twilio 9.13) instead of the legacy HMAC-SHA1, and then `auth_token` is the
    shared-key secret it names.
    """
    if not signature:
        return False
    algorithm = get_signature_algorithm(signature_settings)
    return bool(RequestValidator(auth_token).validate(url, params, signature, algorithm))


# Provider statuses in the order they can happen. A callback can arrive late or twice, so a
# status only ever moves forward; failed / undelivered / canceled / read are final.
_RANK = {
    "scheduled": 0,
    "accepted": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "partially_delivered": 5,
    "delivered": 6,
    "read": 7,
    "undelivered": 8,
    "failed": 8,
    "canceled": 8,
}
FINAL_STATUSES = frozenset({"read", "undelivered", "failed", "canceled"})


def next_status(current: str | None, reported: str) -> str:
    """The status to store when `reported` arrives while `current` is stored."""
    reported = reported.lower()
    if reported not in _RANK:
        return current if current is not None else reported
    if current is None or current not in _RANK:
        return reported
    if current in FINAL_STATUSES:
        return current
    if current == "delivered" and reported != "read":
        # Delivered is what the person saw; a late "undelivered" from a retry leg does not undo it.
        return current
    return reported if _RANK[reported] > _RANK[current] else current
