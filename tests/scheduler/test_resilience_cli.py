"""`gridroster roster resilience ID --json` on a fresh database with a known breaking point."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from scheduler.db import make_engine, make_session_factory
from scheduler.migrate import upgrade
from tests.scheduler.test_resilience import known_street
from web.cli import main


def roster_in(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session, session.begin():
            return known_street(session)[1].id
    finally:
        engine.dispose()


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)


def test_cli_roster_resilience_prints_the_report_as_json(db_url: str) -> None:
    roster = roster_in(db_url)
    result = run(
        db_url, "roster", "resilience", str(roster), "--rates", "10,40", "--samples", "250", "--json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [r["rate"] for r in report["rates"]] == [10.0, 40.0]
    assert report["rates"][1]["coverage"] == pytest.approx(6.6 / 8)
    assert report["rates"][1]["standby"] == {"不限": 1, "护士": 1}
    assert [b["name"] for b in report["skills_breaking"]] == ["护士", "不限"]
    text = run(db_url, "roster", "resilience", str(roster), "--rates", "10", "--samples", "250")
    assert text.exit_code == 0 and "10% lost (1 people, 10 exact)" in text.output


def test_cli_roster_resilience_refuses_a_rate_outside_0_to_100(db_url: str) -> None:
    roster = roster_in(db_url)
    result = run(db_url, "roster", "resilience", str(roster), "--rates", "10,150")
    assert result.exit_code == 2 and "[bad_rate]" in result.output and "0% 到 100%" in result.output
    missing = run(db_url, "roster", "resilience", "999999")
    assert missing.exit_code == 2 and "[roster_not_found]" in missing.output


def test_cli_bench_resilience_checks_a_generated_street_and_prints_the_figures() -> None:
    result = CliRunner().invoke(
        main,
        ["bench", "resilience", "--people", "60", "--grids", "4", "--rates", "10,30", "--samples", "3",
         "--solve-seconds", "1", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["people"] == 60 and figures["scenarios"] == 6 and figures["samples"] == 3
    assert set(figures["coverage"]) == {"10%", "30%"}
    assert all(0 <= c <= 1 for c in figures["coverage"].values())
    assert figures["baseline_filled"] >= figures["roster_filled"] > 0
    assert figures["seconds"] >= figures["simulate_seconds"] >= 0 and figures["peak_rss_mb"] > 0
    bad = CliRunner().invoke(main, ["bench", "resilience", "--rates", "10,150"])
    assert bad.exit_code == 2 and "[bad_rate]" in bad.output
