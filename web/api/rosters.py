"""/api/v1 roster routes: list, read, generate as a job (202), job status and stop, lock, publish."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, request
from flask.typing import ResponseReturnValue

from scheduler.clock import iso_week, parse_iso_week
from scheduler.people import service as people
from scheduler.people.service import FieldError
from scheduler.rosters import jobs as roster_jobs
from scheduler.rosters import overview
from scheduler.rosters import service as rosters
from scheduler.rosters.models import Roster
from scheduler.rosters.reasons import explain
from scheduler.rosters.templates import list_grids
from web.api import parse
from web.api.views import bp
from web.auth.access import api_staff_required, community_ids, ensure_street_in_scope, scope, staff
from web.config import now
from web.database import db, unit_of_work
from web.i18n import is_english
from web.jobs import submit_generate


def roster_summary(r: Roster) -> dict[str, Any]:
    return {
        "id": r.id,
        "street_id": r.street_id,
        "week": iso_week(r.week_start),
        "version": r.version,
        "status": r.status.value,
        "required": r.required,
        "filled": r.filled,
        "objective": r.objective,
        "bound": r.bound,
        "gap": r.gap,
        "solve_status": r.solve_status,
        "created_at": r.created_at.isoformat(),
        "published_at": r.published_at.isoformat() if r.published_at else None,
    }


def job_json(job: Any) -> dict[str, Any]:
    return {
        "id": job.id,
        "status": job.status.value,
        "street_id": job.params.get("street_id"),
        "week": iso_week(date.fromisoformat(job.params["week_start"])),
        "progress": job.progress,
        "result": job.result,
        "stop_requested": job.stop_requested,
    }


def _roster(roster_id: int, *, whole: bool = False) -> Roster:
    r = rosters.get_roster(session=db(), roster_id=roster_id)
    ensure_street_in_scope(r.street_id, whole=whole)
    return r


@bp.get("/rosters")
@api_staff_required
def rosters_list() -> ResponseReturnValue:
    street_id = parse.query_int("street_id")
    if street_id is None:
        raise FieldError("street_id", "invalid_field", "street_id：必填", "street_id: is required")
    ensure_street_in_scope(street_id, whole=False)
    week_text = request.args.get("week")
    week = parse_iso_week(week_text) if week_text else None
    found = rosters.list_rosters(session=db(), street_id=street_id, week_start=week)
    return {"items": [roster_summary(r) for r in found]}


@bp.get("/rosters/<int:roster_id>")
@api_staff_required
def roster_get(roster_id: int) -> ResponseReturnValue:
    r = _roster(roster_id)
    grid_ids = None  # a community coordinator sees only their community's grids
    if not scope().whole_streets:
        grid_ids = {g.grid.id for g in list_grids(session=db(), community_ids=community_ids())}
    view = overview.week_view(session=db(), roster=r, now=now(), grid_ids=grid_ids)
    names = {s.code: (s.name_zh, s.name_en) for s in people.list_skills(session=db())}
    lang = "en" if is_english() else "zh"
    shifts = sorted(
        (sv for cell in view.cells.values() for sv in cell.shifts),
        key=lambda sv: (sv.shift.starts_at, sv.shift.id),
    )
    return {
        **roster_summary(r),
        "assignments": [
            {
                "id": a.id,
                "shift_id": sv.shift.id,
                "person_id": a.person_id,
                "person_name": a.person.name,
                "status": a.status.value,
                "locked": a.locked,
            }
            for sv in shifts
            for a in sv.assignments
        ],
        "unmet": [
            {
                "shift_id": u.shift_id,
                "skill": u.skill_code,
                "missing": u.missing,
                "reason": u.reason,
                "explanation": explain(u, names)[lang],
            }
            for u in view.unmet
        ],
    }


@bp.post("/rosters/generate")
@api_staff_required
def roster_generate() -> ResponseReturnValue:
    data = parse.body()
    street_id = parse.integer(data, "street_id", required=True, lo=1, hi=2**31 - 1)
    assert street_id is not None
    week = parse_iso_week(parse.string(data, "week", required=True, max_len=8) or "")
    ensure_street_in_scope(street_id, whole=True)
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
    return job_json(roster_jobs.get_job(session=db(), job_id=job_id)), 202


def _job(job_id: int, *, whole: bool = False) -> Any:
    job = roster_jobs.get_job(session=db(), job_id=job_id)
    ensure_street_in_scope(int(job.params["street_id"]), whole=whole)
    return job


@bp.get("/jobs/<int:job_id>")
@api_staff_required
def job_get(job_id: int) -> ResponseReturnValue:
    return job_json(_job(job_id))


@bp.post("/jobs/<int:job_id>/stop")
@api_staff_required
def job_stop(job_id: int) -> ResponseReturnValue:
    _job(job_id, whole=True)
    with unit_of_work() as s:
        return job_json(roster_jobs.request_stop(session=s, job_id=job_id))


@bp.post("/rosters/<int:roster_id>/publish")
@api_staff_required
def roster_publish(roster_id: int) -> ResponseReturnValue:
    _roster(roster_id, whole=True)
    with unit_of_work() as s:
        return roster_summary(
            rosters.publish_roster(session=s, roster_id=roster_id, now=now(), actor=staff().actor)
        )


@bp.put("/assignments/<int:assignment_id>/lock")
@api_staff_required
def assignment_lock(assignment_id: int) -> ResponseReturnValue:
    a = overview.get_assignment(session=db(), assignment_id=assignment_id)
    ensure_street_in_scope(a.roster.street_id, whole=True)
    locked = parse.boolean(parse.body(), "locked", default=None)  # type: ignore[arg-type]
    with unit_of_work() as s:
        overview.set_locked(session=s, assignment=a, locked=locked, now=now(), actor=staff().actor)
    return {"id": assignment_id, "locked": locked}
