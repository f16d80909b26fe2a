"""`gridroster notify dispatch --once`, `notify remind` and `notify status` on fresh databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from optimizer.params import TEST_PARAMS
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.migrate import upgrade
from scheduler.rosters import service as rosters
from tests.conftest import NOW
from tests.notifications.twilio_stub import TwilioStub
from tests.scheduler.dbbuilders import WEEK, Street1
from web.cli import main


@pytest.fixture
def published_db(db_url: str) -> tuple[str, int]:
    return publish_small_street(db_url)


TWILIO_ENV = {"GRIDROSTER_SMS_BACKEND": "twilio", "GRIDROSTER_PUBLIC_URL": "https://gr.example.cn"}


@pytest.fixture
def published_for_twilio(db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    """Published where the texts are written (the publishing process) with Twilio and a public URL."""
    for name, value in TWILIO_ENV.items():
        monkeypatch.setenv(name, value)
    return publish_small_street(db_url)


def publish_small_street(db_url: str) -> tuple[str, int]:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with transaction(make_session_factory(engine)) as session:
            st = Street1(session)
            for name in ("甲", "乙", "丙"):
                st.person(name, windows=[("0123456", "08:00", "22:00")])
            for day in range(2):
                st.shift(day, "09:00", "11:00")
            r = rosters.generate_roster(
                session=session, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
            )
            rosters.publish_roster(session=session, roster_id=r.id, now=NOW)
            return db_url, r.id
    finally:
        engine.dispose()


def run(db_url: str, tmp_path: Path, *args: str, **env: str) -> Result:
    environment = {
        "GRIDROSTER_INSTANCE_PATH": str(tmp_path),
        "GRIDROSTER_QUIET_HOURS": "off",
        "GRIDROSTER_SMS_BACKEND": "outbox",
        **env,
    }
    return CliRunner(env=environment).invoke(main, ["--db", db_url, *args], catch_exceptions=False)


def test_notify_dispatch_once_sends_the_offers_to_the_sms_log_and_a_second_run_sends_nothing(
    published_db: tuple[str, int], tmp_path: Path
) -> None:
    db_url, roster_id = published_db
    first = run(db_url, tmp_path, "notify", "dispatch", "--once")
    assert first.exit_code == 0, first.output
    assert "sent=2" in first.output
    lines = (tmp_path / "sms-outbox.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all("/o/" in json.loads(line)["body"] for line in lines)
    second = run(db_url, tmp_path, "notify", "dispatch", "--once")
    assert "nothing due" in second.output
    status = run(db_url, tmp_path, "notify", "status", str(roster_id), "--json")
    summary = json.loads(status.output)
    assert (summary["offers_queued"], summary["sent"], summary["failed"], summary["unanswered"]) == (
        2,
        2,
        0,
        2,
    )


def test_notify_remind_and_status_of_an_unknown_roster(published_db: tuple[str, int], tmp_path: Path) -> None:
    db_url, _ = published_db
    result = run(db_url, tmp_path, "notify", "remind")
    assert result.exit_code == 0 and "reminders queued: 0" in result.output  # nobody has confirmed yet
    missing = run(db_url, tmp_path, "notify", "status", "999999")
    assert missing.exit_code == 2 and "roster_not_found" in missing.output


def test_a_bad_notification_setting_is_a_clear_error(published_db: tuple[str, int], tmp_path: Path) -> None:
    db_url, _ = published_db
    result = run(db_url, tmp_path, "notify", "dispatch", "--once", GRIDROSTER_QUIET_HOURS="nightly")
    assert result.exit_code == 2 and "GRIDROSTER_QUIET_HOURS" in result.output


def test_notify_dispatch_sends_through_twilio_when_configured(
    published_for_twilio: tuple[str, int], tmp_path: Path
) -> None:
    stub = TwilioStub()
    stub.start()
    try:
        result = run(
            published_for_twilio[0],
            tmp_path,
            "notify",
            "dispatch",
            "--once",
            GRIDROSTER_SMS_BACKEND="twilio",
            TWILIO_ACCOUNT_SID=stub.account_sid,
            TWILIO_AUTH_TOKEN=stub.auth_token,
            TWILIO_FROM_NUMBER="+15005550006",
            GRIDROSTER_TWILIO_API_BASE=stub.url,
            GRIDROSTER_PUBLIC_URL="https://gr.example.cn",
        )
    finally:
        stub.stop()
    assert result.exit_code == 0, result.output
    assert "sent=2" in result.output
    creates = stub.creates()
    assert len(creates) == 2
    form = dict(creates[0].form)
    assert "https://gr.example.cn/o/" in form["Body"]
    assert form["StatusCallback"] == "https://gr.example.cn/hooks/twilio/status"
    # +86 through Twilio takes no replies (ECOSYSTEM.md §0): the text offers the link only.
    assert "回复" not in form["Body"]
