"""Thin roster views: scope checks, then one scheduler call each (generation runs as a job)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from scheduler.accounts import service as accounts
from scheduler.clock import iso_week, local_zone, next_monday, parse_iso_week
from scheduler.errors import DomainError, NotFound
from scheduler.notify.summary import roster_delivery
from scheduler.people import service as people
from scheduler.rosters import jobs as roster_jobs
from scheduler.rosters import manual, overview
from scheduler.rosters import service as rosters
from scheduler.rosters.models import Roster, RosterStatus
from scheduler.rosters.reasons import explain
from scheduler.rosters.templates import list_grids
from web.auth.access import community_ids, ensure_street_in_scope, scope, staff, staff_required
from web.config import now
from web.database import db, unit_of_work
from web.i18n import is_english, message_of
from web.jobs import submit_generate

bp = Blueprint("rosters", __name__)


def _grid_ids() -> set[int] | None:
    """None for whole-street accounts; a community coordinator sees only their community's grids."""
    if scope().whole_streets:
        return None
    return {g.grid.id for g in list_grids(session=db(), community_ids=community_ids())}


def _roster(roster_id: int, *, whole: bool = False) -> Roster:
    roster = rosters.get_roster(session=db(), roster_id=roster_id)
    ensure_street_in_scope(roster.street_id, whole=whole)
    return roster


def _week(text: str | None) -> date:
    if text:
        return parse_iso_week(text)
    return next_monday(now().astimezone(local_zone()).date())


def _skill_names() -> dict[str, tuple[str, str]]:
    return {s.code: (s.name_zh, s.name_en) for s in people.list_skills(session=db())}


@bp.get("/rosters")
@staff_required
def dashboard() -> ResponseReturnValue:
    streets = accounts.streets_in_scope(session=db(), scope=scope())
    if not streets:
        raise accounts.forbidden()
    street_arg = request.args.get("street", "")
    street_id = (
        int(street_arg)
        if street_arg.isascii() and street_arg.isdigit() and len(street_arg) < 10
        else streets[0].id
    )
    ensure_street_in_scope(street_id, whole=False)
    try:
        week = _week(request.args.get("week"))
    except DomainError as err:
        flash(err.message_en if is_english() else err.message_zh, "error")
        week = _week(None)
    versions = rosters.list_rosters(session=db(), street_id=street_id, week_start=week)
    current = next(
        (r for r in versions if r.status is RosterStatus.PUBLISHED), versions[0] if versions else None
    )
    view = (
        overview.week_view(session=db(), roster=current, now=now(), grid_ids=_grid_ids()) if current else None
    )
    names = _skill_names()
    lang = "en" if is_english() else "zh"
    reasons = [explain(u, names)[lang] for u in view.unmet] if view else []
    return render_template(
        "rosters/dashboard.html",
        streets=streets,
        street_id=street_id,
        week=week,
        week_text=iso_week(week),
        versions=versions,
        current=current,
        view=view,
        reasons=reasons,
        form=FlaskForm(),
        can_plan=scope().whole_streets,
        prev_week=iso_week(week.fromordinal(week.toordinal() - 7)),
        next_week=iso_week(week.fromordinal(week.toordinal() + 7)),
    )


@bp.post("/rosters/generate")
@staff_required
def generate() -> ResponseReturnValue:
    form = FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for("rosters.dashboard"), code=303)
    street_arg = request.form.get("street_id", "")
    if not (street_arg.isascii() and street_arg.isdigit() and len(street_arg) < 10):
        raise NotFound("street_not_found", "没有这个街道", "no such street")
    street_id = int(street_arg)
    ensure_street_in_scope(street_id, whole=True)
    week = parse_iso_week(request.form.get("week", ""))
    with unit_of_work() as s:
        job = roster_jobs.start_generate_job(
            session=s,
            street_id=street_id,
            week_start=week,
            now=now(),
            actor=staff().actor,
            seconds=current_app.config["SOLVE_SECONDS"],
        )
        job_id = job.id
    submit_generate(job_id)
    return redirect(url_for("rosters.job", job_id=job_id), code=303)


def _job(job_id: int, *, whole: bool = False):  # type: ignore[no-untyped-def]
    job = roster_jobs.get_job(session=db(), job_id=job_id)
    ensure_street_in_scope(int(job.params["street_id"]), whole=whole)
    return job


def job_json(job) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "id": job.id,
        "status": job.status.value,
        "progress": job.progress,
        "result": job.result,
        # The limit the solve took (by size when none was set), else the one asked for.
        "seconds_limit": job.progress.get("limit") or job.params.get("seconds"),
        "stop_requested": job.stop_requested,
        "error": "solve_failed" if job.error else None,
        "roster_url": url_for("rosters.roster", roster_id=job.result["roster_id"])
        if job.result.get("roster_id")
        else None,
    }


@bp.get("/jobs/<int:job_id>")
@staff_required
def job(job_id: int) -> ResponseReturnValue:
    j = _job(job_id)
    return render_template(
        "rosters/job.html", job=j, data=job_json(j), form=FlaskForm(), week_text=j.params["week_start"]
    )


@bp.get("/jobs/<int:job_id>/status")
@staff_required
def job_status(job_id: int) -> ResponseReturnValue:
    return job_json(_job(job_id))


