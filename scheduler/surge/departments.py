"""部门报到: a department reports whom it sends, on file or new (name and phone)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.audit import service as audit
from scheduler.errors import Conflict, ValidationError
from scheduler.notify.settings import NotifySettings
from scheduler.people.models import Category, Person, PersonSkill, Skill
from scheduler.people.phones import normalise_phone
from scheduler.surge import filling, messages
from scheduler.surge.common import get_call, policy_of, settings_of
from scheduler.surge.models import (
    ACTIVE_CALL,
    DepartmentRequest,
    OfferStatus,
    SurgeBlock,
    SurgeCall,
    SurgeNeed,
    SurgeOffer,
    Tier,
)
from scheduler.surge.seats import block_seats


@dataclass(frozen=True, slots=True)
class NewPerson:
    """Someone a department sends who is not on file yet."""

    name: str
    phone: str
    skills: tuple[str, ...] = ()


def department_report(
    *,
    session: Session,
    call_id: int,
    unit: str,
    now: datetime,
    actor: str,
    person_ids: Sequence[int] = (),
    new_people: Sequence[NewPerson] = (),
    settings: NotifySettings | None = None,
) -> list[SurgeOffer]:
    """A department reports whom it sends: people on file by id, or new names and phone numbers.

    Each is recorded as coming (tier "department", via "department") on the first block with an
    open seat they qualify for, and gets a text with their personal link (to check in on arrival).
    Refused: no request went to this unit (``department_not_requested``), an unknown person, a
    bad phone number, nobody named. Nothing is written on a refusal.
    """
    settings = settings_of(settings)
    call = get_call(session=session, call_id=call_id)
    if call.status not in ACTIVE_CALL:
        raise Conflict("call_closed", "这次呼叫已结束或取消", "the call is over or called off")
    request = session.scalar(
        select(DepartmentRequest).where(DepartmentRequest.call_id == call_id, DepartmentRequest.unit == unit)
    )
    if request is None:
        raise Conflict(
            "department_not_requested",
            f"没有向“{unit}”发出报到请求",
            f"no request to send people went to {unit!r}",
        )
    if not person_ids and not new_people:
        raise ValidationError("nobody_reported", "请至少报告一名人员", "report at least one person")
    people: list[Person] = []
    for pid in person_ids:
        person = session.get(Person, pid)
        if person is None or not person.active:
            raise ValidationError(
                "person_not_found", f"没有编号为 {pid} 的在册人员", f"no active person {pid}"
            )
        people.append(person)
    phones = [(n, normalise_phone(n.phone)) for n in new_people]
    skills = {k.code: k for k in session.scalars(select(Skill))}
    for n, _ in phones:
        if not n.name.strip():
            raise ValidationError("name_missing", "姓名不能为空", "a name is required")
        for code in n.skills:
            if code not in skills:
                raise ValidationError("unknown_skill", f"没有这种技能：{code}", f"no such skill: {code}")
    professional_units = set(
        session.scalars(
            select(Person.organisation).where(Person.category == Category.PROFESSIONAL).distinct()
        )
    )
    for n, phone in phones:
        person = session.scalar(select(Person).where(Person.phone == phone))
        if person is None:
            person = Person(
                name=n.name.strip()[:64],
                category=Category.PROFESSIONAL if unit in professional_units else Category.PARTY_IN_SERVICE,
                phone=phone,
                work_unit=unit[:128],
                link_token=secrets.token_urlsafe(24),
            )
            person.skills.extend(PersonSkill(skill=skills[code]) for code in n.skills)
            session.add(person)
        people.append(person)
    session.flush()
    policy = policy_of(call)
    blocks = filling.current_blocks(call, now, policy) or list(call.blocks[-1:])
    offers = filling.call_offers(session, call.id)
    taken_codes = messages.codes_in_use(session, [p.id for p in people])
    recorded: list[SurgeOffer] = []
    for person in people:
        block = next(
            (b for b in blocks if not any(o.block_id == b.id and o.person_id == person.id for o in offers)),
            None,
        )
        if block is None:
            continue  # already recorded for every current block
        need = _need_for(session, call, block, person, offers, now)
        offer = SurgeOffer(
            call_id=call.id,
            block_id=block.id,
            need_id=need.id,
            person_id=person.id,
            tier=Tier.DEPARTMENT,
            via="department",
            unit=unit[:128],
            rank=0,
            distance="district",
            token=messages.new_token(),
            code=messages.new_code(taken_codes.setdefault(person.id, set())),
            status=OfferStatus.CONFIRMED,
            offered_at=now,
            expires_at=now,
            answered_at=now,
        )
        session.add(offer)
        offers.append(offer)
        recorded.append(offer)
    session.flush()
    messages.queue(
        session, [messages.notice_sms("reminder", o, o.person, call, settings, now) for o in recorded]
    )
    request.reported_at = request.reported_at or now
    request.sent += len(recorded)
    if recorded and call.first_confirmed_at is None:
        call.first_confirmed_at = now
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="surge.department_report",
        entity="surge_call",
        entity_id=call.id,
        detail={"unit": unit, "people": [o.person_id for o in recorded], "new": len(new_people)},
    )
    for block in {o.block_id: o.block for o in recorded}.values():
        filling.settle_block(session=session, call=call, block=block, now=now, settings=settings)
    filling.refresh_status(session=session, call=call, now=now, policy=policy)
    return recorded


def _need_for(
    session: Session,
    call: SurgeCall,
    block: SurgeBlock,
    person: Person,
    offers: list[SurgeOffer],
    now: datetime,
) -> SurgeNeed:
    """The need a reported person fills: a skill need they hold with seats open, else the general one."""
    seats = block_seats(call, block, offers, filling.party_ids(session, {o.person_id for o in offers}), now)
    held = {ps.skill_id for ps in person.skills}
    open_needs = [n for n in call.needs if seats.of(n.id).missing > 0]
    for n in open_needs:
        if n.skill_id is not None and n.skill_id in held:
            return n
    general = [n for n in call.needs if n.skill_id is None]
    return (general or open_needs or call.needs)[0]
