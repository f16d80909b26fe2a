"""The gridroster command end to end on fresh databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from scheduler.db import make_engine, make_session_factory
from scheduler.people.models import Person
from scheduler.rosters.models import Roster, RosterStatus
from web.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)


def count_people(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as s:
            return int(s.scalar(select(func.count()).select_from(Person)) or 0)
    finally:
        engine.dispose()


def test_cli_db_upgrade_reports_the_head_revision(db_url: str) -> None:
    result = run(db_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "database at revision 0" in result.output


def test_cli_seed_generate_show_and_publish_a_roster(db_url: str) -> None:
    seeded = run(db_url, "seed", "demo", "--people", "80", "--grids", "10", "--seed", "3")
    assert seeded.exit_code == 0, seeded.output
    assert json.loads(seeded.output)["people"] == 80
    generated = run(
        db_url, "roster", "generate", "--week", "2026-W49", "--seconds", "3", "--deterministic", "--json"
    )
    assert generated.exit_code == 0, generated.output
    summary = json.loads(generated.output)
    assert summary["week"] == "2026-W49" and summary["status"] == "draft"
    assert 0 < summary["filled"] <= summary["required"]
    assert summary["objective"] >= summary["bound"] >= 0
    assert len(summary["unmet"]) >= 0 and all(u["zh"] and u["en"] and u["reason"] for u in summary["unmet"])
    shown = run(db_url, "roster", "show", str(summary["roster_id"]))
    assert (
        shown.exit_code == 0
        and f"filled / required: {summary['filled']} / {summary['required']}" in shown.output
    )
    published = run(db_url, "roster", "publish", str(summary["roster_id"]))
    assert published.exit_code == 0, published.output
    engine = make_engine(db_url)
    with make_session_factory(engine)() as s:
        assert s.get(Roster, summary["roster_id"]).status is RosterStatus.PUBLISHED  # type: ignore[union-attr]
    engine.dispose()
    again = run(db_url, "roster", "publish", str(summary["roster_id"]))
    assert again.exit_code == 2 and "roster_not_draft" in again.output


def test_cli_generate_with_a_bad_week_is_a_clear_error(db_url: str) -> None:
    run(db_url, "seed", "demo", "--people", "20", "--grids", "2")
    result = run(db_url, "roster", "generate", "--week", "2026-49")
    assert result.exit_code == 2
    assert "bad_week" in result.output and "2026-W49" in result.output


def test_cli_generate_on_an_empty_database_says_what_to_do(db_url: str) -> None:
    run(db_url, "db", "upgrade")
    result = run(db_url, "roster", "generate", "--week", "2026-W49")
    assert result.exit_code == 2 and "seed demo" in result.output


def test_cli_demo_no_serve_seeds_generates_publishes_and_exits(db_url: str) -> None:
    result = run(db_url, "demo", "--no-serve", "--people", "60", "--grids", "10", "--seconds", "3")
    assert result.exit_code == 0, result.output
    assert "filled / required" in result.output and "published" in result.output
    assert "demo / gridroster-demo" in result.output
    engine = make_engine(db_url)
    with make_session_factory(engine)() as s:
        rosters = s.scalars(select(Roster)).all()
    engine.dispose()
    assert [r.status for r in rosters] == [RosterStatus.PUBLISHED]
    again = run(db_url, "demo", "--no-serve")  # a second run reuses what is there
    assert again.exit_code == 0 and count_people(db_url) == 60


def test_cli_import_people_is_all_or_nothing_and_reimport_is_a_no_op(db_url: str, tmp_path: Path) -> None:
    run(db_url, "seed", "demo", "--people", "30", "--grids", "10")
    example = ROOT / "examples" / "people.csv"
    first = run(db_url, "import", "people", str(example))
    assert first.exit_code == 0, first.output
    created = count_people(db_url) - 30
    assert created > 0 and f"created {created}" in first.output
    second = run(db_url, "import", "people", str(example))
    assert second.exit_code == 0 and f"unchanged {created}" in second.output
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,手机号,所属网格\n王五,12345,G0001\n,13912345678,G0001\n", encoding="utf-8")
    rejected = CliRunner().invoke(main, ["--db", db_url, "import", "people", str(bad)])
    assert rejected.exit_code == 2
    assert "第2行" in rejected.output and "第3行" in rejected.output
    assert count_people(db_url) == 30 + created


def test_cli_account_create_makes_a_scoped_account_and_refuses_bad_input(db_url: str) -> None:
    from scheduler.accounts.models import StaffAccount

    run(db_url, "seed", "demo", "--people", "20", "--grids", "2")
    created = CliRunner().invoke(
        main,
        ["--db", db_url, "account", "create", "lina", "--role", "street_coordinator", "--scope", "1"],
        input="a-long-password\na-long-password\n",
    )
    assert created.exit_code == 0, created.output
    short = CliRunner().invoke(
        main,
        ["--db", db_url, "account", "create", "bob", "--role", "street_coordinator", "--scope", "1"],
        input="short\nshort\n",
    )
    assert short.exit_code == 2 and "password_too_short" in short.output
    engine = make_engine(db_url)
    with make_session_factory(engine)() as s:
        names = set(s.scalars(select(StaffAccount.username)))
    engine.dispose()
    assert names == {"lina"}


def test_cli_serve_runs_the_dispatcher_in_process_in_the_embedded_default(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time as clock

    from scheduler.outbox.models import OutboxMessage, OutboxStatus
    from web.cli import Context, _start_inprocess_dispatcher

    monkeypatch.setenv("GRIDROSTER_QUIET_HOURS", "off")
    monkeypatch.setenv("GRIDROSTER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("GRIDROSTER_SMS_OUTBOX_LOG", str(tmp_path / "sms.jsonl"))
    monkeypatch.setenv("GRIDROSTER_MAIL_OUTBOX_DIR", str(tmp_path / "mail"))
    assert run(db_url, "seed", "demo", "--people", "40", "--grids", "4").exit_code == 0
    generated = run(
        db_url, "roster", "generate", "--week", "2026-W49", "--seconds", "2", "--deterministic", "--json"
    )
    roster_id = json.loads(generated.output)["roster_id"]
    assert run(db_url, "roster", "publish", str(roster_id)).exit_code == 0

    ctx = Context(db_url)
    stop = threading.Event()
    thread = _start_inprocess_dispatcher(ctx, interval=0.2, stop=stop)
    try:
        deadline = clock.monotonic() + 60
        while clock.monotonic() < deadline:
            with ctx.sessions() as s:
                statuses = set(s.scalars(select(OutboxMessage.status)))
            if OutboxStatus.SENT in statuses:
                break
            clock.sleep(0.2)
        assert OutboxStatus.SENT in statuses
        assert (tmp_path / "sms.jsonl").exists()
    finally:
        stop.set()
        thread.join(timeout=30)
        ctx.close()
