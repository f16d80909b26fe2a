"""Write audit entries in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from scheduler.audit.models import AuditEntry


def record(
    *,
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        detail=detail or {},
    )
    session.add(entry)
    return entry
