"""`gridroster worker` and `gridroster bench city`: jobs on RQ workers and partitioned city solves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select, text

from optimizer.params import SolveParams
from scheduler.clock import iso_week, next_monday, parse_iso_week
from scheduler.db import transaction
from scheduler.errors import DomainError
from web.cli import Context, bench, bench_machine, fail, main, pass_ctx


def _redis_url() -> str:
    from scheduler.jobs.queue import redis_url_from_env

    url = redis_url_from_env()
    if not url:
        click.echo("错误: 未设置 GRIDROSTER_REDIS_URL\nError: GRIDROSTER_REDIS_URL is not set "
                   "(e.g. redis://127.0.0.1:6379/0)", err=True)
        sys.exit(2)
    return url


def _queues(text_value: str) -> list[str]:
    from scheduler.jobs.queue import QUEUES

    names = [q.strip() for q in text_value.split(",") if q.strip()]
    unknown = [q for q in names if q not in QUEUES]
    if not names or unknown:
        raise click.BadParameter(f"queues are {', '.join(QUEUES)}; not {', '.join(unknown) or 'none'}")
    return names


@main.command("worker")
@click.option("--queues", default="solve,surge,notify,ledger", show_default=True,
              help="Comma-separated queues, first = most urgent (solve, surge, notify, ledger).")
@click.option("--burst", is_flag=True, help="Exit once the queues are empty.")
@click.option("--name", default=None, help="Worker name (default: host and pid).")
def worker(queues: str, burst: bool, name: str | None) -> None:
    """Run an RQ worker on GRIDROSTER_REDIS_URL: one forked work-horse per job. 后台任务进程。"""
    from scheduler.jobs.queue import make_worker

    w = make_worker(_redis_url(), _queues(queues), name=name)
    # with_scheduler: RQ's scheduler re-enqueues jobs whose Retry has an interval.
    w.work(burst=burst, with_scheduler=True, logging_level="INFO")


@main.command("cron")
@click.option("--every", default=30, show_default=True, type=click.IntRange(5, 3600),
              help="Seconds between sweeps.")
@pass_ctx
def cron(ctx: Context, every: int) -> None:
    """Every N seconds: the surge tick (time-outs, escalation) on the surge queue, and the sweep
    (lost jobs, then a notification pass) on the notify queue."""
    from redis import Redis
    from rq.cron import CronScheduler

    from scheduler.jobs import tasks
    from scheduler.jobs.queue import NOTIFY, SURGE
    from scheduler.surge.jobs import surge_tick

    url = _redis_url()
    scheduler = CronScheduler(connection=Redis.from_url(url))
    scheduler.register(surge_tick, SURGE, kwargs={"database_url": ctx.url}, interval=every, job_timeout=300)
    scheduler.register(tasks.sweep, NOTIFY, kwargs={"database_url": ctx.url, "redis_url": url},
                       interval=every, job_timeout=900)
    scheduler.start()


@main.group("jobs")
def jobs_group() -> None:
    """Background jobs (stored in the database)."""


@jobs_group.command("retry")
@click.argument("job_id", type=int)
@click.option("--seconds", type=click.FloatRange(0.1, 3600), default=None, help="A new solve time limit.")
@pass_ctx
def jobs_retry(ctx: Context, job_id: int, seconds: float | None) -> None:
    """Run a failed-and-retryable job again (its worker died); on RQ when GRIDROSTER_REDIS_URL is set."""
    from scheduler.jobs.queue import Runner, redis_url_from_env
    from scheduler.jobs.tasks import retry_job

    runner = Runner(redis_url_from_env())
    try:
        ok = retry_job(runner, job_id=job_id, database_url=ctx.url,
                       params={"seconds": seconds} if seconds else None)
    finally:
        runner.close()
    if not ok:
        click.echo(f"错误: 任务 {job_id} 不可重试\nError: job {job_id} is not a failed, retryable job",
                   err=True)
        sys.exit(2)
    click.echo(f"job {job_id} queued again" if runner.distributed else f"job {job_id} run again")


@main.group("city")
def city() -> None:
    """Partitioned city solves: one job per street, then the join. 全市分街道排班。"""


def _week(ctx: Context, week: str | None) -> Any:
    return parse_iso_week(week) if week else next_monday(ctx.today())


@city.command("solve")
@click.option("--week", default=None, help="ISO week, e.g. 2026-W49 (default: next week).")
@click.option("--seconds-per-street", default=30.0, show_default=True, type=click.FloatRange(0.1, 3600))
@click.option("--district", type=int, default=None, help="Only this district's streets.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def city_solve(ctx: Context, week: str | None, seconds_per_street: float, district: int | None,
               as_json: bool) -> None:
    """Draft every street's week: on RQ workers with GRIDROSTER_REDIS_URL, else here one by one."""
    from scheduler.city.solve import run_city_solve
    from scheduler.jobs.queue import Runner, redis_url_from_env

    runner = Runner(redis_url_from_env())
    try:
        result = run_city_solve(sessions=ctx.sessions, runner=runner, database_url=ctx.url,
                                week_start=_week(ctx, week), now=ctx.clock.now(),
                                seconds=seconds_per_street, district_id=district)
    except DomainError as error:
        fail(error)
    finally:
        runner.close()
    out = result.as_dict()
    click.echo(json.dumps(out) if as_json else "  ".join(f"{k}={v}" for k, v in out.items()))


