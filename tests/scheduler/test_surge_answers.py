"""Answers to surge offers: first confirmations win, the rest stand down, declines and silence ask more."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from scheduler.outbox.models import OutboxStatus
from scheduler.surge import service as surge
from scheduler.surge.board import call_board
from scheduler.surge.models import CallStatus, OfferStatus, Tier
from tests.conftest import NOW
from tests.scheduler.surge_support import (
    PARTY,
    answer,
    call,
    district,
    mark_sent,
    offer_of,
    offers,
    sms,
    tick,
)

MIN = timedelta(minutes=1)


def test_surge_answers_first_confirmations_win_and_the_over_asked_rest_are_told_not_needed(
    session: Session,
) -> None:
    d = district(session)
    people = [d.person(f"甲{i}", d.st.a1) for i in range(4)]
    result = call(d, "general:2")
    asked = offers(session, result.call.id)
    assert len(asked) == 3  # 2 needed, asked 1.5x
    mark_sent(session)  # the call texts went out
    first, second, third = asked
    assert answer(session, first, True, NOW + MIN).outcome is surge.AnswerOutcome.CONFIRMED
    assert result.call.first_confirmed_at == NOW + MIN and result.call.status is CallStatus.OPEN
    assert answer(session, second, True, NOW + 2 * MIN).outcome is surge.AnswerOutcome.CONFIRMED
    # Full: the third is stood down at once and told by text.
    assert offer_of(session, result.call.id, people[asked.index(third)]).status is OfferStatus.NOT_NEEDED
    told = sms(session, "surge_not_needed")
    assert [m.person_id for m in told] == [third.person_id] and told[0].urgent
    session.refresh(result.call)
    assert result.call.status is CallStatus.STAFFED and result.call.staffed_at == NOW + 2 * MIN
    # A late yes from the third gets "not needed" and changes nothing.
    late = answer(session, third, True, NOW + 3 * MIN)
    assert late.outcome is surge.AnswerOutcome.NOT_NEEDED
    assert sum(o.status is OfferStatus.CONFIRMED for o in offers(session, result.call.id)) == 2
    # Answering again is harmless.
    assert answer(session, first, True, NOW + 4 * MIN).outcome is surge.AnswerOutcome.ALREADY
    # The fourth person was never asked.
    assert people[3].id not in {o.person_id for o in offers(session, result.call.id)}


def test_surge_answers_an_unsent_call_text_is_dropped_instead_of_sending_not_needed(session: Session) -> None:
    d = district(session)
    for i in range(3):
        d.person(f"甲{i}", d.st.a1)
    result = call(d, "general:1")
    first, second = offers(session, result.call.id)
    answer(session, first, True, NOW + MIN)
    texts = {m.person_id: m for m in sms(session, "surge_call")}
    assert texts[second.person_id].status is OutboxStatus.DROPPED
    assert sms(session, "surge_not_needed") == []


def test_surge_answers_a_decline_asks_the_next_candidate_at_once(session: Session) -> None:
    d = district(session)
    a, b, c, e = (d.person(n, d.st.a1) for n in "ABCE")
    result = call(d, "general:1")
    asked = offers(session, result.call.id)
    assert [o.person_id for o in asked] == [a.id, b.id]  # ceil(1 x 1.5) = 2, stable order
    assert answer(session, asked[0], False, NOW + MIN).outcome is surge.AnswerOutcome.DECLINED
    now_asked = offers(session, result.call.id)
    assert [o.person_id for o in now_asked] == [a.id, b.id, c.id]
    assert now_asked[0].status is OfferStatus.DECLINED
    assert e.id not in {o.person_id for o in now_asked}


def test_surge_answers_silence_past_the_window_expires_and_the_next_are_asked(session: Session) -> None:
    d = district(session)
    people = [d.person(f"甲{i}", d.st.a1) for i in range(5)]
    result = call(d, "general:1")
    first_round = {o.person_id for o in offers(session, result.call.id)}
    assert first_round == {people[0].id, people[1].id}
    # Nothing happens before the 5-minute window ends.
    assert tick(session, NOW + 4 * MIN).expired == 0
    report = tick(session, NOW + 5 * MIN)
    assert report.expired == 2 and report.offers == 2
    statuses = {o.person_id: o.status for o in offers(session, result.call.id)}
    assert statuses[people[0].id] is OfferStatus.EXPIRED and statuses[people[1].id] is OfferStatus.EXPIRED
    assert statuses[people[2].id] is OfferStatus.OFFERED and statuses[people[3].id] is OfferStatus.OFFERED
    # A yes after the window still counts while the seat is open: people who come are welcome.
    late = answer(session, offer_of(session, result.call.id, people[0]), True, NOW + 6 * MIN)
    assert late.outcome is surge.AnswerOutcome.CONFIRMED
    assert {
        o.status for o in offers(session, result.call.id) if o.person_id in (people[2].id, people[3].id)
    } == {OfferStatus.NOT_NEEDED}
    # A tick at the same time again changes nothing (idempotent).
    again = tick(session, NOW + 6 * MIN)
    assert (again.expired, again.offers, again.escalated) == (0, 0, [])


def test_surge_answers_party_lead_keeps_one_seat_for_a_party_member(session: Session) -> None:
    d = district(session)
    plain = [d.person(f"群众{i}", d.st.a1) for i in range(3)]
    member = d.person("党员", d.st.a2, category=PARTY)
    result = call(d, "general:2", lead=True)
    asked = offers(session, result.call.id)
    assert member.id in {o.person_id for o in asked}  # asked for the lead though farther away
    by_person = {o.person_id: o for o in asked}
    assert answer(session, by_person[plain[0].id], True, NOW + MIN).outcome is surge.AnswerOutcome.CONFIRMED
    # The second seat is kept for the party member: a second non-member is not needed.
    assert answer(session, by_person[plain[1].id], True, NOW + MIN).outcome is surge.AnswerOutcome.NOT_NEEDED
    assert answer(session, by_person[member.id], True, NOW + 2 * MIN).outcome is surge.AnswerOutcome.CONFIRMED
    session.refresh(result.call)
    assert result.call.status is CallStatus.STAFFED


def test_surge_answers_unknown_token_and_a_closed_call(session: Session) -> None:
    d = district(session)
    d.person("甲", d.st.a1)
    result = call(d, "general:1")
    assert (
        surge.answer(session=session, token="nope", confirm=True, now=NOW).outcome
        is surge.AnswerOutcome.UNKNOWN
    )
    offer = offers(session, result.call.id)[0]
    surge.cancel_call(session=session, call_id=result.call.id, now=NOW + MIN, actor="test")
    assert answer(session, offer, True, NOW + 2 * MIN).outcome is surge.AnswerOutcome.CLOSED
    assert offers(session, result.call.id)[0].status is OfferStatus.WITHDRAWN
    assert result.call.tier is Tier.COMMUNITY


def test_surge_answers_check_in_by_link_and_by_leader_feed_the_after_action_record(session: Session) -> None:
    from scheduler.surge.after_action import after_action

    d = district(session)
    a, b = d.person("甲", d.st.a1), d.person("乙", d.st.a1)
    result = call(d, "general:2")
    oa, ob = offer_of(session, result.call.id, a), offer_of(session, result.call.id, b)
    answer(session, oa, True, NOW + 2 * MIN)
    surge.on_the_way(session=session, token=oa.token, now=NOW + 3 * MIN)
    board = call_board(session, result.call.id, NOW + 4 * MIN)
    (row,) = board.needs
    assert (row.needed, row.offered, row.confirmed, row.on_the_way, row.arrived, row.missing) == (
        2,
        1,
        0,
        1,
        0,
        1,
    )
    assert (
        board.minutes == 4.0 and board.tier == "community" and board.unmet[0].reason == "waiting_for_answers"
    )
    surge.check_in(session=session, token=oa.token, now=NOW + 12 * MIN, via="link")
    # The leader checks in someone who never answered: taken as a yes, then arrived.
    surge.check_in(session=session, offer_id=ob.id, now=NOW + 15 * MIN, via="leader", actor="leader:1")
    (row,) = call_board(session, result.call.id, NOW + 16 * MIN).needs
    assert (row.confirmed, row.on_the_way, row.arrived, row.missing) == (0, 0, 2, 0)
    record = after_action(session=session, call_id=result.call.id)
    assert record.first_confirmation_minutes == 2.0
    assert record.full_staffing_minutes == 15.0
    assert record.first_arrival_minutes == 12.0
    assert record.arrived == 2 and record.tier_reached == "community"
    assert {c.name for c in record.came} == {"甲", "乙"}


def test_surge_answers_an_sms_reply_with_the_code_or_as_the_only_open_question(session: Session) -> None:
    from scheduler.notify.answers import handle_inbound_sms
    from tests.scheduler.notify_support import SETTINGS

    d = district(session)
    a, b = d.person("甲", d.st.a1), d.person("乙", d.st.a1)
    result = call(d, "general:2")
    oa = offer_of(session, result.call.id, a)
    reply = handle_inbound_sms(
        session=session, from_=a.phone, body=f"1 {oa.code}", now=NOW + MIN, settings=SETTINGS
    )
    assert reply.startswith("已确认") and offer_of(session, result.call.id, a).status is OfferStatus.CONFIRMED
    # No code: the one open question this person has is the surge offer.
    reply = handle_inbound_sms(session=session, from_=b.phone, body="2", now=NOW + MIN, settings=SETTINGS)
    assert reply.startswith("已收到") and offer_of(session, result.call.id, b).status is OfferStatus.DECLINED


def test_surge_answers_nobody_is_booked_twice_for_the_same_time(session: Session) -> None:
    d = district(session)
    a = d.person("甲", d.st.a1)
    first = call(d, "general:1")
    second = call(d, "general:1", grid="A2")
    in_first, in_second = offer_of(session, first.call.id, a), offer_of(session, second.call.id, a)
    assert answer(session, in_first, True, NOW + MIN).outcome is surge.AnswerOutcome.CONFIRMED
    # Their offer for the other call at the same time is withdrawn, without a text.
    assert offer_of(session, second.call.id, a).status is OfferStatus.WITHDRAWN
    assert [m.person_id for m in sms(session, "surge_cancel")] == []
    late = answer(session, in_second, True, NOW + 2 * MIN)
    assert late.outcome is surge.AnswerOutcome.BUSY
    assert offer_of(session, second.call.id, a).status is OfferStatus.WITHDRAWN


def test_surge_answers_a_call_raised_ahead_gives_people_longer_to_answer(session: Session) -> None:
    d = district(session)
    d.person("甲", d.st.a1)
    soon = call(d, "general:1", start=NOW + timedelta(minutes=40))
    assert offers(session, soon.call.id)[0].expires_at == NOW + 10 * MIN  # a quarter of the 40 minutes
    d.person("乙", d.st.a2)
    ahead = call(d, "general:1", grid="A2", start=NOW + timedelta(days=3))
    assert offers(session, ahead.call.id)[0].expires_at == NOW + timedelta(hours=12)
    # Answers are due before the 30-minute escalation would have to begin: 36 - 30 = 6 minutes.
    d.person("丙", d.st.b1)
    close = call(d, "general:1", grid="B1", start=NOW + timedelta(minutes=36))
    assert offers(session, close.call.id)[0].expires_at == NOW + 6 * MIN
