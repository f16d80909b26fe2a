"""The commands an operator runs: `gridroster worker`, `gridroster bench city`, and the web app on RQ."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from redis import Redis
from rq import Queue

from scheduler.db import make_engine, make_session_factory
from scheduler.jobs.models import JobStatus
from scheduler.jobs.queue import NOTIFY, SOLVE, SURGE
from scheduler.migrate import upgrade
from tests.city.conftest import GRIDROSTER, Workers, wait_until
from tests.city.support import job_row, roster_count, tiny_street_job
from web import create_app
from web.jobs import submit_generate


def run(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GRIDROSTER), *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_worker_without_redis_says_what_to_set() -> None:
    env = {k: v for k, v in os.environ.items() if k != "GRIDROSTER_REDIS_URL"}
    done = run(["worker", "--burst"], env, timeout=60)
    assert done.returncode == 2 and "GRIDROSTER_REDIS_URL" in done.stderr


def test_worker_refuses_an_unknown_queue(redis_url: str) -> None:
    env = dict(os.environ, GRIDROSTER_REDIS_URL=redis_url)
    done = run(["worker", "--queues", "solve,fast", "--burst"], env)
    assert done.returncode == 2 and "fast" in done.stderr


def test_bench_city_refuses_sqlite(redis_url: str, tmp_path: Path) -> None:
    env = dict(os.environ, GRIDROSTER_REDIS_URL=redis_url, GRIDROSTER_DATABASE_URL=f"sqlite:///{tmp_path}/b.db")
    done = run(["bench", "city", "--streets", "1", "--json"], env, timeout=60)
    assert done.returncode == 2 and "PostgreSQL" in done.stderr


def test_bench_city_starts_its_workers_solves_the_city_and_prints_the_figures(
    redis_url: str, pg_url: str
) -> None:
    env = dict(os.environ, GRIDROSTER_REDIS_URL=redis_url, GRIDROSTER_DATABASE_URL=pg_url)
    args = ["bench", "city", "--streets", "2", "--people-per-street", "100", "--workers", "2",
            "--seconds-per-street", "1", "--reset", "--json"]
    done = run(args, env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"streets", "people", "shifts", "workers", "seconds", "filled", "required", "gap"} <= out.keys()
    assert out["streets"] == 2 and out["workers"] == 2 and out["people"] == 202
    assert 0 < out["filled"] <= out["required"] and out["shifts"] > 0
    assert out["failed_streets"] == 0 and out["double_bookings"] == 0
    connection = Redis.from_url(redis_url)
    assert not connection.smembers("rq:workers")  # it stopped the workers it started
    connection.close()


def test_the_web_app_puts_solves_on_the_solve_queue_when_redis_is_configured(
    redis_url: str, pg_url: str, workers: Workers
) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    street_id, job_id = tiny_street_job(sessions)
    app = create_app(
        {"ENV": "testing", "SECRET_KEY": "test-secret", "DATABASE_URL": pg_url, "REDIS_URL": redis_url}
    )
    with app.app_context():
        submit_generate(job_id)
    connection = Redis.from_url(redis_url)
    assert Queue(SOLVE, connection=connection).count == 1
    assert job_row(sessions, job_id).status is JobStatus.QUEUED  # no thread in the web process ran it
    workers.run_burst(SOLVE)
    assert job_row(sessions, job_id).status is JobStatus.SUCCEEDED, workers.log()
    assert roster_count(sessions, street_id) == 1
    connection.close()
    app.extensions["gridroster.engine"].dispose()
    engine.dispose()


def test_cron_enqueues_the_sweep_on_the_notify_queue_and_the_surge_tick_on_the_surge_queue(
    redis_url: str,
) -> None:
    env = dict(os.environ, GRIDROSTER_REDIS_URL=redis_url)
    proc = subprocess.Popen([str(GRIDROSTER), "cron", "--every", "5"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    connection = Redis.from_url(redis_url)
    try:
        queue = Queue(NOTIFY, connection=connection)
        wait_until(lambda: queue.count >= 1, 30, "the first sweep")
        job = queue.jobs[0]
        assert job.func_name == "scheduler.jobs.tasks.sweep" and job.kwargs["redis_url"] == redis_url
        surge = Queue(SURGE, connection=connection)
        wait_until(lambda: surge.count >= 1, 30, "the first surge tick")
        assert surge.jobs[0].func_name == "scheduler.surge.jobs.surge_tick"
    finally:
        proc.terminate()
        proc.wait(30)
        connection.close()
