"""Rows → ranking records: the people a tier may ask, with skills, availability and nearby duties.

A handful of column queries (no ORM objects) for the whole pool, so ranking a street of 3,000
people stays well under a second on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from scheduler.availability.models import AvailabilityException, ExceptionKind, WeeklyWindow
from scheduler.people.models import Category, Person, PersonSkill, Skill
from scheduler.rosters.models import Assignment, Roster, RosterStatus, Shift
from scheduler.rosters.planning import LIVE
from scheduler.surge.models import COMING, OfferStatus, SurgeBlock, SurgeOffer, Tier
from scheduler.surge.ranking import Candidate, Distance, Duty
from scheduler.territory.models import Community, Grid, Street

_Ts = TypeVarTuple("_Ts")

# Tier 3 (部门报到): the district's in-service party members (by their work unit) and professionals.
DEPARTMENT_CATEGORIES = (Category.PARTY_IN_SERVICE, Category.PROFESSIONAL)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a call is: its grid, community, street and district."""

    grid_id: int
    community_id: int
    street_id: int
    district_id: int


def place_of_grid(session: Session, grid_id: int) -> Place:
    row = session.execute(
        select(Grid.id, Grid.community_id, Community.street_id, Street.district_id)
        .join(Community, Grid.community_id == Community.id)
        .join(Street, Community.street_id == Street.id)
        .where(Grid.id == grid_id)
    ).one()
    return Place(row[0], row[1], row[2], row[3])


def pool_condition(place: Place, tier: Tier) -> Any:
    """Who a tier reaches (cumulative: the street tier includes the community, and so on)."""
    community = Grid.community_id == place.community_id
    street = or_(Community.street_id == place.street_id, Person.home_grid_id.is_(None))
    department = (Street.district_id == place.district_id) & Person.category.in_(DEPARTMENT_CATEGORIES)
    if tier is Tier.COMMUNITY:
        return community
    if tier is Tier.STREET:
        return street
    return or_(street, department)


def pool_select(place: Place, tier: Tier) -> Select[int, Category, bool, bool, bool, int | None, int, int]:
    return reachable(
        select(
            Person.id,
            Person.category,
            Person.experienced,
            Person.no_night,
            Person.no_heavy,
            Person.home_grid_id,
            Grid.community_id,
            Community.street_id,
        ),
        pool_condition(place, tier),
    )


def reachable(statement: Select[*_Ts], where: Any) -> Select[*_Ts]:
    """``statement`` narrowed to the people who may be asked (active, consented to contact, not
    opted out) and live ``where`` says; their home Grid, Community and Street are joined."""
    return (
        statement.outerjoin(Grid, Person.home_grid_id == Grid.id)
        .outerjoin(Community, Grid.community_id == Community.id)
        .outerjoin(Street, Community.street_id == Street.id)
        .where(
            Person.active.is_(True),
            Person.contact_consent.is_(True),
            Person.opted_out_at.is_(None),
            where,
        )
    )


def distance(place: Place, grid_id: int | None, community_id: int | None, street_id: int | None) -> Distance:
    if grid_id == place.grid_id:
        return Distance.GRID
    if community_id == place.community_id:
        return Distance.COMMUNITY
    if grid_id is None or street_id == place.street_id:
        return Distance.STREET
    return Distance.DISTRICT


def tier_of(d: Distance) -> Tier:
    return {
        Distance.GRID: Tier.COMMUNITY,
        Distance.COMMUNITY: Tier.COMMUNITY,
        Distance.STREET: Tier.STREET,
    }.get(d, Tier.DEPARTMENT)


