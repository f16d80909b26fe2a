"""Surge pages: the short call form (unfillable at once, duplicate confirmation), the board and its JSON,
check-in on arrival from the board and by the person's link, departments, the after-action record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry
from scheduler.surge.models import DepartmentRequest, OfferStatus, SurgeCall, SurgeOffer
from tests.conftest import NOW
from tests.web.surge_app import UNIT, SurgeWeb, surge_web

FORM = {
    "task_type": "patrol",
    "start": "2026-11-27T10:00",
    "end": "2026-11-27T14:00",
    "priority": "emergency",
}


@pytest.fixture
def web(session: Session) -> SurgeWeb:
    return surge_web(session)


def counts(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(SurgeCall)) or 0,
        session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
    )


def raise_call(web: SurgeWeb, username: str = "shequ", **fields: str) -> tuple[int, str]:
    data = {**FORM, "grid_id": str(web.d.st.a1.id), "place": "3号楼东门", "need_general": "2", **fields}
    response = web.client(username).post("/surge/new", data=data, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def offers(session: Session) -> list[SurgeOffer]:
    session.expire_all()
    return list(session.scalars(select(SurgeOffer).order_by(SurgeOffer.id)))


def test_the_form_lists_only_the_coordinators_grids(web: SurgeWeb) -> None:
    body = web.client("shequ").get("/surge/new").get_data(as_text=True)
    assert "甲一网格" in body and "甲二网格" in body and "乙一网格" not in body
    assert 'name="need_nurse"' in body and 'type="datetime-local"' in body
    assert 'value="2026-11-27T10:00"' in body  # the start defaults to now, local time


def test_raising_a_call_asks_people_at_once_and_opens_the_board(web: SurgeWeb, session: Session) -> None:
    status, body = raise_call(web)
    assert status == 200
    call = session.scalar(select(SurgeCall))
    assert call is not None and call.place == "3号楼东门" and call.ends_at == NOW + timedelta(hours=4)
    assert [(n.code, n.count) for n in call.needs] == [("general", 2)]
    asked = offers(session)
    assert len(asked) == 3  # 2 missing × over-ask 1.5, from the grid's community
    assert {o.person.name for o in asked} <= {v.name for v in web.volunteers} | {"党员老李"}
    assert f"#{call.id}" in body and "社区" in body and 'data-need="general"' in body
    assert '<span id="board-next">10:05</span>' in body  # local time: the community has 5 minutes
    assert 'data-status="open">进行中' in body
    row = body.split('data-need="general"')[1].split("</tr>")[0]
    assert (
        '<td data-field="needed" class="">2</td>' in row and '<td data-field="offered" class="">3</td>' in row
    )


def test_a_skill_nobody_has_is_raised_and_said_at_once(web: SurgeWeb, session: Session) -> None:
    status, body = raise_call(web, need_general="", need_doctor="1")
    assert status == 200 and session.scalar(select(func.count()).select_from(SurgeCall)) == 1
    assert "无法补齐" in body and "医生" in body
    assert 'class="flash error unfillable"' in body  # kept on the board, not only flashed


def test_a_duplicate_call_asks_to_confirm_first(web: SurgeWeb, session: Session) -> None:
    raise_call(web)
    before = counts(session)
    status, body = raise_call(web)
    assert status == 409 and "确认仍要再发起一次吗" in body and 'id="confirm-duplicate"' in body
    assert 'value="3号楼东门"' in body  # the form comes back as it was sent
    assert counts(session) == before
    status, _body = raise_call(web, confirm_duplicate="1")
    assert status == 200 and session.scalar(select(func.count()).select_from(SurgeCall)) == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"need_general": ""}, "请至少填写一项人员需求"),
        ({"end": "2026-11-27T09:00"}, "结束时间必须晚于开始时间"),
        ({"start": "tomorrow"}, "开始时间应写作"),
        ({"need_general": "-3"}, "人数应为"),
        ({"grid_id": ""}, "请选择网格"),
        ({"priority": "panic"}, "紧急程度无效"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(
    web: SurgeWeb, session: Session, fields: dict[str, str], message: str
) -> None:
    before = counts(session)
    status, body = raise_call(web, **fields)
    assert status == 400 and message in body
    assert counts(session) == before


def test_another_streets_coordinator_cannot_raise_or_watch_a_call(web: SurgeWeb, session: Session) -> None:
    status, _ = raise_call(web, "other")
    assert status == 403 and session.scalar(select(func.count()).select_from(SurgeCall)) == 0
    raise_call(web)
    call_id = session.scalar(select(SurgeCall.id))
    assert web.client("other").get(f"/surge/calls/{call_id}").status_code == 403
    assert web.client("other").get(f"/surge/calls/{call_id}/board.json").status_code == 403
    assert f"#{call_id}" not in web.client("other").get("/surge").get_data(as_text=True)
    assert f"#{call_id}" in web.client("jiedao").get("/surge").get_data(as_text=True)


def test_the_board_json_counts_answers_and_arrivals(web: SurgeWeb, session: Session) -> None:
    raise_call(web)
    call_id = session.scalar(select(SurgeCall.id))
    first = offers(session)[0]
    person = web.client(None)
    page = person.get(f"/s/{first.token}").get_data(as_text=True)
    assert "3号楼东门" in page and 'value="confirm"' in page
    person.post(f"/s/{first.token}", data={"action": "confirm"})
    person.post(f"/s/{first.token}", data={"action": "on_the_way"})
    data = web.client("shequ").get(f"/surge/calls/{call_id}/board.json").get_json()
    general = data["needs"][0]
    assert (general["needed"], general["offered"], general["on_the_way"], general["missing"]) == (2, 2, 1, 1)
    assert data["tier"] == "community" and data["tier_label"] == "社区"
    assert {p["status_label"] for p in data["people"]} >= {"在路上"}
    arrived = person.post(f"/s/{first.token}", data={"action": "arrived"}, follow_redirects=True)
    assert "签到" in arrived.get_data(as_text=True)
    assert offers(session)[0].status is OfferStatus.ARRIVED
    again = person.post(f"/s/{first.token}", data={"action": "arrived"}, follow_redirects=True)
    assert "已经签到过了" in again.get_data(as_text=True)
    assert web.client(None).get("/s/not-a-token").status_code == 404


def test_the_grid_leader_checks_someone_in_on_arrival_from_the_board(web: SurgeWeb, session: Session) -> None:
    raise_call(web)
    call_id = session.scalar(select(SurgeCall.id))
    offer = offers(session)[1]
    leader = web.client("shequ")
    board = leader.get(f"/surge/calls/{call_id}").get_data(as_text=True)
    assert f"/surge/calls/{call_id}/offers/{offer.id}/arrived" in board
    leader.post(f"/surge/calls/{call_id}/offers/{offer.id}/arrived")
    checked = offers(session)[1]
    assert checked.status is OfferStatus.ARRIVED and checked.arrived_via == "leader"
    before = counts(session)
    body = leader.post(f"/surge/calls/{call_id}/offers/{offer.id}/arrived", follow_redirects=True).get_data(
        as_text=True
    )
    assert "已经签到过了" in body and counts(session) == before
    assert web.client("other").post(f"/surge/calls/{call_id}/offers/{offer.id}/arrived").status_code == 403


def test_a_department_reports_whom_it_sends(web: SurgeWeb, session: Session) -> None:
    raise_call(web, need_general="6")
    call = session.scalar(select(SurgeCall))
    assert call is not None
    request = DepartmentRequest(
        call_id=call.id, unit=UNIT, asked=1, members=1, requested_at=NOW, due_at=NOW + timedelta(minutes=30)
    )
    session.add(request)
    session.flush()
    client = web.client("jiedao")
    page = client.get(f"/surge/calls/{call.id}/departments/{request.id}").get_data(as_text=True)
    assert "党员老李" in page
    before = counts(session)
    refused = client.post(f"/surge/calls/{call.id}/departments/{request.id}", data={})
    assert refused.status_code == 400 and "请至少报告一名人员" in refused.get_data(as_text=True)
    bad = client.post(f"/surge/calls/{call.id}/departments/{request.id}", data={"new_people": "只有名字"})
    assert bad.status_code == 400 and "第 1 行" in bad.get_data(as_text=True)
    assert counts(session) == before
    client.post(
        f"/surge/calls/{call.id}/departments/{request.id}",
        data={"person_id": str(web.party.id), "new_people": "赵六,13900001111"},
    )
    sent = [o for o in offers(session) if o.via == "department"]
    assert {o.person.name for o in sent} == {"党员老李", "赵六"} and all(o.unit == UNIT for o in sent)
    session.refresh(request)
    assert request.sent == 2
    board = client.get(f"/surge/calls/{call.id}").get_data(as_text=True)
    assert UNIT in board


def test_the_after_action_record_shows_times_and_who_came(web: SurgeWeb, session: Session) -> None:
    raise_call(web)
    call_id = session.scalar(select(SurgeCall.id))
    first = offers(session)[0]
    web.client(None).post(f"/s/{first.token}", data={"action": "confirm"})
    body = web.client("shequ").get(f"/surge/calls/{call_id}/after-action").get_data(as_text=True)
    assert 'id="aa-needed">2<' in body and 'id="aa-asked">3<' in body and 'id="aa-confirmed">1<' in body
    assert 'id="aa-first">0.0' in body and first.person.name in body
    assert 'id="aa-tier">社区<' in body


def test_closing_a_call_stands_everyone_waiting_down(web: SurgeWeb, session: Session) -> None:
    raise_call(web)
    call_id = session.scalar(select(SurgeCall.id))
    web.client("shequ").post(f"/surge/calls/{call_id}/end", data={"action": "cancel"})
    session.expire_all()
    assert session.get(SurgeCall, call_id).status.value == "cancelled"  # type: ignore[union-attr]
    assert {o.status for o in offers(session)} == {OfferStatus.WITHDRAWN}
    body = web.client("shequ").post(
        f"/surge/calls/{call_id}/end", data={"action": "close"}, follow_redirects=True
    )
    assert "这次呼叫已结束或取消" in body.get_data(as_text=True)


def test_the_call_feeds_the_ledger_page_with_its_response_time(web: SurgeWeb, session: Session) -> None:
    raise_call(web)
    first = offers(session)[0]
    web.client(None).post(f"/s/{first.token}", data={"action": "arrived"})  # came without answering first
    body = (
        web.client("jiedao")
        .get("/ledgers", query_string={"kind": "day", "date": "2026-11-27"})
        .get_data(as_text=True)
    )
    rows = body.split('data-section="surges"')[1].split("</table>")[0]
    assert "甲一网格" in rows and "社区" in rows
    assert 'id="chart-surges"' in body


def test_the_pages_read_in_english_too(web: SurgeWeb, session: Session) -> None:
    raise_call(web, need_doctor="1")
    call_id = session.scalar(select(SurgeCall.id))
    client = web.client("shequ")
    headers = {"Accept-Language": "en"}
    board = client.get(f"/surge/calls/{call_id}", headers=headers).get_data(as_text=True)
    assert (
        "Since the call" in board and ">community<" in board and "nobody in the district has doctor" in board
    )
    assert "Raise the call" in client.get("/surge/new", headers=headers).get_data(as_text=True)
    assert "Tier reached" in client.get(f"/surge/calls/{call_id}/after-action", headers=headers).get_data(
        as_text=True
    )
    ledger = client.get("/ledgers", query_string={"kind": "day", "date": "2026-11-27"}, headers=headers)
    assert ledger.status_code == 200 and "Coverage and confirmations by grid" in ledger.get_data(as_text=True)
    assert "Check-in" in client.get("/checkin", headers=headers).get_data(as_text=True)
