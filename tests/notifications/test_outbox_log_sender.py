"""The embedded outbox-log sender: one JSON line per message, numbers masked, lookup by key."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from notifications.messages import Sms
from notifications.sms.base import SmsSender, mask_phone
from notifications.sms.outbox_log import OutboxLogSmsSender

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
OFFER = Sms(
    to="+8613812345678", body="李雷：12月26日周六08:00-12:00 幸福里社区第3网格 巡查。", key="offer:7:0"
)


def test_send_appends_one_line_with_the_number_masked_and_the_body_whole(tmp_path: Path) -> None:
    log = tmp_path / "sms-outbox.jsonl"
    sender = OutboxLogSmsSender(path=log, clock=lambda: T0)
    receipt = sender.send(OFFER)
    sender.send(Sms(to="+8613900001111", body="第二条", key="offer:8:0", urgent=True))
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first == {
        "at": T0.isoformat(),
        "id": receipt.provider_id,
        "key": "offer:7:0",
        "to": "+86138****5678",
        "body": OFFER.body,
        "urgent": False,
    }
    assert "13812345678" not in log.read_text(encoding="utf-8")
    assert (receipt.provider, receipt.status) == ("outbox", "logged")


def test_lookup_finds_a_logged_message_by_key_since_a_time(tmp_path: Path) -> None:
    sender = OutboxLogSmsSender(path=tmp_path / "log.jsonl", clock=lambda: T0)
    receipt = sender.send(OFFER)
    assert sender.lookup(OFFER, since=T0 - timedelta(minutes=1)) == receipt
    assert sender.lookup(OFFER, since=T0 + timedelta(minutes=1)) is None
    other = Sms(to=OFFER.to, body=OFFER.body, key="offer:7:1")
    assert sender.lookup(other, since=T0 - timedelta(minutes=1)) is None


def test_lookup_on_a_missing_log_or_a_torn_last_line_finds_nothing_rather_than_failing(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log.jsonl"
    sender = OutboxLogSmsSender(path=log, clock=lambda: T0)
    assert sender.lookup(OFFER, since=T0) is None
    log.write_text('{"key": "offer:7:0", "at": "2026-11', encoding="utf-8")  # crash mid-write
    assert sender.lookup(OFFER, since=T0 - timedelta(days=1)) is None


def test_the_outbox_log_sender_satisfies_the_sms_sender_protocol(tmp_path: Path) -> None:
    assert isinstance(OutboxLogSmsSender(path=tmp_path / "x"), SmsSender)


def test_mask_phone_keeps_prefix_and_last_four() -> None:
    assert mask_phone("+8613812345678") == "+86138****5678"
    assert mask_phone("+14155550123") == "+141****0123"
    assert mask_phone("12345") == "****45"
