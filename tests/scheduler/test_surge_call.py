"""Raising a surge call: bad input is refused and writes nothing; the community is asked at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.errors import DomainError
from scheduler.outbox.models import OutboxMessage
from scheduler.surge import service as surge
from scheduler.surge.models import CallStatus, OfferStatus, SurgeCall, SurgeNotice, Tier
from tests.conftest import NOW
from tests.scheduler.surge_support import POLICY, call, district, offers, sms

SETTINGS_URL = "https://gr.example.cn/s/"


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(SurgeCall)) or 0,
        session.scalar(select(func.count()).select_from(OutboxMessage)) or 0,
        session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
    )


@pytest.mark.parametrize(
    ("needs", "grid", "hours", "code"),
    [
        ((), "A1", 4, "no_requirements"),
        (("general:0",), "A1", 4, "no_requirements"),
        (("general:2",), "A1", -1, "end_before_start"),
        (("general:2",), "A1", 0, "end_before_start"),
        (("general:2",), "Z9", 4, "grid_not_found"),
        (("telepathy:1",), "A1", 4, "unknown_skill"),
        (("nurse:1", "nurse:2"), "A1", 4, "duplicate_need"),
    ],
)
def test_surge_call_bad_input_is_refused_with_a_code_and_writes_nothing(
    session: Session, needs: tuple[str, ...], grid: str, hours: int, code: str
) -> None:
    d = district(session)
    d.person("甲", d.st.a1)
    before = _counts(session)
    with pytest.raises(DomainError) as info:
        call(d, *needs, grid=grid, hours=hours)
    assert info.value.code == code
    assert info.value.message_zh and info.value.message_en
    assert _counts(session) == before


def test_surge_call_need_parsing_refuses_a_malformed_need() -> None:
    with pytest.raises(DomainError) as info:
        surge.NeedSpec.parse("nurse")
    assert info.value.code == "bad_need"
    assert surge.NeedSpec.parse("nurse:2") == surge.NeedSpec("nurse", 2)


def test_surge_call_asks_the_community_with_over_asking_and_urgent_texts(session: Session) -> None:
    d = district(session)
    near = [d.person(f"甲{i}", d.st.a1) for i in range(3)]
    same_community = [d.person(f"乙{i}", d.st.a2) for i in range(3)]
    other_community = d.person("丙", d.st.b1)
    result = call(d, "general:2", place="3号楼东门")
    assert result.call.status is CallStatus.OPEN and result.call.tier is Tier.COMMUNITY
    asked = offers(session, result.call.id)
    # ceil(2 x 1.5) = 3, the nearest first: the call's own grid before the rest of the community.
    assert len(asked) == 3 == result.offers
    assert {o.person_id for o in asked} == {p.id for p in near}
    assert all(o.status is OfferStatus.OFFERED and o.expires_at == NOW + POLICY.answer_window for o in asked)
    assert other_community.id not in {o.person_id for o in asked}
    assert not {p.id for p in same_community} & {o.person_id for o in asked}
    texts = sms(session, "surge_call")
    assert len(texts) == 3 and all(t.urgent for t in texts)
    assert all(SETTINGS_URL in t.payload["body"] and "急需2人" in t.payload["body"] for t in texts)
    # Each text carries its own reply code and link.
    assert len({o.code for o in asked}) >= 1 and all(
        o.token in t.payload["body"] for o, t in zip(asked, texts, strict=True)
    )
    assert result.unfillable == []


def test_surge_call_for_a_skill_nobody_has_is_accepted_and_says_at_once_what_cannot_be_filled(
    session: Session,
) -> None:
    d = district(session)
    d.coordinators()
    d.person("甲", d.st.a1)
    d.person("乙", d.st.a1, skills={"nurse": NOW.date() - timedelta(days=3)})  # expired
    result = call(d, "general:1", "sign_language:1", "nurse:1")
    assert result.call.id is not None and result.call.status is CallStatus.OPEN
    by_need = {u.need: u for u in result.unfillable}
    assert by_need["sign_language"].reason == "no_one_has_skill" and by_need["sign_language"].missing == 1
    assert by_need["nurse"].reason == "certificates_expired"
    assert "general" not in by_need
    notices = session.scalars(select(SurgeNotice).where(SurgeNotice.kind == "unfillable")).all()
    assert notices and all("手语" in n.message_zh for n in notices)
    assert {n.tier for n in notices} == {Tier.COMMUNITY, Tier.STREET}
    # The general seat is still asked for.
    assert {o.need.code for o in offers(session, result.call.id)} == {"general"}


def test_surge_call_duplicate_for_the_same_grid_and_time_needs_confirmation(session: Session) -> None:
    d = district(session)
    d.person("甲", d.st.a1)
    first = call(d, "general:1")
    before = _counts(session)
    with pytest.raises(DomainError) as info:
        call(d, "general:2", start=NOW + timedelta(hours=1))
    assert info.value.code == "duplicate_call" and f"#{first.call.id}" in info.value.message_en
    assert _counts(session) == before
    second = call(d, "general:2", start=NOW + timedelta(hours=1), confirm_duplicate=True)
    assert second.call.id != first.call.id
    # Another grid, or a time after the first call ended, is no duplicate.
    call(d, "general:1", grid="A2")
    call(d, "general:1", start=NOW + timedelta(hours=6))


def test_surge_call_open_ended_gets_rolling_blocks_up_to_the_horizon(session: Session) -> None:
    d = district(session)
    d.person("甲", d.st.a1)
    result = call(d, "general:1", hours=None)
    blocks = result.call.blocks
    assert [b.ends_at - b.starts_at for b in blocks] == [timedelta(hours=4)] * 3  # 12-hour horizon
    assert blocks[0].starts_at == NOW and blocks[-1].ends_at == NOW + timedelta(hours=12)
    surge.tick(session=session, now=NOW + timedelta(hours=5))
    session.refresh(result.call)
    assert result.call.blocks[-1].ends_at == NOW + timedelta(hours=20)


def test_surge_call_the_scarcest_skill_is_served_first(session: Session) -> None:
    d = district(session)
    far = NOW.date() + timedelta(days=400)
    both = d.person("护士司机", d.st.a1, skills={"nurse": far, "driver": far})
    driver = d.person("司机", d.st.a2, skills={"driver": far})
    result = call(d, "driver:1", "nurse:1")
    asked = {o.person_id: o.need.code for o in offers(session, result.call.id)}
    assert asked == {both.id: "nurse", driver.id: "driver"}
