"""Ledger exports: XLSX, CSV and PDF open and carry the hand-made week's known figures in Chinese."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from sqlalchemy.orm import Session

from scheduler.errors import ValidationError
from scheduler.ledgers import export
from scheduler.ledgers import service as ledgers
from scheduler.ledgers.service import Ledger
from tests.scheduler.ledger_history import LATER, History


def week_ledger(session: Session) -> Ledger:
    History(session)
    return ledgers.build_ledger(session=session, kind="week", day=date(2026, 11, 30), now=LATER)


def rows_by_name(sheet: object) -> dict[str, dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    header = rows[0]
    name_col = header.index("名称") if "名称" in header else header.index("姓名")
    return {str(r[name_col]): dict(zip(header, r, strict=True)) for r in rows[1:]}


def test_xlsx_has_a_sheet_per_section_with_chinese_headers_and_the_figures(session: Session) -> None:
    wb = load_workbook(io.BytesIO(export.render(week_ledger(session), export.Format.XLSX)))
    assert wb.sheetnames == [
        "概况",
        "分级台账",
        "人员工时",
        "类别工时",
        "在职党员双报到服务时长",
        "未满足需求",
        "短信与邮件",
        "网格呼叫与响应",
        "网格考核",
        "网格员考核",
    ]
    units = rows_by_name(wb["分级台账"])
    street = units["测试街道"]
    assert (street["层级"], street["应到人次"], street["已排人次"], street["签到"], street["缺勤"]) == (
        "街道",
        6,
        4,
        2,
        1,
    )
    assert street["覆盖率"] == pytest.approx(4 / 6)
    assert wb["分级台账"]["L2"].number_format == "0.0%"
    assert (street["计划工时(小时)"], street["服务工时(小时)"]) == (13.0, 6.5)
    assert units["甲二网格"]["缺口人次"] == 1
    people = rows_by_name(wb["人员工时"])
    assert (people["网格员甲"]["服务工时(小时)"], people["党员丙"]["服务工时(小时)"]) == (4.0, 2.5)
    quota = rows_by_name(wb["在职党员双报到服务时长"])
    assert (
        quota["党员丙"]["月度应服务(小时)"],
        quota["党员丙"]["12月已服务(小时)"],
        quota["党员丙"]["是否达标"],
    ) == (8, 2.5, "否")
    grids = rows_by_name(wb["网格考核"])
    assert (grids["乙一网格"]["每名专职网格员户数"], grids["乙一网格"]["超负荷(≥538户)"]) == (600, "是")
    assert list(wb["网格呼叫与响应"].iter_rows(min_row=2, values_only=True))[0][0] == "暂无网格呼叫记录"
    (sms,) = list(wb["短信与邮件"].iter_rows(min_row=2, values_only=True))
    assert sms == ("短信", "排班通知", 2, 1, 1, 0, 0)
    summary = dict(wb["概况"].iter_rows(min_row=2, values_only=True))
    assert summary["台账"].startswith("周报 2026-W49") and summary["覆盖率"] == "66.7%"


def test_pdf_renders_the_chinese_text_and_figures(session: Session) -> None:
    data = export.render(week_ledger(session), export.Format.PDF)
    assert data.startswith(b"%PDF")
    text = extract_text(io.BytesIO(data))
    for expected in (
        "网格值守台账",
        "周报 2026-W49",
        "测试街道",
        "分级台账",
        "66.7%",
        "网格员甲",
        "党员丙",
        "区税务局",
        "在职党员双报到服务时长",
        "暂无网格呼叫记录",
        "有资质且有空的人不够",
    ):
        assert expected in text, expected


def test_csv_holds_every_section_in_utf8_with_a_byte_order_mark(session: Session) -> None:
    data = export.render(week_ledger(session), export.Format.CSV)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    titles = [r[0] for r in rows if r and r[0].startswith("# ")]
    assert titles[:3] == ["# 概况", "# 分级台账", "# 人员工时"] and len(titles) == 10
    street = next(r for r in rows if r[:2] == ["街道", "测试街道"])
    assert street[3:7] == ["4", "6", "4", "4"] and "66.7%" in street


def test_write_leaves_the_whole_file_and_no_partial_one(session: Session, tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    size = export.write(week_ledger(session), export.Format.XLSX, out)
    assert out.stat().st_size == size > 0
    assert list(tmp_path.iterdir()) == [out]


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        export.parse_format("docx")
    assert error.value.code == "bad_format" and "xlsx" in error.value.message_zh
    assert export.parse_format("PDF") is export.Format.PDF
