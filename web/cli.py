"""The `gridroster` command: everything a coordinator or operator runs from a shell."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from optimizer.params import SolveParams
from scheduler.clock import Clock, iso_week, local_zone, next_monday, parse_iso_week
from scheduler.db import default_database_url, make_engine, make_session_factory, transaction
from scheduler.errors import DomainError


class Context:
    """Lazily opened database for the commands that need one."""

    def __init__(self, url: str | None) -> None:
        self.url = url or default_database_url()
        self._engine: Engine | None = None
        self.clock = Clock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def today(self) -> date:
        return self.clock.now().astimezone(local_zone()).date()


pass_ctx = click.make_pass_decorator(Context)


@click.group()
@click.option("--db", "db_url", envvar="GRIDROSTER_DATABASE_URL", default=None,
              help="Database URL (default: a SQLite file in ./instance).")
@click.pass_context
def main(ctx: click.Context, db_url: str | None) -> None:
    """gridroster: rosters for community grid shifts and emergency call-outs. 网格排班。"""
    ctx.obj = Context(db_url)
    ctx.call_on_close(ctx.obj.close)


def fail(error: DomainError) -> None:
    click.echo(f"错误 [{error.code}]: {error.message_zh}\nError [{error.code}]: {error.message_en}", err=True)
    sys.exit(2)


# --- database -------------------------------------------------------------------------------------

@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(ctx: Context) -> None:
    """Bring the database schema to the newest version."""
    from scheduler.migrate import current_revision, upgrade

    upgrade(ctx.engine)
    click.echo(f"database at revision {current_revision(ctx.engine)}")


# --- seed / import --------------------------------------------------------------------------------

@main.group()
def seed() -> None:
    """Seed data."""


@seed.command("demo")
@click.option("--people", default=3000, show_default=True, type=click.IntRange(10, 1_000_000))
@click.option("--grids", default=150, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--seed", "seed_value", default=1, show_default=True, type=int)
@pass_ctx
def seed_demo_cmd(ctx: Context, people: int, grids: int, seed_value: int) -> None:
    """Seed a realistic demo street (same seed, same data)."""
    summary = _seed(ctx, people, grids, seed_value)
    click.echo(json.dumps(summary, ensure_ascii=False))


def _seed(ctx: Context, people: int, grids: int, seed_value: int) -> dict[str, Any]:
    from scheduler.demo.generator import DemoSize, seed_demo
    from scheduler.migrate import upgrade

    upgrade(ctx.engine)
    with transaction(ctx.sessions) as session:
        s = seed_demo(session=session, size=DemoSize(people, grids, seed_value), today=ctx.today())
        return {"street_id": s.street_id, "communities": s.communities, "grids": s.grids, "people": s.people,
                "by_category": s.by_category, "templates": s.templates}


@main.group("import")
def import_group() -> None:
    """Import data from files."""


@import_group.command("people")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_people_cmd(ctx: Context, file: Path) -> None:
    """Import people and their availability from CSV or XLSX (all or nothing)."""
    from scheduler.imports import ImportRejected, import_people
    from scheduler.migrate import upgrade

    upgrade(ctx.engine)
    try:
        with transaction(ctx.sessions) as session:
            report = import_people(session=session, path_or_bytes=file, filename=file.name,
                                   now=ctx.clock.now(), actor="cli")
    except ImportRejected as rejected:
        for line in rejected.lines():
            click.echo(line, err=True)
        sys.exit(2)
    except DomainError as error:
        fail(error)
    for line in report.lines():
        click.echo(line)


# --- rosters --------------------------------------------------------------------------------------

@main.group()
def roster() -> None:
    """Generate, show, publish and re-plan rosters."""


def _street_id(session: Session, street: int | None) -> int:
    from scheduler.territory.models import Street

    if street is not None:
        return street
    first = session.scalar(select(Street.id).order_by(Street.id))
    if first is None:
        raise DomainError("no_street", "数据库里还没有街道：先运行 gridroster seed demo 或导入数据",
                          "no street yet: run `gridroster seed demo` or import data first")
    return first


def _params(seconds: float | None, workers: int, deterministic: bool) -> SolveParams:
    return SolveParams(seconds=seconds, workers=workers, deterministic=deterministic)


def roster_summary(session: Session, roster_id: int) -> dict[str, Any]:
    from scheduler.rosters import service
    from scheduler.rosters.reasons import explain

    r = service.get_roster(session=session, roster_id=roster_id)
    names = _skill_names(session)
    return {
        "roster_id": r.id, "street_id": r.street_id, "week": iso_week(r.week_start), "version": r.version,
        "status": r.status.value, "filled": r.filled, "required": r.required,
        "objective": r.objective, "bound": r.bound, "gap": r.gap, "seconds": r.seconds,
        "solve_status": r.solve_status, "breakdown": r.breakdown,
        "unmet": [{"shift_id": u.shift_id, "skill": u.skill_code, "missing": u.missing, "reason": u.reason,
                   **explain(u, names), "detail": u.detail} for u in r.unmet],
    }


def _skill_names(session: Session) -> dict[str, tuple[str, str]]:
    from scheduler.people.models import Skill

    return {s.code: (s.name_zh, s.name_en) for s in session.scalars(select(Skill))}


def print_summary(summary: dict[str, Any], *, limit: int = 20) -> None:
    gap = summary["gap"]
    click.echo(
        f"roster {summary['roster_id']} · {summary['week']} v{summary['version']} · {summary['status']}\n"
        f"filled / required: {summary['filled']} / {summary['required']}\n"
        f"objective {summary['objective']} · bound {summary['bound']} · "
        f"gap {gap * 100 if gap is not None else 0:.2f}% · {summary['seconds'] or 0:.1f} s · "
        f"{summary['solve_status']}"
    )
    unmet = summary["unmet"]
    reasons = Counter(u["reason"] for u in unmet)
    click.echo(f"unmet requirements: {len(unmet)} " + (f"({dict(reasons)})" if unmet else ""))
    for u in unmet[:limit]:
        click.echo(f"  - {u['zh']}")
    if len(unmet) > limit:
        click.echo(f"  … {len(unmet) - limit} more (gridroster roster show {summary['roster_id']} --json)")


@roster.command("generate")
@click.option("--week", default=None, help="ISO week, e.g. 2026-W49 (default: next week).")
@click.option("--street", type=int, default=None, help="Street id (default: the first street).")
@click.option("--seconds", default=None, type=click.FloatRange(0.1, 3600),
              help="Time limit (default: by the street's size, 10 s to 300 s; 60 s for 3,000 people).")
@click.option("--workers", default=0, show_default=True, type=click.IntRange(0, 64), help="0: all cores.")
@click.option("--deterministic", is_flag=True, help="One worker, fixed seed: the same roster every time.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def roster_generate(ctx: Context, week: str | None, street: int | None, seconds: float | None, workers: int,
                    deterministic: bool, as_json: bool) -> None:
    """Solve a street's week and store it as a draft roster."""
    from scheduler.rosters import service

    try:
        week_start = parse_iso_week(week) if week else next_monday(ctx.today())
        with transaction(ctx.sessions) as session:
            r = service.generate_roster(
                session=session, street_id=_street_id(session, street), week_start=week_start,
                now=ctx.clock.now(), params=_params(seconds, workers, deterministic), actor="cli",
            )
            summary = roster_summary(session, r.id)
    except DomainError as error:
        fail(error)
    _emit(summary, as_json)


