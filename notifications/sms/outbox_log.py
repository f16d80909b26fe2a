"""Embedded default sender: appends what it would send to an outbox log, one JSON line each."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from notifications.messages import DeliveryError, Receipt, Sms
from notifications.sms.base import mask_phone


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OutboxLogSmsSender:
    """Writes {"at", "key", "to" (masked), "body", "urgent", "id"} lines instead of sending."""

    provider = "outbox"

    def __init__(self, *, path: Path, clock: Callable[[], datetime] = _utc_now) -> None:
        self._path = path
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self._path

    def send(self, sms: Sms) -> Receipt:
        provider_id = "log-" + hashlib.sha256(sms.key.encode()).hexdigest()[:20]
        record = {
            "at": self._clock().astimezone(UTC).isoformat(),
            "id": provider_id,
            "key": sms.key,
            # Personal data never goes into a log unmasked; the body is kept whole because it is
            # what an operator checks (length, wording), and it holds no phone number (CHINA.md §4).
            "to": mask_phone(sms.to),
            "body": sms.body,
            "urgent": sms.urgent,
        }
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                # One write() on an O_APPEND descriptor: lines from several worker processes
                # cannot interleave inside each other.
                fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
        except OSError as exc:
            raise DeliveryError(f"cannot write SMS outbox log {self._path}: {exc}", code="log_write") from exc
        return Receipt(provider_id=provider_id, status="logged", provider=self.provider)

    def lookup(self, sms: Sms, *, since: datetime) -> Receipt | None:
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DeliveryError(f"cannot read SMS outbox log {self._path}: {exc}", code="log_read") from exc
        for raw in text.splitlines():
            try:
                record = json.loads(raw)
            except json.JSONDecodeError:
                continue  # a torn last line after a crash mid-write: that write did not happen
            if record.get("key") != sms.key:
                continue
            if datetime.fromisoformat(record["at"]) < since:
                continue
            return Receipt(provider_id=record["id"], status="logged", provider=self.provider)
        return None
