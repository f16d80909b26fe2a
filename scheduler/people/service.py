"""People of the pool: search, read, add, edit, deactivate (keyword-only, no commit)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Select, false, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from scheduler.audit import service as audit
from scheduler.errors import NotFound, ValidationError
from scheduler.people.models import Category, Person, PersonSkill, Skill
from scheduler.people.phones import normalise_phone
from scheduler.territory.models import Grid

PAGE_SIZE = 50
_Row = TypeVar("_Row", bound=tuple[Any, ...])


class FieldError(ValidationError):
    """A validation error that belongs to one input field (the web puts it next to that field)."""

    def __init__(self, field_name: str, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(code, message_zh, message_en)
        self.field = field_name


@dataclass(frozen=True, slots=True)
class PersonFilter:
    text: str = ""  # name or phone digits
    category: Category | None = None
    community_id: int | None = None
    skill_code: str | None = None
    include_inactive: bool = False


@dataclass(frozen=True, slots=True)
class PersonInput:
    name: str
    category: Category
    phone: str
    home_grid_id: int
    email: str | None = None
    work_unit: str | None = None
    organisation: str | None = None
    profession: str | None = None
    birth_year: int | None = None
    experienced: bool = False
    no_night: bool = False
    no_heavy: bool = False
    max_hours_per_week: int | None = None
    monthly_quota_hours: int = 0
    skill_codes: frozenset[str] = field(default_factory=frozenset)


def _filtered(
    stmt: Select[tuple[Person]], community_ids: list[int], f: PersonFilter
) -> Select[tuple[Person]]:
    stmt = stmt.join(Grid, Person.home_grid_id == Grid.id).where(Grid.community_id.in_(community_ids))
    if not f.include_inactive:
        stmt = stmt.where(Person.active == true())
    if f.category is not None:
        stmt = stmt.where(Person.category == f.category)
    if f.community_id is not None:
        stmt = stmt.where(Grid.community_id == f.community_id)
    if f.skill_code:
        stmt = stmt.where(
            Person.id.in_(select(PersonSkill.person_id).join(Skill).where(Skill.code == f.skill_code))
        )
    text = f.text.strip()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        clauses = [Person.name.contains(text, autoescape=True)]
        if len(digits) >= 3:
            clauses.append(Person.phone.contains(digits, autoescape=True))
        stmt = stmt.where(or_(*clauses))
    return stmt


def list_people(
    *,
    session: Session,
    community_ids: list[int],
    filters: PersonFilter,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> tuple[list[Person], int]:
    """One page of the people whose home grid is in ``community_ids``, and the total count."""
    if not community_ids:
        return [], 0
    total = cast(int, session.scalar(_filtered(select(func.count(Person.id)), community_ids, filters)) or 0)
    stmt = (
        _filtered(select(Person), community_ids, filters)
        .options(selectinload(Person.skills).selectinload(PersonSkill.skill), selectinload(Person.home_grid))
        .order_by(Person.active.desc(), Person.name, Person.id)
        .limit(page_size)
        .offset(max(0, page - 1) * page_size)
    )
    return list(session.scalars(stmt)), total


def get_person(*, session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("person_not_found", "找不到这个人", "no such person")
    return person


def get_person_by_token(*, session: Session, token: str) -> Person | None:
    """The person whose personal link this is; deactivated people's links stop working."""
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Person).where(Person.link_token == token, Person.active == true()))


def list_skills(*, session: Session) -> list[Skill]:
    return list(session.scalars(select(Skill).order_by(Skill.id)))


