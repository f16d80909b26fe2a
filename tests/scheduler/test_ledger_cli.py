"""`gridroster report ledger` end to end on fresh databases: files written, bad input refused."""

from __future__ import annotations

import io
from pathlib import Path

import time_machine
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from scheduler.db import make_engine, make_session_factory
from scheduler.migrate import upgrade
from tests.scheduler.ledger_history import LATER, History
from web.cli import main


def history_in(db_url: str) -> int:
    """The hand-made week, committed; returns the street id."""
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session, session.begin():
            return History(session).st.street.id
    finally:
        engine.dispose()


def run(db_url: str, *args: str) -> Result:
    with time_machine.travel(LATER, tick=False):
        return CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)


def test_cli_report_ledger_writes_a_week_as_xlsx_and_pdf(db_url: str, tmp_path: Path) -> None:
    street = history_in(db_url)
    xlsx = tmp_path / "周报.xlsx"
    result = run(
        db_url,
        "report",
        "ledger",
        "--period",
        "week",
        "--date",
        "2026-12-01",
        "--street",
        str(street),
        "--format",
        "xlsx",
        "--out",
        str(xlsx),
    )
    assert result.exit_code == 0, result.output
    assert "周报 2026-W49" in result.output and "coverage 66.7%" in result.output
    units = list(load_workbook(xlsx)["分级台账"].iter_rows(values_only=True))
    assert units[1][:5] == ("街道", "测试街道", "测试区", 4, 6)
    pdf = tmp_path / "月报.pdf"
    result = run(db_url, "report", "ledger", "--period", "month", "--date", "2026-11-30", "--out", str(pdf))
    assert result.exit_code == 0, result.output
    assert "月报 2026年11月" in extract_text(io.BytesIO(pdf.read_bytes()))


def test_cli_report_ledger_refuses_bad_input_and_writes_no_file(db_url: str, tmp_path: Path) -> None:
    history_in(db_url)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "台账.csv"
    cases = [
        (["--period", "week", "--date", "2026-12-14"], "period_in_future"),
        (["--period", "year", "--date", "2026-12-01"], "bad_period"),
        (["--period", "day", "--date", "12/01/2026"], "bad_date"),
        (["--period", "day", "--date", "2026-12-01", "--street", "999999"], "street_not_found"),
        (["--period", "day", "--date", "2026-12-01", "--format", "docx"], "bad_format"),
    ]
    for args, code in cases:
        result = run(db_url, "report", "ledger", *args, "--out", str(out))
        assert result.exit_code == 2, (args, result.output)
        assert f"[{code}]" in result.output and "错误" in result.output and "Error" in result.output
    assert list(folder.iterdir()) == []
