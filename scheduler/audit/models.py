"""The audit log: who changed what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.db import AwareDateTime, Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # "coordinator:3", "person:17", "system", "cli"
    action: Mapped[str] = mapped_column(String(64))  # "roster.publish", "people.import", ...
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
