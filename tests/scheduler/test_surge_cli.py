"""`gridroster surge ...` end to end on fresh databases (SQLite and PostgreSQL), with the clock given."""

from __future__ import annotations

import json

import time_machine
from click.testing import CliRunner, Result

from web.cli import main

START, END = "2026-11-30T09:00", "2026-11-30T13:00"
BEFORE = "2026-11-30T08:50"


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)


def test_surge_cli_call_board_tick_and_close(db_url: str) -> None:
    assert run(db_url, "seed", "demo", "--people", "120", "--grids", "10", "--seed", "2").exit_code == 0
    args = [
        "surge",
        "call",
        "--grid",
        "G0003",
        "--start",
        START,
        "--end",
        END,
        "--need",
        "general:3",
        "--need",
        "doctor:1",
        "--lead",
        "--place",
        "3号楼东门",
        "--now",
        BEFORE,
    ]
    raised = run(db_url, *args, "--json")
    assert raised.exit_code == 0, raised.output
    call = json.loads(raised.output)
    assert call["status"] == "open" and call["tier"] == "community" and call["offers"] >= 5
    # The same grid and time again is refused until confirmed.
    again = run(db_url, *args)
    assert again.exit_code == 2 and "duplicate_call" in again.output
    board = run(db_url, "surge", "board", str(call["call_id"]), "--now", "2026-11-30T08:52", "--json")
    assert board.exit_code == 0, board.output
    shown = json.loads(board.output)
    assert shown["minutes"] == 2.0 and shown["lead"] == {"needed": True, "covered": False}
    assert {n["need"]: n["needed"] for n in shown["needs"]} == {"general": 3, "doctor": 1}
    assert sum(n["offered"] for n in shown["needs"]) == call["offers"]
    text = run(db_url, "surge", "board", str(call["call_id"]), "--now", "2026-11-30T08:52")
    assert "general" in text.output and "tier community" in text.output
    # Nobody answers: five minutes on, the offers time out and the street is asked.
    ticked = run(db_url, "surge", "tick", "--now", "2026-11-30T08:56", "--json")
    assert ticked.exit_code == 0, ticked.output
    report = json.loads(ticked.output)
    assert report["expired"] == call["offers"] and report["escalated"] == [
        {"call_id": call["call_id"], "tier": "street"}
    ]
    listed = json.loads(run(db_url, "surge", "list", "--json").output)
    assert [c["call_id"] for c in listed["calls"]] == [call["call_id"]]
    closed = run(db_url, "surge", "close", str(call["call_id"]), "--reason", "done")
    assert closed.exit_code == 0, closed.output
    record = json.loads(closed.output)
    assert (
        record["status"] == "closed"
        and record["tier_reached"] == "street"
        and record["asked"] > call["offers"]
    )


def test_surge_cli_bad_input_exits_2_with_the_code_in_both_languages(db_url: str) -> None:
    assert run(db_url, "seed", "demo", "--people", "30", "--grids", "3", "--seed", "2").exit_code == 0
    for extra, code in (
        (["--need", "general:0"], "no_requirements"),
        ([], "no_requirements"),
        (["--need", "general:2", "--end", "2026-11-30T08:00"], "end_before_start"),
        (["--need", "nurse"], "bad_need"),
        (["--need", "general:1", "--start", "tomorrow"], "bad_time"),
    ):
        result = run(db_url, "surge", "call", "--grid", "G0001", "--start", START, "--now", BEFORE, *extra)
        assert result.exit_code == 2 and f"[{code}]" in result.output and "错误" in result.output, (
            extra,
            result.output,
        )
    unknown = run(db_url, "surge", "call", "--grid", "NOPE", "--need", "general:1")
    assert unknown.exit_code == 2 and "grid_not_found" in unknown.output
    assert run(db_url, "surge", "board", "999").exit_code == 2


def test_the_notification_dispatcher_runs_the_surge_tick_before_sending(db_url: str) -> None:
    """`notify dispatch` (and the dispatcher thread of `serve`) escalates calls on time by itself."""
    assert run(db_url, "seed", "demo", "--people", "120", "--grids", "10", "--seed", "2").exit_code == 0
    raised = run(db_url, "surge", "call", "--grid", "G0003", "--start", START, "--end", END,
                 "--need", "general:2", "--now", BEFORE, "--json")
    assert raised.exit_code == 0, raised.output
    call = json.loads(raised.output)
    with time_machine.travel("2026-11-30T08:56:00+08:00", tick=False):
        passed = run(db_url, "notify", "dispatch", "--once")
    assert passed.exit_code == 0, passed.output
    assert f"surge: expired {call['offers']}, escalated 1" in passed.output
    board = json.loads(run(db_url, "surge", "board", str(call["call_id"]), "--now", "2026-11-30T08:57",
                           "--json").output)
    assert board["tier"] == "street"
