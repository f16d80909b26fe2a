"""Roster pages: heat map and unmet reasons, generation as a job, week grid, lock, compare, publish."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.params import SolveParams
from scheduler.jobs.models import Job, JobStatus
from scheduler.rosters import service as rosters
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift, UnmetDemand
from tests.conftest import NOW
from tests.web.conftest import AuthActions, World, field_html, make_app

WEEK = date(2026, 11, 30)  # next Monday: 2026-W49


def draft(
    session: Session,
    world: World,
    people: dict[str, list[int]],
    *,
    version: int = 1,
    status: RosterStatus = RosterStatus.DRAFT,
) -> Roster:
    """A roster of 翠湖 for WEEK with people put on shifts by hand: {"李娜": [shift ids]}."""
    rosters.stamp_week(session=session, street_id=world.street.id, week_start=WEEK)
    roster = Roster(
        street_id=world.street.id,
        week_start=WEEK,
        version=version,
        status=status,
        created_at=NOW,
        required=14,
        filled=sum(len(v) for v in people.values()),
    )
    by_name = {p.name: p for p in (world.volunteer, world.nurse, world.elder)}
    for name, shift_ids in people.items():
        for shift_id in shift_ids:
            roster.assignments.append(
                Assignment(
                    shift_id=shift_id,
                    person_id=by_name[name].id,
                    updated_at=NOW,
                    status=AssignmentStatus.PROPOSED,
                )
            )
    session.add(roster)
    session.flush()
    return roster


def qy_shifts(session: Session, world: World) -> list[int]:
    rosters.stamp_week(session=session, street_id=world.street.id, week_start=WEEK)
    stmt = select(Shift.id).where(Shift.grid_id == world.grid_qy.id).order_by(Shift.starts_at)
    return list(session.scalars(stmt))


def test_the_dashboard_says_when_there_is_no_roster_yet(client: FlaskClient, auth: AuthActions) -> None:
    auth.login("cuihu")
    body = client.get("/rosters?week=2026-W49").get_data(as_text=True)
    assert "这一周还没有排班" in body and 'id="generate"' in body


def test_the_dashboard_shows_coverage_per_grid_and_day_and_unmet_reasons(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    shifts = qy_shifts(session, world)
    roster = draft(session, world, {"李娜": [shifts[0]]})
    session.add(
        UnmetDemand(
            roster_id=roster.id,
            shift_id=shifts[1],
            skill_code=None,
            missing=2,
            reason="unavailable",
            detail={"qualified": 3, "available": 0},
        )
    )
    session.flush()
    auth.login("cuihu")
    body = client.get("/rosters?week=2026-W49").get_data(as_text=True)
    assert 'title="1/2"' in body  # Monday in 青云: 1 of 2 filled
    assert "青云第1网格" in body and "莲花池第1网格" not in body  # only grids with shifts
    assert "缺 2 人" in body and "有资质的 3 人在这个时段都没空或请假" in body


def test_generating_runs_a_job_and_stores_a_draft(session: Session, world: World) -> None:
    app = make_app(
        session, JOB_RUNNER="inline", SOLVE_PARAMS=SolveParams(seconds=2, workers=1, deterministic=True)
    )
    client = app.test_client()
    AuthActions(client).login("cuihu")
    response = client.post("/rosters/generate", data={"street_id": world.street.id, "week": "2026-W49"})
    assert response.status_code == 303
    job = session.scalar(select(Job))
    assert job is not None and response.headers["Location"] == f"/jobs/{job.id}"
    status = client.get(f"/jobs/{job.id}/status").json
    assert status is not None and status["status"] == "succeeded"
    # The page's progress bar runs against the limit the solve took (no limit was set: by size,
    # here the test's 2 s).
    assert status["seconds_limit"] == 2
    roster = session.get(Roster, status["result"]["roster_id"])
    assert roster is not None and roster.status is RosterStatus.DRAFT and roster.street_id == world.street.id
    assert status["roster_url"] == f"/rosters/{roster.id}"
    assert client.get(f"/jobs/{job.id}").status_code == 200


def test_a_second_generation_waits_for_the_first(session: Session, world: World) -> None:
    client = make_app(session, JOB_RUNNER="none").test_client()
    AuthActions(client).login("cuihu")
    client.post("/rosters/generate", data={"street_id": world.street.id, "week": "2026-W49"})
    response = client.post(
        "/rosters/generate", data={"street_id": world.street.id, "week": "2026-W49"}, follow_redirects=True
    )
    assert "已有一个排班任务在运行" in response.get_data(as_text=True)
    assert len(list(session.scalars(select(Job)))) == 1


def test_stop_marks_the_job_and_the_status_says_so(session: Session, world: World) -> None:
    client = make_app(session, JOB_RUNNER="none").test_client()
    AuthActions(client).login("cuihu")
    client.post("/rosters/generate", data={"street_id": world.street.id, "week": "2026-W49"})
    job = session.scalar(select(Job))
    assert job is not None and job.status is JobStatus.QUEUED
    response = client.post(f"/jobs/{job.id}/stop", headers={"Accept": "application/json"})
    assert response.json is not None and response.json["stop_requested"] is True


def test_the_week_grid_lists_people_by_grid_and_by_person(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    shifts = qy_shifts(session, world)
    roster = draft(session, world, {"李娜": [shifts[0], shifts[1]], "王大爷": [shifts[0]]})
    auth.login("cuihu")
    body = client.get(f"/rosters/{roster.id}").get_data(as_text=True)
    assert body.count("李娜") == 2 and "王大爷" in body and "2/2" in body
    by_person = client.get(f"/rosters/{roster.id}?by=person").get_data(as_text=True)
    assert "李娜" in by_person and "王大爷" in by_person


def test_locking_and_unlocking_an_assignment(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:1]})
    a = roster.assignments[0]
    auth.login("cuihu")
    response = client.post(
        f"/assignments/{a.id}/lock", data={"locked": "1"}, headers={"Accept": "application/json"}
    )
    assert response.json == {"id": a.id, "locked": True}
    assert session.get(Assignment, a.id).locked is True  # type: ignore[union-attr]
    client.post(f"/assignments/{a.id}/lock", data={"locked": "0"})
    assert session.get(Assignment, a.id).locked is False  # type: ignore[union-attr]


def test_publishing_a_draft_offers_its_shifts_and_supersedes_the_old_version(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    shifts = qy_shifts(session, world)
    old = draft(session, world, {"李娜": shifts[:1]}, version=1, status=RosterStatus.PUBLISHED)
    new = draft(session, world, {"王大爷": shifts[:1]}, version=2)
    auth.login("cuihu")
    compare = client.get(f"/rosters/{new.id}/compare").get_data(as_text=True)
    assert "王大爷" in compare and "李娜" in compare and "新增" in compare and "移除" in compare
    response = client.post(f"/rosters/{new.id}/publish")
    assert response.status_code == 303
    assert session.get(Roster, new.id).status is RosterStatus.PUBLISHED  # type: ignore[union-attr]
    assert session.get(Roster, old.id).status is RosterStatus.SUPERSEDED  # type: ignore[union-attr]
    assert {a.status for a in session.get(Roster, new.id).assignments} == {AssignmentStatus.OFFERED}  # type: ignore[union-attr]


def test_publishing_twice_is_refused_in_chinese(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    roster = draft(session, world, {}, status=RosterStatus.PUBLISHED)
    auth.login("cuihu")
    response = client.post(f"/rosters/{roster.id}/publish", follow_redirects=True)
    assert "只有草稿可以发布" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("username", "view", "plan"),
    [("admin", 200, 303), ("cuihu", 200, 303), ("qingyun", 200, 403), ("huashan", 403, 403)],
)
def test_roster_permissions(
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    session: Session,
    username: str,
    view: int,
    plan: int,
) -> None:
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:1]})
    a = roster.assignments[0]
    auth.login(username)
    assert client.get(f"/rosters/{roster.id}").status_code == view
    assert client.get(f"/rosters/{roster.id}/compare").status_code == view
    assert client.get(f"/rosters?street={world.street.id}").status_code == view
    assert client.post(f"/assignments/{a.id}/lock", data={"locked": "1"}).status_code == plan
    assert client.post(f"/rosters/{roster.id}/publish").status_code == plan
    expected_status = RosterStatus.PUBLISHED if plan == 303 else RosterStatus.DRAFT
    assert session.get(Roster, roster.id).status is expected_status  # type: ignore[union-attr]


def test_a_community_coordinator_cannot_start_a_generation(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    auth.login("qingyun")
    response = client.post("/rosters/generate", data={"street_id": world.street.id, "week": "2026-W49"})
    assert response.status_code == 403
    assert session.scalar(select(Job)) is None


def test_alerts_list_shifts_starting_within_a_day_that_are_not_confirmed(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    shift = Shift(
        grid_id=world.grid_qy.id,
        task_type_id=world.template_qy.task_type_id,
        starts_at=datetime(2026, 11, 30, 1, tzinfo=UTC),
        ends_at=datetime(2026, 11, 30, 3, tzinfo=UTC),
    )
    session.add(shift)
    session.flush()
    from tests.web.conftest import make_app as _make

    later = _make(
        session,
        CLOCK=__import__("scheduler.clock", fromlist=["FixedClock"]).FixedClock(
            datetime(2026, 11, 29, 12, tzinfo=UTC)
        ),
    ).test_client()
    AuthActions(later).login("cuihu")
    roster = draft(session, world, {}, status=RosterStatus.PUBLISHED)
    roster.assignments.append(
        Assignment(
            shift_id=shift.id, person_id=world.volunteer.id, updated_at=NOW, status=AssignmentStatus.OFFERED
        )
    )
    session.flush()
    body = later.get("/rosters?week=2026-W49").get_data(as_text=True)
    assert "24 小时内开始" in body


def test_moving_a_place_to_someone_free_locks_it(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:1]})
    a = roster.assignments[0]
    auth.login("cuihu")
    assert "王大爷" in client.get(f"/assignments/{a.id}/move").get_data(as_text=True)
    response = client.post(f"/assignments/{a.id}/move", data={"person_id": str(world.elder.id)})
    assert response.status_code == 303
    moved = session.get(Assignment, a.id)
    assert moved is not None and (moved.person_id, moved.locked) == (world.elder.id, True)


def test_a_move_that_breaks_a_rule_is_refused_with_the_reason(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    from scheduler.availability.models import AvailabilityException, ExceptionKind

    shifts = qy_shifts(session, world)
    roster = draft(session, world, {"李娜": shifts[:1]})
    session.add(
        AvailabilityException(
            person_id=world.elder.id,
            kind=ExceptionKind.LEAVE,
            starts_at=datetime(2026, 11, 29, 16, tzinfo=UTC),
            ends_at=datetime(2026, 11, 30, 16, tzinfo=UTC),
        )
    )  # all Monday
    session.flush()
    a = roster.assignments[0]
    auth.login("cuihu")
    response = client.post(f"/assignments/{a.id}/move", data={"person_id": str(world.elder.id)})
    assert response.status_code == 409
    assert "不能安排 王大爷：这个时段已登记请假或病假" in field_html(
        response.get_data(as_text=True), "person_id"
    )
    assert session.get(Assignment, a.id).person_id == world.volunteer.id  # type: ignore[union-attr]


def test_a_move_onto_a_shift_the_person_already_has_is_refused(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    shifts = qy_shifts(session, world)
    roster = draft(session, world, {"李娜": shifts[:1], "王大爷": shifts[:1]})
    a = next(x for x in roster.assignments if x.person_id == world.volunteer.id)
    auth.login("cuihu")
    response = client.post(f"/assignments/{a.id}/move", data={"person_id": str(world.elder.id)})
    assert response.status_code == 409 and "不能安排 王大爷" in response.get_data(as_text=True)


def test_a_published_roster_is_not_changed_by_hand(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:1]}, status=RosterStatus.PUBLISHED)
    a = roster.assignments[0]
    auth.login("cuihu")
    response = client.post(f"/assignments/{a.id}/move", data={"person_id": str(world.elder.id)})
    assert response.status_code == 409 and "只能在草稿上调整人员" in response.get_data(as_text=True)


def test_the_other_street_cannot_move_our_people(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:1]})
    auth.login("huashan")
    response = client.post(
        f"/assignments/{roster.assignments[0].id}/move", data={"person_id": str(world.elder.id)}
    )
    assert response.status_code == 403


def test_a_published_roster_shows_delivery_and_replies(
    client: FlaskClient, auth: AuthActions, world: World, session: Session
) -> None:
    roster = draft(session, world, {"李娜": qy_shifts(session, world)[:2]})
    auth.login("cuihu")
    assert "通知送达与答复" not in client.get(f"/rosters/{roster.id}").get_data(as_text=True)  # a draft
    client.post(f"/rosters/{roster.id}/publish")
    body = client.get(f"/rosters/{roster.id}").get_data(as_text=True)
    assert 'id="delivery"' in body and "待发通知 2" in body
