"""Ledger pages: the hand-made week's figures in tables and SVG charts, downloads that open, scope, errors."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.accounts.models import Role
from scheduler.accounts.service import create_account
from scheduler.audit.models import AuditEntry
from tests.conftest import NOW
from tests.scheduler.ledger_history import LATER
from tests.scheduler.test_resilience import known_street
from tests.web.conftest import PASSWORD, make_app
from tests.web.history_app import HistoryWeb, history_web

WEEK_ARGS = {"kind": "week", "date": "2026-12-02"}


@pytest.fixture
def web(session: Session) -> HistoryWeb:
    return history_web(session, LATER)


def section_rows(body: str, key: str) -> list[list[str]]:
    table = re.search(rf'data-section="{key}">(.*?)</table>', body, re.S)
    assert table is not None, key
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]


def test_a_street_coordinator_sees_the_weeks_figures_and_charts(web: HistoryWeb) -> None:
    body = web.client("street").get("/ledgers", query_string=WEEK_ARGS).get_data(as_text=True)
    units = {(r[0], r[1]): r for r in section_rows(body, "units")}
    # 层级 名称 上级 班次数 应到 已排 已确认 已拒绝 签到 缺勤 缺口 覆盖率 ...
    assert units[("街道", "测试街道")][3:11] == ["4", "6", "4", "4", "1", "2", "1", "2"]
    assert units[("街道", "测试街道")][11] == "66.7%"
    assert units[("网格", "甲一网格")][4:10] == [
        "3",
        "3",
        "3",
        "0",
        "2",
        "1",
    ]  # a no-show was confirmed first
    people = {r[0]: r for r in section_rows(body, "people")}
    assert set(people) == {"网格员甲", "志愿者乙", "党员丙", "志愿者丁", "志愿者戊"}
    assert people["网格员甲"][4:6] == ["4.0", "4.0"]  # 240 min planned, 240 served
    assert "网格员甲" in body and "周报 2026-W49" in body
    # The coverage chart draws one bar pair per grid with a shift; 甲二 is half covered.
    chart = re.search(r'id="chart-coverage">(.*?)</figure>', body, re.S)
    assert chart is not None
    values = re.findall(r'class="bar"[^>]*data-value="([0-9.]+)"', chart.group(1))
    assert len(values) == 6  # three grids × (coverage, confirmations)
    assert "0.5" in values and "0.0" in values  # 甲二 1 of 2; 乙一 nobody
    assert 'id="chart-attendance"' in body and "<svg" in body


def test_a_grid_leader_sees_only_their_community(web: HistoryWeb) -> None:
    body = web.client("leader").get("/ledgers", query_string=WEEK_ARGS).get_data(as_text=True)
    units = {(r[0], r[1]): r for r in section_rows(body, "units")}
    assert set(units) == {
        ("街道", "测试街道"),
        ("社区", "甲社区"),
        ("网格", "甲一网格"),
        ("网格", "甲二网格"),
    }
    assert units[("街道", "测试街道")][4:6] == ["5", "4"]  # the street total is the community's
    people = {r[0] for r in section_rows(body, "people")}
    assert people == {"网格员甲", "志愿者乙", "党员丙", "志愿者丁"}
    assert "乙一网格" not in body and "志愿者戊" not in body


def test_another_streets_coordinator_is_refused(web: HistoryWeb) -> None:
    client = web.client("other")
    street = web.h.st.street.id
    assert client.get("/ledgers", query_string={**WEEK_ARGS, "street": street}).status_code == 403
    assert (
        client.get(
            "/ledgers/export", query_string={**WEEK_ARGS, "street": street, "format": "csv"}
        ).status_code
        == 403
    )
    assert web.client(None).get("/ledgers").status_code == 302  # to the sign-in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"kind": "week", "date": "2026-12-14"}, "尚未开始"),
        ({"kind": "month", "date": "2027-01-01"}, "尚未开始"),
        ({"kind": "year", "date": "2026-12-02"}, "台账期间应为"),
        ({"kind": "day", "date": "12/02/2026"}, "日期应写作"),
    ],
)
def test_a_period_not_begun_or_malformed_is_a_clear_chinese_error(
    web: HistoryWeb, session: Session, args: dict[str, str], message: str
) -> None:
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    response = web.client("street").get("/ledgers", query_string=args)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="ledger-error"' in body and message in body
    assert 'id="downloads"' not in body
    export = web.client("street").get("/ledgers/export", query_string={**args, "format": "xlsx"})
    assert export.status_code == 400 and message in export.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_downloads_open_and_hold_the_figures(web: HistoryWeb) -> None:
    client = web.client("street")
    args = {**WEEK_ARGS, "street": web.h.st.street.id}
    xlsx = client.get("/ledgers/export", query_string={**args, "format": "xlsx"})
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data))["分级台账"]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("街道", "测试街道")][3:6] == (4, 6, 4)

    text = client.get("/ledgers/export", query_string={**args, "format": "csv"}).data.decode("utf-8-sig")
    people = [r for r in csv.reader(io.StringIO(text)) if r and r[0] == "党员丙"]
    assert people[0][4:6] == ["3.0", "2.5"]

    pdf = client.get("/ledgers/export", query_string={**args, "format": "pdf"})
    assert pdf.mimetype == "application/pdf"
    assert "测试街道" in extract_text(io.BytesIO(pdf.data))

    bad = client.get("/ledgers/export", query_string={**args, "format": "doc"})
    assert bad.status_code == 400 and "导出格式" in bad.get_data(as_text=True)


def test_a_grid_leaders_download_holds_only_their_community(web: HistoryWeb) -> None:
    data = web.client("leader").get("/ledgers/export", query_string={**WEEK_ARGS, "format": "csv"}).data
    text = data.decode("utf-8-sig")
    assert "甲一网格" in text and "乙一网格" not in text and "志愿者戊" not in text


@pytest.fixture
def known(session: Session) -> tuple[FlaskClient, int]:
    """The resilience test's street (seven on a morning shift, one nurse in the afternoon) and its roster."""
    st, roster = known_street(session)
    create_account(
        session=session,
        username="known",
        password=PASSWORD,
        role=Role.STREET_COORDINATOR,
        scope_id=st.street.id,
        now=NOW,
    )
    session.flush()
    client = make_app(session).test_client()
    client.post("/login", data={"username": "known", "password": PASSWORD})
    return client, roster.id