@bp.post("/jobs/<int:job_id>/stop")
@staff_required
def job_stop(job_id: int) -> ResponseReturnValue:
    _job(job_id, whole=True)
    if FlaskForm().validate_on_submit():
        with unit_of_work() as s:
            j = roster_jobs.request_stop(session=s, job_id=job_id)
            data = job_json(j)
        if request.accept_mimetypes.best == "application/json":
            return data
        flash(_("Stopping: the best roster found so far will be kept."), "ok")
    return redirect(url_for("rosters.job", job_id=job_id), code=303)


@bp.get("/rosters/<int:roster_id>")
@staff_required
def roster(roster_id: int) -> ResponseReturnValue:
    r = _roster(roster_id)
    view = overview.week_view(session=db(), roster=r, now=now(), grid_ids=_grid_ids())
    by_person = request.args.get("by") == "person"
    delivery = roster_delivery(session=db(), roster_id=r.id) if r.status is not RosterStatus.DRAFT else None
    return render_template(
        "rosters/roster.html",
        roster=r,
        view=view,
        by_person=by_person,
        person_rows=overview.person_rows(view) if by_person else [],
        form=FlaskForm(),
        can_plan=scope().whole_streets,
        delivery=delivery,
    )


@bp.post("/assignments/<int:assignment_id>/lock")
@staff_required
def lock(assignment_id: int) -> ResponseReturnValue:
    a = overview.get_assignment(session=db(), assignment_id=assignment_id)
    ensure_street_in_scope(a.roster.street_id, whole=True)
    if FlaskForm().validate_on_submit():
        locked = request.form.get("locked") == "1"
        with unit_of_work() as s:
            overview.set_locked(session=s, assignment=a, locked=locked, now=now(), actor=staff().actor)
        if request.accept_mimetypes.best == "application/json":
            return {"id": assignment_id, "locked": locked}
        flash(_("Locked: re-planning keeps this assignment.") if locked else _("Unlocked."), "ok")
    return redirect(url_for("rosters.roster", roster_id=a.roster_id) + f"#a{assignment_id}", code=303)


@bp.get("/rosters/<int:roster_id>/compare")
@staff_required
def compare(roster_id: int) -> ResponseReturnValue:
    new = _roster(roster_id)
    other_arg = request.args.get("with", "")
    if other_arg.isascii() and other_arg.isdigit() and len(other_arg) < 10:
        old: Roster | None = _roster(int(other_arg))
    else:
        old = rosters.get_published(session=db(), street_id=new.street_id, week_start=new.week_start)
        if old is None and new.based_on_id:
            old = _roster(new.based_on_id)
    if old is not None and (old.street_id, old.week_start) != (new.street_id, new.week_start):
        raise NotFound(
            "roster_not_comparable", "只能比较同一街道同一周的排班", "compare versions of one week only"
        )
    changes = overview.compare(session=db(), old=old, new=new) if old is not None and old.id != new.id else []
    grid_ids = _grid_ids()
    if grid_ids is not None:
        changes = [c for c in changes if c.shift.grid_id in grid_ids]
    return render_template(
        "rosters/compare.html",
        new=new,
        old=old,
        changes=changes,
        form=FlaskForm(),
        can_plan=scope().whole_streets,
    )


@bp.post("/rosters/<int:roster_id>/publish")
@staff_required
def publish(roster_id: int) -> ResponseReturnValue:
    r = _roster(roster_id, whole=True)
    if FlaskForm().validate_on_submit():
        with unit_of_work() as s:
            rosters.publish_roster(session=s, roster_id=r.id, now=now(), actor=staff().actor)
        flash(_("Published. The people on it will be told their shifts."), "ok")
    return redirect(url_for("rosters.roster", roster_id=roster_id), code=303)


@bp.route("/assignments/<int:assignment_id>/move", methods=["GET", "POST"])
@staff_required
def move(assignment_id: int) -> ResponseReturnValue:
    """Give a draft's place to someone else; a move that breaks a hard rule is refused with the reason."""
    a = overview.get_assignment(session=db(), assignment_id=assignment_id)
    ensure_street_in_scope(a.roster.street_id, whole=True)
    form = FlaskForm()
    error = None
    if form.validate_on_submit():
        choice = request.form.get("person_id", "")
        try:
            if not (choice.isascii() and choice.isdigit() and len(choice) < 10):
                raise DomainError("person_not_chosen", "请选择人员", "choose a person")
            with unit_of_work() as s:
                manual.move_assignment(
                    session=s, assignment=a, person_id=int(choice), now=now(), actor=staff().actor
                )
        except DomainError as err:
            db().expire_all()
            error = message_of(err)
        else:
            flash(_("Moved and locked."), "ok")
            return redirect(url_for("rosters.roster", roster_id=a.roster_id) + f"#a{assignment_id}", code=303)
    street_communities = [
        c.id for c in rosters.get_street(session=db(), street_id=a.roster.street_id).communities
    ]
    candidates, _total = people.list_people(
        session=db(), community_ids=street_communities, filters=people.PersonFilter(), page_size=5000
    )
    return render_template(
        "rosters/move.html", assignment=a, candidates=candidates, form=form, error=error
    ), (409 if error else 200)
