"""What surge messages say and how they are queued: urgent SMS through the outbox, same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.sms import templates
from notifications.sms.templates import ShiftFacts
from scheduler.notify.models import AssignmentOffer
from scheduler.notify.settings import NotifySettings
from scheduler.outbox import service as outbox
from scheduler.outbox.models import Channel
from scheduler.people.models import Person
from scheduler.surge.models import SurgeCall, SurgeOffer

CODE_DIGITS = 4
_CODE_TRIES = 50


def link_path(token: str) -> str:
    """The personal page of one surge offer (answer, on my way, check in): /s/<token>."""
    return f"/s/{token}"


def new_token() -> str:
    return secrets.token_urlsafe(9)  # 72 random bits, 12 characters (as roster offers)


def codes_in_use(session: Session, person_ids: Sequence[int]) -> dict[int, set[str]]:
    """Reply codes each person holds already, roster offers and surge offers alike.

    Why both: a reply arrives keyed by phone number only ("1 4821"), so a code must name one offer
    among everything that person was ever asked.
    """
    taken: dict[int, set[str]] = {p: set() for p in person_ids}
    if not person_ids:
        return taken
    for model in (AssignmentOffer, SurgeOffer):
        for person_id, code in session.execute(
            select(model.person_id, model.code).where(model.person_id.in_(person_ids))
        ):
            taken.setdefault(person_id, set()).add(code)
    return taken


def new_code(taken: set[str]) -> str:
    code = ""
    for _ in range(_CODE_TRIES):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code not in taken:
            break
    taken.add(code)
    return code


def place_text(call: SurgeCall) -> str:
    community, grid = call.grid.community.name, call.grid.name
    place = grid if grid.startswith(community) else community + grid
    return f"{place}{call.place}" if call.place else place


def facts(offer: SurgeOffer, person: Person, call: SurgeCall, settings: NotifySettings) -> ShiftFacts:
    return ShiftFacts(
        name=person.name,
        duty=call.task_type.name_zh if settings.lang is templates.Lang.ZH else call.task_type.name_en,
        place=place_text(call),
        start=offer.block.starts_at,
        end=offer.block.ends_at,
        link=settings.link(link_path(offer.token)),
        code=offer.code if settings.codes_for(person.phone) else None,
    )


def sms_values(
    *,
    kind: str,
    offer: SurgeOffer,
    person: Person,
    call: SurgeCall,
    settings: NotifySettings,
    now: datetime,
    render: Callable[[ShiftFacts], str],
) -> dict[str, Any] | None:
    """One urgent SMS row (quiet hours do not hold it back); None if the person cannot be texted."""
    if not person.reachable:
        return None
    return outbox.message_values(
        dedupe_key=f"{kind}:sms:{offer.id}",
        channel=Channel.SMS,
        kind=kind,
        recipient=person.phone,
        payload={"body": render(facts(offer, person, call, settings)), "surge_call": call.id},
        now=now,
        person_id=person.id,
        urgent=True,
    )


def queue(session: Session, rows: Sequence[dict[str, Any] | None]) -> int:
    return outbox.enqueue_many(session=session, rows=[r for r in rows if r is not None])


def call_sms(
    offer: SurgeOffer, person: Person, call: SurgeCall, settings: NotifySettings, now: datetime
) -> dict[str, Any] | None:
    needed = sum(n.count for n in call.needs)
    return sms_values(
        kind="surge_call",
        offer=offer,
        person=person,
        call=call,
        settings=settings,
        now=now,
        render=lambda f: templates.surge_call(f, needed=needed, lang=settings.lang),
    )


def notice_sms(
    kind: str, offer: SurgeOffer, person: Person, call: SurgeCall, settings: NotifySettings, now: datetime
) -> dict[str, Any] | None:
    """not_needed (filled by others), cancel (call called off), reminder (sent by a department)."""
    render = {
        "not_needed": templates.not_needed,
        "cancel": templates.cancel,
        "reminder": templates.reminder,
    }[kind]
    return sms_values(
        kind=f"surge_{kind}",
        offer=offer,
        person=person,
        call=call,
        settings=settings,
        now=now,
        render=lambda f: render(f, lang=settings.lang),
    )