def test_the_resilience_page_shows_coverage_per_rate_and_what_breaks_first(
    known: tuple[FlaskClient, int],
) -> None:
    client, roster_id = known
    page = client.get(f"/rosters/{roster_id}/resilience")
    assert page.status_code == 200 and 'id="resilience-rates"' not in page.get_data(as_text=True)
    body = client.get(
        f"/rosters/{roster_id}/resilience",
        query_string={"run": "1", "rates": "10,20,30,40", "samples": "250"},
    ).get_data(as_text=True)
    rows = section_like_rows(body, "resilience-rates")
    assert [r[0] for r in rows] == ["10%", "20%", "30%", "40%"]
    assert rows[0][1].endswith("98.8%") and rows[3][1].endswith("82.5%")  # 1 - 0.1/8; (6 + 0.6)/8
    assert rows[3][2] == "75.0%"  # the worst case at 40 %: the nurse among the four lost
    breaking = re.search(r'id="grids-breaking">(.*?)</ul>', body, re.S)
    assert breaking is not None
    assert breaking.group(1).index("甲二网格") < breaking.group(1).index("甲一网格")
    assert "护士" in body


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"rates": "10,150"}, "减员比例必须在 0% 到 100% 之间"),
        ({"rates": "ten"}, "减员比例应写作"),
        ({"samples": "x"}, "模拟次数"),
    ],
)
def test_a_bad_resilience_rate_is_refused_in_chinese(
    known: tuple[FlaskClient, int], args: dict[str, str], message: str
) -> None:
    client, roster_id = known
    response = client.get(f"/rosters/{roster_id}/resilience", query_string={"run": "1", **args})
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def section_like_rows(body: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'id="{table_id}">(.*?)</table>', body, re.S)
    assert table is not None, table_id
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        ]
        for r in rows
    ]


def test_a_roster_too_large_for_the_page_points_to_the_command(session: Session) -> None:
    st, roster = known_street(session)
    create_account(
        session=session,
        username="known",
        password=PASSWORD,
        role=Role.STREET_COORDINATOR,
        scope_id=st.street.id,
        now=NOW,
    )
    session.flush()
    client = make_app(session, RESILIENCE_MAX_ASSIGNMENTS=5).test_client()  # the roster has 8
    client.post("/login", data={"username": "known", "password": PASSWORD})
    body = client.get(f"/rosters/{roster.id}/resilience", query_string={"run": "1"}).get_data(as_text=True)
    assert 'id="resilience-too-large"' in body and f"gridroster roster resilience {roster.id} --json" in body
    assert 'id="resilience-rates"' not in body


def test_with_many_grids_the_charts_draw_one_bar_per_community(
    web: HistoryWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.ledgers.charts.MAX_GRID_BARS", 2)  # the street has three grids with shifts
    body = web.client("street").get("/ledgers", query_string=WEEK_ARGS).get_data(as_text=True)
    chart = re.search(r'id="chart-coverage">(.*?)</figure>', body, re.S)
    assert chart is not None and "各社区覆盖率与确认率" in chart.group(1)
    assert "甲社区" in chart.group(1) and "甲一网格" not in chart.group(1)
    assert len(re.findall(r'class="bar"', chart.group(1))) == 4  # two communities × two series
