"""Grids and shift templates: list, edit requirements; bad input is refused field by field."""

from __future__ import annotations

from datetime import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scheduler.rosters.models import ShiftTemplate
from tests.web.conftest import AuthActions, World, field_html


def form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "weekdays": ["5", "6"],
        "start": "08:00",
        "end": "12:00",
        "priority": "high_risk",
        "active": "y",
        "count_any": "1",
        "count_nurse": "1",
    }
    data.update(changes)
    return data


def test_grids_page_lists_the_accounts_grids(client: FlaskClient, auth: AuthActions) -> None:
    auth.login("cuihu")
    body = client.get("/grids").get_data(as_text=True)
    assert "青云第1网格" in body and "莲花池第1网格" in body and "华山第1网格" not in body


def test_editing_a_template_changes_days_times_and_head_counts(
    client: FlaskClient, auth: AuthActions, world: World, fresh: Session
) -> None:
    auth.login("qingyun")
    response = client.post(f"/templates/{world.template_qy.id}/edit", data=form())
    assert response.status_code == 303
    assert response.headers["Location"] == f"/grids/{world.grid_qy.id}"
    t = fresh.get(ShiftTemplate, world.template_qy.id)
    assert t is not None
    assert (t.weekdays, t.start, t.end, t.priority.value, t.needs_party_lead) == (
        "56",
        time(8),
        time(12),
        "high_risk",
        False,
    )
    assert sorted((d.skill.code if d.skill else "", d.count) for d in t.demands) == [("", 1), ("nurse", 1)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "请至少选择一天"),
        ({"start": "25:00"}, "start", "不是有效的时间"),
        ({"end": ""}, "end", "请填写时间"),
        ({"end": "08:00"}, "end", "结束时间不能等于开始时间"),
        ({"count_any": "99"}, "count_any", "应在 0 到 50 之间"),
        ({"count_nurse": "-1"}, "count_nurse", "应在 0 到 50 之间"),
        ({"count_any": "0", "count_nurse": "0"}, "demands", "启用的班次至少需要 1 人"),
        ({"priority": "whenever"}, "priority", "不是有效的选择"),
    ],
)
def test_bad_template_input_is_refused_beside_the_field(
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    fresh: Session,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    auth.login("cuihu")
    response = client.post(f"/templates/{world.template_qy.id}/edit", data=form(**changes))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in field_html(body, field)
    t = fresh.get(ShiftTemplate, world.template_qy.id)
    assert t is not None and (t.weekdays, t.start) == ("0123456", time(19))


def test_an_inactive_template_may_need_nobody(
    client: FlaskClient, auth: AuthActions, world: World, fresh: Session
) -> None:
    auth.login("cuihu")
    data = form(count_any="0", count_nurse="0")
    del data["active"]
    assert client.post(f"/templates/{world.template_qy.id}/edit", data=data).status_code == 303
    t = fresh.get(ShiftTemplate, world.template_qy.id)
    assert t is not None and not t.active and t.demands == []
