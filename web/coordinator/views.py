"""Coordinator pages: people (list, profile, add, edit, deactivate), grids and shift templates."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from scheduler.accounts import service as accounts
from scheduler.availability import service as availability
from scheduler.clock import iso_week, local_zone, next_monday, parse_iso_week
from scheduler.people import personal
from scheduler.people import service as people
from scheduler.people.models import Category
from scheduler.people.service import FieldError, PersonFilter
from scheduler.rosters import service as rosters
from scheduler.rosters import templates
from scheduler.territory.models import Community
from web.auth.access import (
    community_ids,
    ensure_street_in_scope,
    get_grid_in_scope,
    get_person_in_scope,
    get_template_in_scope,
    scope,
    staff,
    staff_required,
)
from web.config import now
from web.coordinator.forms import PersonForm, template_form, template_input
from web.database import db, unit_of_work
from web.i18n import is_english, message_of

bp = Blueprint("coordinator", __name__)


def _attach(form: FlaskForm, err: FieldError) -> None:
    """Put a service's field error next to its field (or above the form if there is no such field)."""
    field = getattr(form, err.field, None)
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(message_of(err))
    elif err.field == "demands":  # the head-count rows share one message under the fieldset
        form.demand_errors = [message_of(err)]
    else:
        form.form_errors.append(message_of(err))


def _grid_choices() -> list[tuple[int, str]]:
    return [
        (g.grid.id, f"{g.grid.community.name} · {g.grid.name}")
        for g in templates.list_grids(session=db(), community_ids=community_ids())
    ]


def _communities() -> list[Community]:
    ids = community_ids()
    return [db().get(Community, i) for i in ids]  # type: ignore[misc]


@bp.get("/")
@staff_required
def home() -> ResponseReturnValue:
    return redirect(
        url_for("rosters.dashboard")
        if "rosters.dashboard" in current_app.view_functions
        else url_for("coordinator.people_list")
    )


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 else None