def _emit(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, default=str))
    else:
        print_summary(summary)


@roster.command("show")
@click.argument("roster_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def roster_show(ctx: Context, roster_id: int, as_json: bool) -> None:
    """Show a roster: figures, and every unmet requirement with its reason."""
    try:
        with transaction(ctx.sessions) as session:
            summary = roster_summary(session, roster_id)
    except DomainError as error:
        fail(error)
    _emit(summary, as_json)


@roster.command("publish")
@click.argument("roster_id", type=int)
@pass_ctx
def roster_publish(ctx: Context, roster_id: int) -> None:
    """Publish a draft roster (one transaction); the previous version is superseded."""
    from scheduler.rosters import service

    try:
        with transaction(ctx.sessions) as session:
            r = service.publish_roster(session=session, roster_id=roster_id, now=ctx.clock.now(), actor="cli")
            click.echo(f"roster {r.id} published: {len(r.assignments)} assignments")
    except DomainError as error:
        fail(error)


@roster.command("replan")
@click.argument("roster_id", type=int)
@click.option("--seconds", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600))
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def roster_replan(ctx: Context, roster_id: int, seconds: float, as_json: bool) -> None:
    """A new draft from a published roster, changing as little as possible."""
    from scheduler.rosters import service

    try:
        with transaction(ctx.sessions) as session:
            r = service.replan(session=session, roster_id=roster_id, now=ctx.clock.now(),
                               params=SolveParams(seconds=seconds), actor="cli")
            base = service.get_roster(session=session, roster_id=roster_id)
            changes = service.diff_rosters(old=base, new=r)
            summary = roster_summary(session, r.id) | {"changes": changes}
    except DomainError as error:
        fail(error)
    _emit(summary, as_json)
    if not as_json:
        click.echo(f"changes: {len(changes['added'])} added, {len(changes['removed'])} removed")