@city.command("compare")
@click.option("--week", default=None, help="ISO week (default: next week).")
@click.option("--seconds-per-street", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600))
@click.option("--deterministic", is_flag=True)
@pass_ctx
def city_compare(ctx: Context, week: str | None, seconds_per_street: float, deterministic: bool) -> None:
    """Quality cost of partitioning: one solve of the whole city against the street parts (small cities)."""
    from scheduler.city.quality import compare

    params = SolveParams(seconds=seconds_per_street, deterministic=deterministic)
    with transaction(ctx.sessions) as session:
        out = compare(session=session, week_start=_week(ctx, week), params=params)
    click.echo(json.dumps(out | bench_machine()))


def _gridroster_command() -> list[str]:
    script = Path(sys.executable).with_name("gridroster")
    return [str(script)] if script.exists() else [sys.executable, "-m", "web.cli"]


def start_workers(count: int, queues: str, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [*_gridroster_command(), "worker", "--queues", queues, "--name", f"bench-{os.getpid()}-{i}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]


def stop_workers(procs: list[subprocess.Popen[bytes]], timeout: float = 30) -> None:
    """Warm shutdown (SIGTERM: finish the current job), then kill what is left."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@bench.command("city")
@click.option("--streets", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--people-per-street", default=3000, show_default=True, type=click.IntRange(50, 100_000))
@click.option("--grids-per-street", default=None, type=click.IntRange(1, 10_000),
              help="Default: one grid per 20 people (the demo street's ratio).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="`gridroster worker` processes to start.")
@click.option("--seconds-per-street", default=20.0, show_default=True, type=click.FloatRange(0.1, 3600))
@click.option("--reset", is_flag=True, help="Empty the database and solve queue first (bench only).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def bench_city(ctx: Context, streets: int, people_per_street: int, grids_per_street: int | None, workers: int,
               seconds_per_street: float, reset: bool, as_json: bool) -> None:
    """Seed a city, solve it partitioned on W RQ workers it starts, print the figures."""
    from scheduler.city.seed import CitySize, seed_city
    from scheduler.city.solve import run_city_solve
    from scheduler.jobs.queue import SOLVE, Runner
    from scheduler.migrate import upgrade
    from scheduler.rosters.models import Shift
    from scheduler.territory.models import Street

    redis_url = _redis_url()
    if not ctx.url.startswith("postgresql"):
        click.echo("错误: 需要 PostgreSQL（GRIDROSTER_DATABASE_URL）\nError: bench city needs PostgreSQL in "
                   "GRIDROSTER_DATABASE_URL (SQLite has one writer)", err=True)
        sys.exit(2)
    runner = Runner(redis_url)
    if reset:
        with ctx.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        runner.queue(SOLVE).empty()
    upgrade(ctx.engine)
    with transaction(ctx.sessions) as session:
        if session.scalar(select(Street.id).limit(1)) is not None:
            click.echo("错误: 数据库中已有街道，请加 --reset\nError: the database has streets already; "
                       "use a bench database and --reset", err=True)
            sys.exit(2)
    size = CitySize(streets, people_per_street, grids_per_street or max(1, people_per_street // 20))
    seed_started = time.monotonic()
    with transaction(ctx.sessions) as session:
        summary = seed_city(session=session, size=size, today=ctx.today())
    seed_seconds = time.monotonic() - seed_started
    env = dict(os.environ, GRIDROSTER_DATABASE_URL=ctx.url, GRIDROSTER_REDIS_URL=redis_url)
    procs = start_workers(workers, SOLVE, env)
    try:
        week = next_monday(ctx.today())
        result = run_city_solve(sessions=ctx.sessions, runner=runner, database_url=ctx.url, week_start=week,
                                now=ctx.clock.now(), seconds=seconds_per_street,
                                solver_workers=max(1, (os.cpu_count() or 1) // workers),
                                timeout=streets * seconds_per_street * 4 + 600)
    except DomainError as error:
        fail(error)
    finally:
        stop_workers(procs)
        runner.close()
    with transaction(ctx.sessions) as session:
        shifts = session.scalar(select(func.count()).select_from(Shift)) or 0
    out = {
        "streets": streets,
        "people": summary.people,
        "shifts": shifts,
        "workers": workers,
        "seconds": round(result.seconds, 1),
        "filled": result.filled,
        "required": result.required,
        "gap": round(result.gap, 4),
        "week": iso_week(week),
        "seconds_per_street": seconds_per_street,
        "seed_seconds": round(seed_seconds, 1),
        "failed_streets": len(result.failed),
        "double_bookings": result.double_bookings,
        "district_people": summary.district_people,
    } | bench_machine()
    click.echo(json.dumps(out) if as_json else "  ".join(f"{k}={v}" for k, v in out.items()))
