"""The surge tick as a job (RQ worker or cron): its own engine, one transaction, safe to run again."""

from __future__ import annotations

from typing import Any

from scheduler.clock import Clock
from scheduler.db import own_sessions, transaction
from scheduler.surge.dispatch import tick


def surge_tick(database_url: str | None = None, clock: Clock | None = None) -> dict[str, Any]:
    """Run everything due now (time-outs, escalation, offers, rolling blocks, re-plans); a second run
    at the same time changes nothing. Meant for the surge queue, every minute (吹哨报到 counts minutes)."""
    with own_sessions(database_url) as sessions, transaction(sessions) as session:
        return tick(session=session, now=(clock or Clock()).now()).as_dict()