# --- demo and serve -------------------------------------------------------------------------------

@main.command("demo")
@click.option("--no-serve", is_flag=True, help="Exit after printing the summary.")
@click.option("--people", default=1200, show_default=True, type=click.IntRange(10, 1_000_000))
@click.option("--grids", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--seconds", default=20.0, show_default=True, type=click.FloatRange(0.1, 3600))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_ctx
def demo(ctx: Context, no_serve: bool, people: int, grids: int, seconds: float, host: str, port: int) -> None:
    """Upgrade, seed the demo street if empty, generate and publish next week, then serve the web app."""
    from scheduler.migrate import upgrade
    from scheduler.rosters import service
    from scheduler.territory.models import Street

    upgrade(ctx.engine)
    with transaction(ctx.sessions) as session:
        empty = session.scalar(select(func.count()).select_from(Street)) == 0
    if empty:
        click.echo("seeding the demo street …")
        click.echo(json.dumps(_seed(ctx, people, grids, 1), ensure_ascii=False))
    week_start = next_monday(ctx.today())
    with transaction(ctx.sessions) as session:
        street_id = _street_id(session, None)
        published = service.get_published(session=session, street_id=street_id, week_start=week_start)
    if published is None:
        click.echo(f"generating the roster of {iso_week(week_start)} ({seconds:.0f} s at most) …")
        with transaction(ctx.sessions) as session:
            r = service.generate_roster(session=session, street_id=street_id, week_start=week_start,
                                        now=ctx.clock.now(), params=SolveParams(seconds=seconds),
                                        actor="demo")
            service.publish_roster(session=session, roster_id=r.id, now=ctx.clock.now(), actor="demo")
            roster_id = r.id
    else:
        roster_id = published.id
    with transaction(ctx.sessions) as session:
        print_summary(roster_summary(session, roster_id))
    _after_demo_publish(ctx)
    if no_serve:
        return
    _serve(ctx, host, port, demo=True)


def _after_demo_publish(ctx: Context) -> None:
    """Hooks later subsystems add to the demo (notification dispatch, coordinator account)."""
    click.echo("sending notifications (one dispatch pass) …")
    _notify_pass(ctx)
    _demo_account(ctx)


DEMO_USERNAME = "demo"
DEMO_PASSWORD = "gridroster-demo"  # only ever created by `gridroster demo`, on the demo street


def _demo_account(ctx: Context) -> None:
    """The demo street's coordinator, so the web app can be tried at once; its login is printed."""
    from scheduler.accounts.models import Role, StaffAccount
    from scheduler.accounts.service import create_account

    with transaction(ctx.sessions) as session:
        if session.scalar(select(StaffAccount).where(StaffAccount.username == DEMO_USERNAME)) is None:
            create_account(session=session, username=DEMO_USERNAME, password=DEMO_PASSWORD,
                           role=Role.STREET_COORDINATOR, scope_id=_street_id(session, None),
                           display_name="演示街道协调员", now=ctx.clock.now())
    click.echo(f"coordinator login 协调员登录: {DEMO_USERNAME} / {DEMO_PASSWORD}")


# --- accounts -------------------------------------------------------------------------------------

@main.group()
def account() -> None:
    """Staff accounts (district admin, street coordinator, community coordinator / grid leader)."""


@account.command("create")
@click.argument("username")
@click.option("--role", required=True,
              type=click.Choice(["district_admin", "street_coordinator", "community_coordinator"]))
@click.option("--scope", "scope_id", required=True, type=int, help="Id of the district, street or community.")
@click.option("--name", "display_name", default=None, help="Name shown in the app.")
@click.password_option(help="Asked for when not given (at least 10 characters).")
@pass_ctx
def account_create(ctx: Context, username: str, role: str, scope_id: int, display_name: str | None,
                   password: str) -> None:
    """Create a staff account scoped to a district, street or community."""
    from scheduler.accounts.service import create_account
    from scheduler.migrate import upgrade

    upgrade(ctx.engine)
    try:
        with transaction(ctx.sessions) as session:
            created = create_account(session=session, username=username, password=password, role=role,
                                     scope_id=scope_id, display_name=display_name, now=ctx.clock.now())
            click.echo(f"account {created.username} ({role}) created")
    except DomainError as error:
        fail(error)


# --- notifications --------------------------------------------------------------------------------

@main.group()
def notify() -> None:
    """Send queued SMS and invitations, queue reminders, show delivery per roster."""


def _notify_parts(ctx: Context) -> tuple[Any, Any, Any]:
    """Settings, SMS sender and mailer from the GRIDROSTER_* / TWILIO_* environment."""
    import os

    from notifications.config import ConfigError
    from scheduler.db import default_instance_path
    from scheduler.notify.jobs import parts_from_env
    from scheduler.notify.settings import SettingsError

    try:
        return parts_from_env(os.environ, instance_dir=default_instance_path())
    except (ConfigError, SettingsError) as error:
        click.echo(f"错误 / Error: {error}", err=True)
        sys.exit(2)


def _surge_pass(ctx: Context, settings: Any) -> None:
    """Surge calls first: their time-outs and escalations count in minutes (吹哨报到), and the
    offers they queue go out in the notification pass right after."""
    from scheduler.surge import service as surge

    with transaction(ctx.sessions) as session:
        data = surge.tick(session=session, now=ctx.clock.now(), settings=settings).as_dict()
    if data["expired"] or data["escalated"] or data["offers"] or data["closed"] or data["replanned"]:
        click.echo(f"surge: expired {data['expired']}, escalated {len(data['escalated'])}, asked "
                   f"{data['offers']}, closed {data['closed']}, re-planned {len(data['replanned'])}")


def _notify_pass(ctx: Context) -> None:
    from scheduler.notify.dispatch import run_pass

    settings, sms_sender, mailer = _notify_parts(ctx)
    _surge_pass(ctx, settings)
    report = run_pass(sessions=ctx.sessions, clock=ctx.clock, sms_sender=sms_sender, mailer=mailer,
                      settings=settings)
    where = getattr(sms_sender, "path", None)
    click.echo(f"notify: {report.line()}" + (f" · SMS log: {where}" if where else ""))
    if report.outcomes.get("deferred"):
        click.echo("  deferred: quiet hours (GRIDROSTER_QUIET_HOURS) or the daily SMS limit "
                   "(GRIDROSTER_SMS_DAILY_LIMIT); they go out at the next pass after that time")


@notify.command("dispatch")
@click.option("--once", is_flag=True, help="One pass, then exit (default: keep running).")
@click.option("--interval", default=30.0, show_default=True, type=click.FloatRange(1, 3600),
              help="Seconds between passes.")
@pass_ctx
def notify_dispatch(ctx: Context, once: bool, interval: float) -> None:
    """Surge time-outs and escalations, re-offer declined and unanswered shifts, queue reminders,
    send everything due."""
    while True:
        _notify_pass(ctx)
        if once:
            return
        time.sleep(interval)


@notify.command("remind")
@pass_ctx
def notify_remind(ctx: Context) -> None:
    """Queue reminders for confirmed shifts of the next two days (GRIDROSTER_REMINDERS)."""
    from scheduler.notify.flows import schedule_reminders

    settings, _sms, _mail = _notify_parts(ctx)
    with transaction(ctx.sessions) as session:
        queued = schedule_reminders(session=session, now=ctx.clock.now(), settings=settings)
    click.echo(f"reminders queued: {queued}")


@notify.command("status")
@click.argument("roster_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def notify_status(ctx: Context, roster_id: int, as_json: bool) -> None:
    """Delivery for a roster's week: sent, delivered, failed (why), confirmed, declined, unanswered."""
    from scheduler.notify.summary import roster_delivery

    try:
        with transaction(ctx.sessions) as session:
            summary = roster_delivery(session=session, roster_id=roster_id)
    except DomainError as error:
        fail(error)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    click.echo(
        f"roster {roster_id} (versions {', '.join(map(str, summary.versions))})\n"
        f"offers {summary.offers_queued} · sent {summary.sent} · delivered {summary.delivered} · "
        f"failed {summary.failed} · waiting {summary.pending}\n"
        f"confirmed {summary.confirmed} · declined {summary.declined} · unanswered {summary.unanswered}"
    )
    for f in summary.failures:
        click.echo(f"  ✗ {f.person} {f.recipient} {f.kind}/{f.channel}: {f.reason} ({f.code})")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_ctx
def serve(ctx: Context, host: str, port: int) -> None:
    """Run the web app with the development server (production: gunicorn 'web:create_app()')."""
    _serve(ctx, host, port, demo=False)


def _serve(ctx: Context, host: str, port: int, *, demo: bool) -> None:
    from web import create_app

    app = create_app({"DATABASE_URL": ctx.url})
    if not os.environ.get("GRIDROSTER_REDIS_URL"):
        _start_inprocess_dispatcher(ctx)
    click.echo(f"gridroster web app on http://{host}:{port}/")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


def _start_inprocess_dispatcher(
    ctx: Context, interval: float = 30.0, stop: threading.Event | None = None
) -> threading.Thread:
    """The embedded default: the same dispatch pass as `gridroster notify dispatch`, in a thread of
    the web process, so declines are re-offered and messages go out without a second command."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                _notify_pass(ctx)
            except Exception as exc:  # a failed pass must not stop the next one
                click.echo(f"notify: pass failed: {exc.__class__.__name__}: {exc}", err=True)
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="gridroster-dispatcher", daemon=True)
    thread.start()
    return thread


# --- benchmarks -----------------------------------------------------------------------------------

@main.group()
def bench() -> None:
    """Benchmarks that print figures (never timed tests)."""


def bench_machine() -> dict[str, Any]:
    """What a benchmark figure was measured on: the code's commit and the machine's cores."""
    import subprocess

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).resolve().parent,
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    return {"commit": commit, "cores": os.cpu_count() or 1}


@bench.command("curtois")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--seconds", default=60.0, show_default=True, type=click.FloatRange(0.1, 36000))
@click.option("--workers", default=0, show_default=True, type=click.IntRange(0, 64))
@click.option("--json", "as_json", is_flag=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Roster CSV to write.")
@click.option("--seed", "seed_value", default=1, show_default=True, type=int, help="CP-SAT's random seed.")
def bench_curtois(file: Path, seconds: float, workers: int, as_json: bool, out: Path | None,
                  seed_value: int) -> None:
    """Solve a Curtois & Qu instance with the same optimizer and check it independently."""
    from optimizer.bench_curtois import run_curtois

    result = run_curtois(file, seconds=seconds, workers=workers, out=out, seed=seed_value)
    result |= {"seed": seed_value} | bench_machine()
    click.echo(json.dumps(result) if as_json else "  ".join(f"{k}={v}" for k, v in result.items()))


@bench.command("street")
@click.option("--people", default=3000, show_default=True, type=click.IntRange(10, 1_000_000))
@click.option("--grids", default=150, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--days", default=7, show_default=True, type=click.IntRange(7, 7))
@click.option("--seconds", default=60.0, show_default=True, type=click.FloatRange(0.1, 36000))
@click.option("--workers", default=0, show_default=True, type=click.IntRange(0, 64))
@click.option("--seed", "seed_value", default=1, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
def bench_street(people: int, grids: int, days: int, seconds: float, workers: int, seed_value: int,
                 as_json: bool) -> None:
    """A generated street (the demo generator) solved end to end in memory."""
    from scheduler.bench import run_street

    result = run_street(people=people, grids=grids, seconds=seconds, workers=workers, seed=seed_value)
    result |= bench_machine()
    click.echo(json.dumps(result) if as_json else "  ".join(f"{k}={v}" for k, v in result.items()))


@bench.command("resilience")
@click.option("--people", default=1200, show_default=True, type=click.IntRange(10, 1_000_000))
@click.option("--grids", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--rates", default="10,20,30", show_default=True, help="Percent of people who drop out.")
@click.option("--samples", default=20, show_default=True, type=int, help="Scenarios per rate (seeded).")
@click.option("--solve-seconds", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Time for generating the roster that is checked (not part of the figure).")
@click.option("--seed", "seed_value", default=1, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
def bench_resilience(people: int, grids: int, rates: str, samples: int, solve_seconds: float, seed_value: int,
                     as_json: bool) -> None:
    """韧性: the demo generator's street rostered in memory, then `roster resilience` timed on it."""
    from scheduler.resilience import service as resilience
    from scheduler.resilience.bench import run_resilience

    try:
        result = run_resilience(people=people, grids=grids, rates=resilience.parse_rates(rates),
                                samples=samples, solve_seconds=solve_seconds, seed=seed_value)
    except DomainError as error:
        fail(error)
    result |= bench_machine() | {"load_average": [round(x, 2) for x in os.getloadavg()]}
    click.echo(json.dumps(result, ensure_ascii=False) if as_json
               else "  ".join(f"{k}={v}" for k, v in result.items()))


# --- ledgers and resilience (scheduler/ledgers, scheduler/resilience) -----------------------------
# gridroster report ledger --period day|week|month --date D [--street S] --format xlsx|pdf|csv --out FILE
# gridroster roster resilience ID [--rates 10,20,30] [--samples N] [--seed N] --json

@main.group()
def report() -> None:
    """Ledgers (日报 / 周报 / 月报台账) with assessment, exported as XLSX, PDF or CSV."""


@report.command("ledger")
@click.option("--period", required=True, help="day, week or month (日报 / 周报 / 月报).")
@click.option("--date", "day", required=True, help="A date inside the period, e.g. 2026-12-01.")
@click.option("--street", type=int, default=None, help="Street id (default: every street).")
@click.option("--format", "fmt", default=None, help="xlsx, pdf or csv (default: the suffix of --out).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@pass_ctx
def report_ledger(
    ctx: Context, period: str, day: str, street: int | None, fmt: str | None, out: Path
) -> None:
    """Write the ledger of a day, week or month; periods that have not begun are refused."""
    from scheduler.ledgers import export
    from scheduler.ledgers import service as ledgers
    from scheduler.ledgers.periods import parse_date

    try:
        chosen = export.parse_format(fmt or out.suffix.lstrip(".") or "?")
        when = parse_date(day)
        with transaction(ctx.sessions) as session:
            ledger = ledgers.build_ledger(session=session, kind=period, day=when, now=ctx.clock.now(),
                                          street_id=street)
            size = export.write(ledger, chosen, out)
    except DomainError as error:
        fail(error)
    streets = ledger.units[0].figures if len(ledger.streets) == 1 else None
    click.echo(f"{ledger.period.label_zh} · {ledger.scope_zh} → {out} ({chosen.value}, {size} bytes)")
    if streets is not None:
        coverage = "—" if streets.coverage is None else f"{streets.coverage * 100:.1f}%"
        click.echo(f"shifts {streets.shifts} · required {streets.required} · filled {streets.filled} · "
                   f"coverage {coverage} · attended {streets.attended} · no-shows {streets.no_shows}")


@roster.command("resilience")
@click.argument("roster_id", type=int)
@click.option("--rates", default="10,20,30", show_default=True, help="Percent of people who drop out.")
@click.option("--samples", default=20, show_default=True, type=int, help="Scenarios per rate (seeded).")
@click.option("--seed", "seed_value", default=1, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def roster_resilience(ctx: Context, roster_id: int, rates: str, samples: int, seed_value: int,
                      as_json: bool) -> None:
    """韧性: expected coverage if a share of people drop out, what breaks first, standby that restores it."""
    from scheduler.resilience import service as resilience

    try:
        with transaction(ctx.sessions) as session:
            result = resilience.resilience(
                session=session, roster_id=roster_id, rates=resilience.parse_rates(rates), samples=samples,
                seed=seed_value,
            )
    except DomainError as error:
        fail(error)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    click.echo(f"roster {result.roster_id} · {result.week} · {result.people} people · "
               f"{result.required} heads · baseline {result.baseline_filled} filled · {result.seconds:.1f} s")
    for r in result.rates:
        standby = ", ".join(f"{result.skill_names.get(k, k)} {n}" for k, n in r.standby.items()) or "—"
        how = "exact" if r.exact else "sampled"
        click.echo(f"  {r.rate:g}% lost ({r.removed} people, {r.scenarios} {how}): "
                   f"coverage {r.coverage * 100:.1f}% (worst {r.worst * 100:.1f}%, without re-planning "
                   f"{r.coverage_without_repair * 100:.1f}%) · standby {standby} "
                   f"restores {r.restored * 100:.0f}%")
    for label, breaks in (("grids", result.grids_breaking), ("skills", result.skills_breaking)):
        first = ", ".join(f"{b.name} at {b.rate:g}% ({b.coverage * 100:.1f}%)" for b in breaks[:5]) or "none"
        click.echo(f"  {label} breaking first: {first}")

# --- end of ledgers and resilience ----------------------------------------------------------------


# Commands kept in their own modules; they import `main`, `bench` and `pass_ctx` from here.
from web import cli_city, cli_surge  # noqa: E402,F401

if __name__ == "__main__":
    main()

