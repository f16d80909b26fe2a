"""The demo street: deterministic, and shaped like the seed document's street."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.availability.models import WeeklyWindow
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.people.models import Category, Person
from scheduler.people.phones import normalise_phone
from scheduler.rosters.models import ShiftTemplate
from scheduler.territory.models import Community, Grid
from tests.conftest import TODAY


def snapshot(session: Session) -> list[tuple[object, ...]]:
    """Everything the seed wrote, minus ids and link tokens (secrets, never derived from the seed)."""
    people = [
        (
            p.name,
            p.category,
            p.phone,
            p.home_grid.code if p.home_grid else None,
            p.work_unit,
            p.organisation,
            p.profession,
            p.no_night,
            p.no_heavy,
            p.max_hours_per_week,
            tuple((s.skill.code, s.valid_until) for s in p.skills),
        )
        for p in session.scalars(select(Person).order_by(Person.id))
    ]
    grids = [
        (g.code, g.name, g.households, g.population, g.risk_level)
        for g in session.scalars(select(Grid).order_by(Grid.id))
    ]
    windows = [
        (w.person.phone, w.weekday, w.start, w.end)
        for w in session.scalars(select(WeeklyWindow).order_by(WeeklyWindow.id))
    ]
    return people + grids + windows  # type: ignore[operator]


def test_demo_seed_is_deterministic_for_the_same_seed(session: Session) -> None:
    seed_demo(session=session, size=DemoSize(people=300, grids=20, seed=7), today=TODAY)
    first = snapshot(session)
    session.rollback()
    seed_demo(session=session, size=DemoSize(people=300, grids=20, seed=7), today=TODAY)
    assert snapshot(session) == first


def test_demo_seed_differs_for_another_seed(session: Session) -> None:
    seed_demo(session=session, size=DemoSize(people=300, grids=20, seed=7), today=TODAY)
    first = snapshot(session)
    session.rollback()
    seed_demo(session=session, size=DemoSize(people=300, grids=20, seed=8), today=TODAY)
    assert snapshot(session) != first


def test_demo_seed_has_the_seed_documents_proportions(session: Session) -> None:
    summary = seed_demo(session=session, size=DemoSize(people=3000, grids=120, seed=1), today=TODAY)
    assert summary.people == 3000
    communities = session.scalars(select(Community)).all()
    assert len(communities) == 10  # "about 10 communities"
    grids = session.scalars(select(Grid)).all()
    assert len(grids) == 120
    assert all(300 <= g.households <= 600 for g in grids)
    people = session.scalars(select(Person)).all()
    by_category = Counter(p.category for p in people)
    # About 13 full-time grid workers per community (the seed's 13 staff for 538 households each).
    assert by_category[Category.GRID_FULL_TIME] == 13 * len(communities)
    per_community = Counter(p.home_grid.community_id for p in people if p.category is Category.GRID_FULL_TIME)
    assert set(per_community.values()) == {13}
    # Scarce professionals: one clinic's staff for the whole street.
    assert 3 <= by_category[Category.PROFESSIONAL] <= 0.01 * len(people)
    assert by_category[Category.PARTY_IN_SERVICE] > by_category[Category.PARTY_NO_POST] > 0
    assert by_category[Category.VOLUNTEER] > 0.3 * len(people)
    # Every phone is a valid, unique E.164 mobile number.
    assert len({p.phone for p in people}) == len(people)
    assert all(normalise_phone(p.phone) == p.phone for p in people[:200])
    assert len({p.link_token for p in people}) == len(people)


def test_demo_in_service_party_members_serve_only_outside_working_hours(session: Session) -> None:
    seed_demo(session=session, size=DemoSize(people=400, grids=20, seed=3), today=TODAY)
    windows = session.scalars(
        select(WeeklyWindow).join(Person).where(Person.category == Category.PARTY_IN_SERVICE)
    ).all()
    assert windows
    for w in windows:
        weekday_evening = w.weekday < 5 and w.start.hour >= 18
        assert weekday_evening or w.weekday >= 5


def test_demo_no_post_members_are_limited_to_daytime_light_duty(session: Session) -> None:
    seed_demo(session=session, size=DemoSize(people=400, grids=20, seed=3), today=TODAY)
    members = session.scalars(select(Person).where(Person.category == Category.PARTY_NO_POST)).all()
    assert members and all(p.no_night and p.no_heavy for p in members)
    windows = session.scalars(
        select(WeeklyWindow).join(Person).where(Person.category == Category.PARTY_NO_POST)
    ).all()
    assert all(w.start.hour >= 8 and w.end.hour <= 17 for w in windows)


def test_demo_templates_give_every_grid_routine_work_and_every_community_a_testing_site(
    session: Session,
) -> None:
    seed_demo(session=session, size=DemoSize(people=300, grids=20, seed=2), today=TODAY)
    templates = session.scalars(select(ShiftTemplate)).all()
    assert {t.grid_id for t in templates} == set(session.scalars(select(Grid.id)))
    testing = [t for t in templates if t.task_type.code == "testing_site"]
    assert len(testing) == len(session.scalars(select(Community)).all())
    assert all(any(d.skill and d.skill.code == "sampling" for d in t.demands) for t in testing)
