"""A small district for surge tests: Street1 plus a second street, coordinators, and call helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scheduler.accounts.models import Role, StaffAccount
from scheduler.availability.models import AvailabilityException, ExceptionKind
from scheduler.outbox.models import OutboxMessage, OutboxStatus
from scheduler.people.models import Category, Person
from scheduler.surge import service as surge
from scheduler.surge.models import SurgeOffer
from scheduler.surge.policy import SurgePolicy
from scheduler.territory.models import Community, Grid, Street
from tests.conftest import NOW
from tests.scheduler.dbbuilders import Street1
from tests.scheduler.notify_support import SETTINGS

ALWAYS = [("0123456", "00:00", "23:59")]
POLICY = SurgePolicy()  # the defaults: 5 + 5 + 20 minutes, over-ask 1.5, answer in 5 minutes


@dataclass
class District:
    """Street1 (communities 甲 with grids A1, A2; 乙 with B1) and a second street 丙 (grid C1)."""

    st: Street1
    street2: Street
    c: Community
    c1: Grid

    @property
    def session(self) -> Session:
        return self.st.session

    def person(self, name: str, grid: Grid, **kw: object) -> Person:
        kw.setdefault("windows", ALWAYS)
        return self.st.person(name, grid=grid, **kw)  # type: ignore[arg-type]

    def coordinators(self) -> dict[str, StaffAccount]:
        accounts = {
            "community": StaffAccount(
                username="shequ",
                display_name="社区",
                password_hash="x",
                role=Role.COMMUNITY_COORDINATOR,
                community_id=self.st.a.id,
                created_at=NOW,
            ),
            "street": StaffAccount(
                username="jiedao",
                display_name="街道",
                password_hash="x",
                role=Role.STREET_COORDINATOR,
                street_id=self.st.street.id,
                created_at=NOW,
            ),
            "district": StaffAccount(
                username="quji",
                display_name="区",
                password_hash="x",
                role=Role.DISTRICT_ADMIN,
                district_id=self.st.district.id,
                created_at=NOW,
            ),
        }
        self.session.add_all(accounts.values())
        self.session.flush()
        return accounts


def district(session: Session) -> District:
    st = Street1(session)
    street2 = Street(name="第二街道", district=st.district)
    c = Community(name="丙社区", street=street2)
    c1 = Grid(community=c, code="C1", name="丙一网格", households=300)
    session.add_all([street2, c, c1])
    session.flush()
    return District(st, street2, c, c1)


def call(
    d: District,
    *needs: str,
    grid: str = "A1",
    start: datetime = NOW,
    hours: float | None = 4,
    lead: bool = False,
    now: datetime = NOW,
    confirm_duplicate: bool = False,
    **kw: object,
) -> surge.CallResult:
    request = surge.CallRequest(
        grid=grid,
        starts_at=start,
        ends_at=None if hours is None else start + timedelta(hours=hours),
        needs=tuple(surge.NeedSpec.parse(n) for n in needs),
        needs_party_lead=lead,
        **kw,  # type: ignore[arg-type]
    )
    return surge.raise_call(
        session=d.session,
        request=request,
        now=now,
        actor="test",
        policy=POLICY,
        settings=SETTINGS,
        confirm_duplicate=confirm_duplicate,
    )


def offers(session: Session, call_id: int) -> list[SurgeOffer]:
    session.expire_all()
    return list(
        session.scalars(select(SurgeOffer).where(SurgeOffer.call_id == call_id).order_by(SurgeOffer.id))
    )


def offer_of(session: Session, call_id: int, person: Person) -> SurgeOffer:
    return next(o for o in offers(session, call_id) if o.person_id == person.id)


def answer(session: Session, offer: SurgeOffer, yes: bool, at: datetime) -> surge.SurgeAnswer:
    return surge.answer(session=session, token=offer.token, confirm=yes, now=at, settings=SETTINGS)


def tick(session: Session, at: datetime) -> surge.TickResult:
    return surge.tick(session=session, now=at, settings=SETTINGS)


def mark_sent(session: Session) -> None:
    """As if the dispatcher had sent every pending message."""
    session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT, sent_at=NOW))
    session.flush()


def sms(session: Session, kind: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
    )


PARTY = Category.PARTY_IN_SERVICE


def away(session: Session, person: Person, kind: ExceptionKind, starts: datetime, ends: datetime) -> None:
    """A dated availability exception (sickness, leave, or EXTRA time offered) for ``person``."""
    session.add(AvailabilityException(person=person, kind=kind, starts_at=starts, ends_at=ends))
    session.flush()