def load_candidates(
    *,
    session: Session,
    place: Place,
    tier: Tier,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    exclude_block_ids: tuple[int, ...] = (),
) -> list[Candidate]:
    """Everyone the tier reaches, with what matters between ``start`` and ``end`` (the blocks to fill)."""
    pool = pool_select(place, tier)
    ids = pool.with_only_columns(Person.id).scalar_subquery()
    rows = session.execute(pool).all()
    skills: dict[int, dict[str, date | None]] = defaultdict(dict)
    for person_id, code, until in session.execute(
        select(PersonSkill.person_id, Skill.code, PersonSkill.valid_until)
        .join(Skill, PersonSkill.skill_id == Skill.id)
        .where(PersonSkill.person_id.in_(ids))
    ):
        skills[person_id][code] = until
    day_start = datetime.combine(start.astimezone(zone).date(), datetime.min.time(), zone)
    lo = min(day_start, start - timedelta(hours=12))
    hi = max(day_start + timedelta(days=1), end + timedelta(hours=12))
    windows = _windows(session, ids, lo, hi, zone)
    absences: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for person_id, s, e in session.execute(
        select(
            AvailabilityException.person_id, AvailabilityException.starts_at, AvailabilityException.ends_at
        ).where(
            AvailabilityException.person_id.in_(ids),
            AvailabilityException.kind != ExceptionKind.EXTRA,
            AvailabilityException.starts_at < hi,
            AvailabilityException.ends_at > lo,
        )
    ):
        absences[person_id].append((s, e))
    duties: dict[int, list[Duty]] = defaultdict(list)
    for a_id, person_id, roster_id, shift_id, status, locked, s, e, priority in session.execute(
        select(
            Assignment.id,
            Assignment.person_id,
            Assignment.roster_id,
            Assignment.shift_id,
            Assignment.status,
            Assignment.locked,
            Shift.starts_at,
            Shift.ends_at,
            Shift.priority,
        )
        .join(Roster, Assignment.roster_id == Roster.id)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(
            Roster.status == RosterStatus.PUBLISHED,
            Assignment.status.in_(LIVE),
            Shift.cancelled.is_(False),
            Shift.starts_at < hi,
            Shift.ends_at > lo,
            Assignment.person_id.in_(ids),
        )
    ):
        duties[person_id].append(
            Duty(s, e, "routine", priority, status.value == "confirmed", locked, a_id, roster_id, shift_id)
        )
    asked_elsewhere: set[int] = set()
    for person_id, offer_status, s, e in session.execute(
        select(SurgeOffer.person_id, SurgeOffer.status, SurgeBlock.starts_at, SurgeBlock.ends_at)
        .join(SurgeBlock, SurgeOffer.block_id == SurgeBlock.id)
        .where(
            SurgeOffer.status.in_((*COMING, OfferStatus.OFFERED)),
            SurgeBlock.starts_at < end,
            SurgeBlock.ends_at > start,
            SurgeOffer.block_id.not_in(exclude_block_ids or (-1,)),
        )
    ):
        if offer_status is OfferStatus.OFFERED:
            asked_elsewhere.add(person_id)
        else:
            duties[person_id].append(Duty(s, e, "surge", confirmed=True))
    out = []
    for pid, category, experienced, no_night, no_heavy, grid_id, community_id, street_id in rows:
        out.append(
            Candidate(
                person_id=pid,
                party=category in (Category.PARTY_IN_SERVICE, Category.PARTY_NO_POST),
                experienced=experienced,
                distance=distance(place, grid_id, community_id, street_id),
                skills=skills.get(pid, {}),
                no_night=no_night,
                no_heavy=no_heavy,
                windows=windows.get(pid),
                absences=tuple(absences.get(pid, ())),
                duties=tuple(duties.get(pid, ())),
                asked_elsewhere=pid in asked_elsewhere,
            )
        )
    return out


def _windows(
    session: Session, ids: Any, lo: datetime, hi: datetime, zone: ZoneInfo
) -> dict[int, tuple[tuple[datetime, datetime], ...]]:
    """Weekly windows laid out over [lo, hi], plus extra availability; people without any: absent key."""
    out: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    days = [lo.astimezone(zone).date() + timedelta(days=i) for i in range(-1, (hi - lo).days + 2)]
    for person_id, weekday, w_start, w_end in session.execute(
        select(WeeklyWindow.person_id, WeeklyWindow.weekday, WeeklyWindow.start, WeeklyWindow.end).where(
            WeeklyWindow.person_id.in_(ids)
        )
    ):
        slots = out[person_id]  # a person with weekly windows has a key, even with none in range
        for day in days:
            if day.weekday() != weekday:
                continue
            start = datetime.combine(day, w_start, zone)
            end = datetime.combine(day if w_end > w_start else day + timedelta(days=1), w_end, zone)
            slots.append((start, end))
    for person_id, x_start, x_end in session.execute(
        select(
            AvailabilityException.person_id, AvailabilityException.starts_at, AvailabilityException.ends_at
        ).where(
            AvailabilityException.person_id.in_(ids),
            AvailabilityException.kind == ExceptionKind.EXTRA,
            AvailabilityException.starts_at < hi,
            AvailabilityException.ends_at > lo,
        )
    ):
        out[person_id].append((x_start, x_end))
    return {pid: tuple(sorted(w)) for pid, w in out.items()}
