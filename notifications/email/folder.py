"""Embedded default mailer: writes each message as an .eml file into an outbox folder."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from notifications.email.invite import build_message
from notifications.messages import DeliveryError, Email, Receipt

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def file_name(key: str) -> str:
    """Readable and unique per key, so sending the same message again overwrites it."""
    readable = _UNSAFE.sub("_", key).strip("._")[:80] or "message"
    return f"{readable}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.eml"


class FolderMailer:
    provider = "folder"

    def __init__(self, *, directory: Path, mail_from: str, clock: Callable[[], datetime] = _utc_now) -> None:
        self._directory = directory
        self._mail_from = mail_from
        self._clock = clock

    def send(self, email: Email) -> Receipt:
        msg = build_message(email, mail_from=self._mail_from, now=self._clock())
        target = self._directory / file_name(email.key)
        tmp = target.with_suffix(".eml.tmp")
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(msg.as_bytes())
            # Rename is atomic: a reader never sees half a message, a re-send replaces the file.
            os.replace(tmp, target)
        except OSError as exc:
            raise DeliveryError(f"cannot write {target}: {exc}", code="folder_write") from exc
        return Receipt(provider_id=target.name, status="written", provider=self.provider)