def _validate(session: Session, data: PersonInput, person_id: int | None) -> tuple[str, list[Skill]]:
    name = data.name.strip()
    if not name:
        raise FieldError("name", "name_missing", "姓名不能为空", "name is empty")
    if len(name) > 64:
        raise FieldError("name", "name_too_long", "姓名最多 64 个字", "name is longer than 64 characters")
    try:
        phone = normalise_phone(data.phone)
    except ValidationError as exc:
        raise FieldError("phone", exc.code, exc.message_zh, exc.message_en) from exc
    clash = session.scalar(select(Person.id).where(Person.phone == phone, Person.id != (person_id or -1)))
    if clash is not None:
        raise FieldError(
            "phone", "phone_taken", "这个手机号已登记给另一个人", "another person has this phone number"
        )
    if session.get(Grid, data.home_grid_id) is None:
        raise FieldError("home_grid_id", "grid_not_found", "没有这个网格", "no such grid")
    if data.birth_year is not None and not 1900 <= data.birth_year <= 2020:
        raise FieldError(
            "birth_year",
            "birth_year_invalid",
            "出生年份应在 1900 到 2020 之间",
            "birth year must be between 1900 and 2020",
        )
    if data.max_hours_per_week is not None and not 0 <= data.max_hours_per_week <= 84:
        raise FieldError(
            "max_hours_per_week",
            "hours_invalid",
            "每周最多小时数应在 0 到 84 之间",
            "hours per week must be between 0 and 84",
        )
    if not 0 <= data.monthly_quota_hours <= 200:
        raise FieldError(
            "monthly_quota_hours",
            "hours_invalid",
            "每月服务时长应在 0 到 200 之间",
            "monthly hours must be between 0 and 200",
        )
    skills = (
        list(session.scalars(select(Skill).where(Skill.code.in_(data.skill_codes))))
        if data.skill_codes
        else []
    )
    unknown = set(data.skill_codes) - {s.code for s in skills}
    if unknown:
        raise FieldError(
            "skills",
            "skill_unknown",
            f"没有这些技能：{'、'.join(sorted(unknown))}",
            f"unknown skills: {', '.join(sorted(unknown))}",
        )
    return phone, skills


def _apply(person: Person, data: PersonInput, phone: str, skills: list[Skill]) -> None:
    person.name = data.name.strip()
    person.category = data.category
    person.phone = phone
    person.home_grid_id = data.home_grid_id
    person.email = (data.email or "").strip() or None
    person.work_unit = (data.work_unit or "").strip() or None
    person.organisation = (data.organisation or "").strip() or None
    person.profession = (data.profession or "").strip() or None
    person.birth_year = data.birth_year
    person.experienced = data.experienced
    person.no_night = data.no_night
    person.no_heavy = data.no_heavy
    person.max_hours_per_week = data.max_hours_per_week
    person.monthly_quota_hours = data.monthly_quota_hours
    wanted = {s.id: s for s in skills}
    # Keep the rows (and their certificate expiry dates) of skills the person still has.
    person.skills = [ps for ps in person.skills if ps.skill_id in wanted]
    have = {ps.skill_id for ps in person.skills}
    person.skills.extend(PersonSkill(skill=s) for sid, s in wanted.items() if sid not in have)


def create_person(*, session: Session, data: PersonInput, now: datetime, actor: str) -> Person:
    phone, skills = _validate(session, data, None)
    person = Person(link_token=secrets.token_urlsafe(24), active=True, contact_consent=True)
    person.skills = []
    _apply(person, data, phone, skills)
    session.add(person)
    session.flush()
    audit.record(
        session=session, at=now, actor=actor, action="people.create", entity="person", entity_id=person.id
    )
    return person


def update_person(
    *, session: Session, person: Person, data: PersonInput, now: datetime, actor: str
) -> Person:
    phone, skills = _validate(session, data, person.id)
    _apply(person, data, phone, skills)
    session.flush()
    audit.record(
        session=session, at=now, actor=actor, action="people.update", entity="person", entity_id=person.id
    )
    return person


def set_person_active(*, session: Session, person: Person, active: bool, now: datetime, actor: str) -> Person:
    """Deactivate (left, moved away) or reactivate; nobody is deleted, history stays."""
    person.active = active
    session.flush()
    action = "people.reactivate" if active else "people.deactivate"
    audit.record(session=session, at=now, actor=actor, action=action, entity="person", entity_id=person.id)
    return person


def count_inactive(*, session: Session, community_ids: list[int]) -> int:
    stmt = (
        select(func.count(Person.id))
        .join(Grid, Person.home_grid_id == Grid.id)
        .where(Grid.community_id.in_(community_ids), Person.active == false())
    )
    return session.scalar(stmt) or 0
