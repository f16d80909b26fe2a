"""Start background jobs from a request: on the RQ solve queue (GRIDROSTER_REDIS_URL), a worker thread
(embedded default) or inline (tests)."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from optimizer.params import SolveParams
from scheduler.jobs import tasks
from scheduler.jobs.queue import Runner
from scheduler.rosters import jobs as roster_jobs

log = logging.getLogger(__name__)


def submit_generate(job_id: int) -> None:
    """Run a queued roster job: on RQ when REDIS_URL is set, else JOB_RUNNER "thread" (default),
    "inline" (tests) or "none" (left queued)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = app.config["JOB_RUNNER"]
    if mode == "none":
        return
    if app.config.get("REDIS_URL") and mode != "inline":
        runner = Runner(app.config["REDIS_URL"])
        try:
            tasks.submit_roster_job(runner, job_id=job_id, database_url=app.config.get("DATABASE_URL"))
        finally:
            runner.close()
        return
    if mode == "inline":
        _run(app, job_id, watch_stop=False)
        return
    threading.Thread(
        target=_run, args=(app, job_id), kwargs={"watch_stop": True}, daemon=True, name=f"roster-job-{job_id}"
    ).start()


def _run(app: Flask, job_id: int, *, watch_stop: bool) -> None:
    params: SolveParams | None = app.config.get("SOLVE_PARAMS")
    try:
        roster_jobs.run_generate_job(
            sessions=app.extensions["gridroster.session_factory"],
            job_id=job_id,
            clock=app.config["CLOCK"],
            params=params,
            watch_stop=watch_stop,
        )
    except Exception:  # already recorded on the job row as FAILED; the page shows it
        log.exception("roster job %s failed", job_id)
        if app.config["JOB_RUNNER"] == "inline":
            raise
