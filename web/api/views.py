"""/api/v1: people, grids and shift templates for staff with a bearer token; errors as JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from scheduler.errors import NotFound
from scheduler.people import service as people
from scheduler.people.models import Category, Person
from scheduler.people.service import FieldError, PersonFilter, PersonInput
from scheduler.rosters import templates
from scheduler.rosters.models import Priority, ShiftTemplate
from scheduler.rosters.templates import DemandInput, TemplateInput
from web.api import parse
from web.api.openapi import openapi_document
from web.auth.access import (
    api_staff_required,
    community_ids,
    get_grid_in_scope,
    get_person_in_scope,
    get_template_in_scope,
    staff,
)
from web.config import now
from web.database import db, unit_of_work

bp = Blueprint("api", __name__)


def person_json(p: Person) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "category": p.category.value,
        "phone": p.phone,
        "email": p.email,
        "home_grid_id": p.home_grid_id,
        "work_unit": p.work_unit,
        "organisation": p.organisation,
        "profession": p.profession,
        "birth_year": p.birth_year,
        "experienced": p.experienced,
        "no_night": p.no_night,
        "no_heavy": p.no_heavy,
        "max_hours_per_week": p.max_hours_per_week,
        "monthly_quota_hours": p.monthly_quota_hours,
        "active": p.active,
        "skills": [
            {"code": ps.skill.code, "valid_until": ps.valid_until.isoformat() if ps.valid_until else None}
            for ps in p.skills
        ],
    }


def template_json(t: ShiftTemplate) -> dict[str, Any]:
    return {
        "id": t.id,
        "grid_id": t.grid_id,
        "task_type": t.task_type.code,
        "weekdays": t.weekdays,
        "start": t.start.strftime("%H:%M"),
        "end": t.end.strftime("%H:%M"),
        "priority": t.priority.value,
        "needs_party_lead": t.needs_party_lead,
        "needs_professional": t.needs_professional,
        "active": t.active,
        "demands": [{"skill": d.skill.code if d.skill else None, "count": d.count} for d in t.demands],
    }


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document())


@bp.get("/me")
@api_staff_required
def me() -> ResponseReturnValue:
    user = staff()
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "district_id": user.scope.district_id,
        "street_id": user.scope.street_id,
        "community_id": user.scope.community_id,
    }


@bp.get("/people")
@api_staff_required
def people_list() -> ResponseReturnValue:
    category = request.args.get("category") or None
    if category is not None and category not in {c.value for c in Category}:
        raise FieldError("category", "invalid_field", "category：没有这个类别", "category: no such category")
    filters = PersonFilter(
        text=request.args.get("q", "")[:64],
        category=Category(category) if category else None,
        community_id=parse.query_int("community_id"),
        skill_code=request.args.get("skill") or None,
        include_inactive=request.args.get("include_inactive") in ("1", "true"),
    )
    page = parse.query_int("page", 1) or 1
    found, total = people.list_people(session=db(), community_ids=community_ids(), filters=filters, page=page)
    return {
        "items": [person_json(p) for p in found],
        "total": total,
        "page": page,
        "page_size": people.PAGE_SIZE,
    }


def _person_input(data: dict[str, Any]) -> PersonInput:
    category = parse.choice(data, "category", {c.value for c in Category})
    grid_id = parse.integer(data, "home_grid_id", required=True, lo=1, hi=2**31 - 1)
    assert grid_id is not None
    try:
        get_grid_in_scope(grid_id)
    except NotFound as exc:
        raise FieldError("home_grid_id", exc.code, exc.message_zh, exc.message_en) from exc
    return PersonInput(
        name=parse.string(data, "name", required=True, max_len=64) or "",
        category=Category(category),
        phone=parse.string(data, "phone", required=True, max_len=32) or "",
        home_grid_id=grid_id,
        email=parse.string(data, "email", max_len=254),
        work_unit=parse.string(data, "work_unit", max_len=128),
        organisation=parse.string(data, "organisation", max_len=128),
        profession=parse.string(data, "profession", max_len=32),
        birth_year=parse.integer(data, "birth_year", lo=1900, hi=2020),
        experienced=parse.boolean(data, "experienced"),
        no_night=parse.boolean(data, "no_night"),
        no_heavy=parse.boolean(data, "no_heavy"),
        max_hours_per_week=parse.integer(data, "max_hours_per_week", lo=0, hi=84),
        monthly_quota_hours=parse.integer(data, "monthly_quota_hours", lo=0, hi=200) or 0,
        skill_codes=frozenset(parse.string_list(data, "skills")),
    )


@bp.post("/people")
@api_staff_required
def person_create() -> ResponseReturnValue:
    data = _person_input(parse.body())
    with unit_of_work() as s:
        person = people.create_person(session=s, data=data, now=now(), actor=staff().actor)
        out = person_json(person)
    return out, 201


@bp.get("/people/<int:person_id>")
@api_staff_required
def person_get(person_id: int) -> ResponseReturnValue:
    return person_json(get_person_in_scope(person_id))


@bp.put("/people/<int:person_id>")
@api_staff_required
def person_update(person_id: int) -> ResponseReturnValue:
    person = get_person_in_scope(person_id)
    data = _person_input(parse.body())
    with unit_of_work() as s:
        people.update_person(session=s, person=person, data=data, now=now(), actor=staff().actor)
        return person_json(person)


@bp.put("/people/<int:person_id>/active")
@api_staff_required
def person_set_active(person_id: int) -> ResponseReturnValue:
    person = get_person_in_scope(person_id)
    active = parse.boolean(parse.body(), "active", default=None)  # type: ignore[arg-type]
    with unit_of_work() as s:
        people.set_person_active(session=s, person=person, active=active, now=now(), actor=staff().actor)
        return person_json(person)


@bp.get("/grids")
@api_staff_required
def grids() -> ResponseReturnValue:
    rows = templates.list_grids(session=db(), community_ids=community_ids())
    return {
        "items": [
            {
                "id": r.grid.id,
                "code": r.grid.code,
                "name": r.grid.name,
                "community_id": r.grid.community_id,
                "households": r.grid.households,
                "risk_level": r.grid.risk_level.value,
                "templates": r.templates,
            }
            for r in rows
        ]
    }


@bp.get("/grids/<int:grid_id>/templates")
@api_staff_required
def grid_templates(grid_id: int) -> ResponseReturnValue:
    grid = get_grid_in_scope(grid_id)
    return {"items": [template_json(t) for t in templates.list_templates(session=db(), grid_id=grid.id)]}


@bp.put("/templates/<int:template_id>")
@api_staff_required
def template_update(template_id: int) -> ResponseReturnValue:
    template = get_template_in_scope(template_id)
    data = parse.body()
    raw = data.get("demands")
    if not isinstance(raw, list) or len(raw) > 20 or not all(isinstance(d, dict) for d in raw):
        raise FieldError(
            "demands", "invalid_field", "demands：应为对象数组", "demands: must be a list of objects"
        )
    demands = tuple(
        DemandInput(
            parse.string(d, "skill", max_len=32), parse.integer(d, "count", required=True, hi=50) or 0
        )
        for d in raw
    )
    weekdays = parse.string(data, "weekdays", required=True, max_len=7) or ""
    spec = TemplateInput(
        weekdays=weekdays,
        start=parse.hhmm(data, "start"),
        end=parse.hhmm(data, "end"),
        priority=Priority(parse.choice(data, "priority", {p.value for p in Priority}, default="normal")),
        needs_party_lead=parse.boolean(data, "needs_party_lead"),
        needs_professional=parse.boolean(data, "needs_professional"),
        active=parse.boolean(data, "active", default=True),
        demands=demands,
    )
    with unit_of_work() as s:
        templates.update_template(session=s, template=template, data=spec, now=now(), actor=staff().actor)
        return template_json(template)