@bp.get("/people")
@staff_required
def people_list() -> ResponseReturnValue:
    category = request.args.get("category") or None
    filters = PersonFilter(
        text=request.args.get("q", "")[:64],
        category=Category(category) if category in set(Category) else None,
        community_id=_int_arg("community"),
        skill_code=request.args.get("skill") or None,
        include_inactive=request.args.get("inactive") == "1",
    )
    page = max(1, _int_arg("page") or 1)
    found, total = people.list_people(session=db(), community_ids=community_ids(), filters=filters, page=page)
    pages = max(1, -(-total // people.PAGE_SIZE))
    return render_template(
        "coordinator/people_list.html",
        people=found,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        communities=_communities(),
        skills=people.list_skills(session=db()),
        categories=list(Category),
    )


@bp.route("/people/new", methods=["GET", "POST"])
@staff_required
def person_new() -> ResponseReturnValue:
    form = PersonForm().setup(
        grids=_grid_choices(), skills=people.list_skills(session=db()), english=is_english()
    )
    if form.validate_on_submit():
        try:
            with unit_of_work() as s:
                person = people.create_person(session=s, data=form.to_input(), now=now(), actor=staff().actor)
        except FieldError as err:
            _attach(form, err)
        else:
            flash(_("Added %(name)s.", name=person.name), "ok")
            return redirect(url_for("coordinator.person_detail", person_id=person.id), code=303)
    return render_template("coordinator/person_form.html", form=form, person=None), 200


@bp.get("/people/<int:person_id>")
@staff_required
def person_detail(person_id: int) -> ResponseReturnValue:
    person = get_person_in_scope(person_id)
    at = now()
    return render_template(
        "coordinator/person_detail.html",
        person=person,
        windows=availability.list_weekly_windows(session=db(), person_id=person.id),
        exceptions=availability.list_exceptions(session=db(), person_id=person.id, since=at),
        upcoming=personal.list_upcoming_shifts(session=db(), person_id=person.id, now=at),
        history=personal.list_history(session=db(), person_id=person.id, now=at, limit=20),
        hours=personal.hours_this_month(session=db(), person_id=person.id, now=at),
        action_form=FlaskForm(),
    )


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@staff_required
def person_edit(person_id: int) -> ResponseReturnValue:
    person = get_person_in_scope(person_id)
    form = PersonForm(obj=person if request.method == "GET" else None)
    form.setup(grids=_grid_choices(), skills=people.list_skills(session=db()), english=is_english())
    if request.method == "GET":
        form.category.data = person.category.value
        form.skills.data = [ps.skill.code for ps in person.skills]
    if form.validate_on_submit():
        try:
            with unit_of_work() as s:
                people.update_person(
                    session=s, person=person, data=form.to_input(), now=now(), actor=staff().actor
                )
        except FieldError as err:
            db().expire_all()
            _attach(form, err)
        else:
            flash(_("Saved."), "ok")
            return redirect(url_for("coordinator.person_detail", person_id=person_id), code=303)
    return render_template("coordinator/person_form.html", form=form, person=person)


@bp.post("/people/<int:person_id>/active")
@staff_required
def person_set_active(person_id: int) -> ResponseReturnValue:
    person = get_person_in_scope(person_id)
    form = FlaskForm()
    if form.validate_on_submit():
        active = request.form.get("active") == "1"
        with unit_of_work() as s:
            people.set_person_active(session=s, person=person, active=active, now=now(), actor=staff().actor)
        flash(_("Reactivated.") if active else _("Deactivated: no new shifts; history is kept."), "ok")
    return redirect(url_for("coordinator.person_detail", person_id=person_id), code=303)


@bp.get("/grids")
@staff_required
def grids() -> ResponseReturnValue:
    streets = accounts.streets_in_scope(session=db(), scope=scope()) if scope().whole_streets else []
    week = iso_week(next_monday(now().astimezone(local_zone()).date()))
    return render_template(
        "coordinator/grids.html",
        grids=templates.list_grids(session=db(), community_ids=community_ids()),
        streets=streets,
        week=week,
        form=FlaskForm(),
    )


@bp.post("/grids/stamp")
@staff_required
def stamp_week() -> ResponseReturnValue:
    """Create a week's shifts from the templates (idempotent), ready to be rostered."""
    if FlaskForm().validate_on_submit():
        street_arg = request.form.get("street_id", "")
        if not (street_arg.isascii() and street_arg.isdigit() and len(street_arg) < 10):
            abort(400)
        ensure_street_in_scope(int(street_arg), whole=True)
        week = parse_iso_week(request.form.get("week", ""))
        with unit_of_work() as s:
            created = rosters.stamp_week(session=s, street_id=int(street_arg), week_start=week)
        flash(_("%(n)d new shifts for the week of %(w)s.", n=created, w=week.isoformat()), "ok")
    return redirect(url_for("coordinator.grids"), code=303)


@bp.get("/grids/<int:grid_id>")
@staff_required
def grid_detail(grid_id: int) -> ResponseReturnValue:
    grid = get_grid_in_scope(grid_id)
    return render_template(
        "coordinator/grid_detail.html",
        grid=grid,
        templates=templates.list_templates(session=db(), grid_id=grid.id),
    )


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@staff_required
def template_edit(template_id: int) -> ResponseReturnValue:
    template = get_template_in_scope(template_id)
    skills = people.list_skills(session=db())
    form = template_form(
        skills,
        is_english(),
        template if request.method == "GET" else None,
        request.form if request.method == "POST" else None,
    )
    if form.validate_on_submit():
        try:
            with unit_of_work() as s:
                templates.update_template(
                    session=s,
                    template=template,
                    data=template_input(form, skills),
                    now=now(),
                    actor=staff().actor,
                )
        except FieldError as err:
            db().expire_all()
            _attach(form, err)
        else:
            flash(_("Saved."), "ok")
            return redirect(url_for("coordinator.grid_detail", grid_id=template.grid_id), code=303)
    return render_template("coordinator/template_form.html", form=form, template=template)
