"""A decline or an unanswered offer re-plans that slot only, and the next best person gets the offer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from optimizer.params import TEST_PARAMS
from scheduler.notify import answers, dispatch
from scheduler.notify.models import AssignmentOffer
from scheduler.notify.summary import roster_delivery
from scheduler.outbox.models import Channel, OutboxStatus
from scheduler.rosters import service as rosters
from scheduler.rosters.models import AssignmentStatus, RosterStatus
from tests.conftest import NOW
from tests.scheduler.dbbuilders import WEEK
from tests.scheduler.notify_support import (
    SETTINGS,
    MovableClock,
    folder_mailer,
    log_sender,
    outbox_rows,
    published_roster,
    sessions_on,
)


def _pass(session: Session, tmp_path: Path, clock: MovableClock) -> dispatch.PassReport:
    return dispatch.run_pass(
        sessions=sessions_on(session),
        clock=clock,
        sms_sender=log_sender(tmp_path),
        mailer=folder_mailer(tmp_path),
        settings=SETTINGS,
        params=TEST_PARAMS,
    )


def _offer_of(session: Session, shift_id: int, person_id: int) -> AssignmentOffer:
    offer = session.query(AssignmentOffer).filter_by(shift_id=shift_id, person_id=person_id).one()
    return offer


def test_a_decline_re_offers_the_slot_to_someone_eligible_and_leaves_the_rest(
    session: Session, tmp_path: Path
) -> None:
    p = published_roster(session, people=5, shifts=3)
    clock = MovableClock()
    _pass(session, tmp_path, clock)
    before = {a.shift_id: a.person_id for a in p.roster.assignments}
    declined = p.on(p.shifts[1])
    decliner = declined.person_id
    answers.respond(
        session=session,
        offer=_offer_of(session, declined.shift_id, decliner),
        confirm=False,
        now=NOW,
        via="sms",
        settings=SETTINGS,
    )
    session.flush()
    report = _pass(session, tmp_path, clock)
    assert report.reoffered_rosters == [p.roster.id]
    session.expire_all()
    current = rosters.get_published(session=session, street_id=p.street.street.id, week_start=WEEK)
    assert current is not None and current.id != p.roster.id and current.based_on_id == p.roster.id
    after = {a.shift_id: a.person_id for a in current.assignments}
    assert after[p.shifts[1].id] != decliner  # the slot went to somebody else
    assert {k: v for k, v in after.items() if k != p.shifts[1].id} == {
        k: v for k, v in before.items() if k != p.shifts[1].id
    }  # nobody else moved
    new_offers = [
        r
        for r in outbox_rows(session, kind="offer", channel=Channel.SMS)
        if r.shift_id == p.shifts[1].id and r.person_id == after[p.shifts[1].id]
    ]
    assert len(new_offers) == 1 and new_offers[0].status is OutboxStatus.SENT
    assert len(outbox_rows(session, kind="offer", channel=Channel.SMS)) == 4  # 3 first offers + 1, no repeats
    # The decliner heard back on the spot; their calendar gets a CANCEL, their phone no second text.
    assert [r.channel for r in outbox_rows(session, kind="cancel") if r.person_id == decliner] == [
        Channel.EMAIL
    ]
    summary = roster_delivery(session=session, roster_id=current.id)
    assert (summary.declined, summary.unanswered, summary.confirmed) == (1, 3, 0)
    assert _pass(session, tmp_path, clock).reoffered_rosters == []  # done once


def test_an_offer_left_unanswered_past_the_timeout_is_re_offered(session: Session, tmp_path: Path) -> None:
    p = published_roster(session, people=5, shifts=2)
    clock = MovableClock()
    _pass(session, tmp_path, clock)
    keep = p.on(p.shifts[0])
    answers.respond(
        session=session,
        offer=_offer_of(session, keep.shift_id, keep.person_id),
        confirm=True,
        now=NOW,
        via="link",
        settings=SETTINGS,
    )
    session.flush()
    silent = p.on(p.shifts[1]).person_id
    clock.advance(SETTINGS.offer_timeout + timedelta(minutes=1))
    report = _pass(session, tmp_path, clock)
    assert report.expired == 1 and report.reoffered_rosters == [p.roster.id]
    session.expire_all()
    assert p.roster.status is RosterStatus.SUPERSEDED
    current = rosters.get_published(session=session, street_id=p.street.street.id, week_start=WEEK)
    assert current is not None
    after = {a.shift_id: a for a in current.assignments}
    assert after[p.shifts[0].id].status is AssignmentStatus.CONFIRMED
    assert (
        after[p.shifts[1].id].person_id != silent and after[p.shifts[1].id].status is AssignmentStatus.OFFERED
    )
    assert _offer_of(session, p.shifts[1].id, silent).answer == "unanswered"
