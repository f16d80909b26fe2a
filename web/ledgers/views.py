"""Ledger pages (日报/周报/月报) with charts and downloads, and the resilience check of a roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from scheduler.accounts import service as accounts
from scheduler.clock import local_zone
from scheduler.errors import DomainError, NotFound
from scheduler.ledgers import export
from scheduler.ledgers import service as ledgers
from scheduler.ledgers.periods import PeriodKind, parse_date
from scheduler.ledgers.sections import format_cell, sections
from scheduler.ledgers.service import Ledger
from scheduler.resilience import service as resilience
from scheduler.rosters import service as rosters
from scheduler.rosters.planning import LIVE
from scheduler.territory.models import Community, Street
from web.auth.access import community_ids, ensure_street_in_scope, scope, staff_required
from web.config import now
from web.database import db
from web.i18n import message_of
from web.ledgers.charts import ledger_charts
from web.ledgers.scope import narrow

bp = Blueprint("ledgers", __name__)

KINDS = (PeriodKind.DAY.value, PeriodKind.WEEK.value, PeriodKind.MONTH.value)


@dataclass(frozen=True)
class Choice:
    """What the form asked for, echoed back into it (also when the ledger was refused)."""

    street_id: int
    kind: str
    day: str


def _street_id(streets: list[Street]) -> int:
    arg = request.args.get("street", "")
    if arg.isascii() and arg.isdigit() and len(arg) < 10:
        return int(arg)
    return streets[0].id


def _choice() -> Choice:
    streets = accounts.streets_in_scope(session=db(), scope=scope())
    if not streets:
        raise accounts.forbidden()
    street_id = _street_id(streets)
    ensure_street_in_scope(street_id, whole=False)
    kind = request.args.get("kind", PeriodKind.WEEK.value)
    today = now().astimezone(local_zone()).date()
    return Choice(street_id, kind, request.args.get("date", "").strip()[:20] or today.isoformat())


def _ledger(choice: Choice) -> Ledger:
    """The street's ledger, narrowed to a community coordinator's communities; DomainError if refused."""
    day: date = parse_date(choice.day)
    ledger = ledgers.build_ledger(
        session=db(), kind=choice.kind, day=day, now=now(), street_id=choice.street_id
    )
    if scope().whole_streets:
        return ledger
    mine = [db().get(Community, i) for i in community_ids()]
    return narrow(ledger, [c for c in mine if c is not None and c.street_id == choice.street_id])


@bp.get("/ledgers")
@staff_required
def ledger() -> ResponseReturnValue:
    choice = _choice()
    error = None
    built: Ledger | None = None
    try:
        built = _ledger(choice)
    except DomainError as err:
        if isinstance(err, NotFound):
            raise
        error = message_of(err)
    parts = sections(built) if built else []
    tables = [
        (p, [[format_cell(v, c.kind) for v, c in zip(row, p.columns, strict=True)] for row in p.rows])
        for p in parts
        if p.key != "summary"
    ]
    return render_template(
        "ledgers/ledger.html",
        streets=accounts.streets_in_scope(session=db(), scope=scope()),
        choice=choice,
        kinds=KINDS,
        ledger=built,
        summary=parts[0] if parts else None,
        tables=tables,
        charts=ledger_charts(built) if built else [],
        formats=[f.value for f in export.Format],
        error=error,
    ), (400 if error else 200)


@bp.get("/ledgers/export")
@staff_required
def download() -> ResponseReturnValue:
    choice = _choice()
    fmt = export.parse_format(request.args.get("format", ""))
    built = _ledger(choice)
    data = export.render(built, fmt)
    period = built.period
    name = f"ledger-{period.kind.value}-{period.start.isoformat()}-street{choice.street_id}.{fmt.value}"
    mimetypes = {
        export.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export.Format.CSV: "text/csv; charset=utf-8",
        export.Format.PDF: "application/pdf",
    }
    return Response(
        data,
        mimetype=mimetypes[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# Why a limit: the check runs in the request. It repairs each scenario incrementally, so the
# default check of the 1,200-person demo (about 2,400 assignments) takes about 10 s on 2 busy cores
# (`gridroster bench resilience`); far larger rosters are checked with the CLI.
DEFAULT_RESILIENCE_MAX_ASSIGNMENTS = 3000


@bp.get("/rosters/<int:roster_id>/resilience")
@staff_required
def roster_resilience(roster_id: int) -> ResponseReturnValue:
    """Runs in the request (a read-only simulation) for rosters up to RESILIENCE_MAX_ASSIGNMENTS."""
    roster = rosters.get_roster(session=db(), roster_id=roster_id)
    ensure_street_in_scope(roster.street_id, whole=False)
    rates_text = request.args.get("rates", "10,20,30")[:100]
    samples_text = request.args.get("samples", str(resilience.DEFAULT_SAMPLES))[:10]
    report = None
    error = None
    size = sum(1 for a in roster.assignments if a.status in LIVE)
    too_large = size > current_app.config.get(
        "RESILIENCE_MAX_ASSIGNMENTS", DEFAULT_RESILIENCE_MAX_ASSIGNMENTS
    )
    if request.args.get("run") and not too_large:
        try:
            if not (samples_text.isascii() and samples_text.isdigit()):
                raise DomainError("bad_samples", "模拟次数应为整数", "samples must be a whole number")
            report = resilience.resilience(
                session=db(),
                roster_id=roster.id,
                rates=resilience.parse_rates(rates_text),
                samples=int(samples_text),
            )
        except DomainError as err:
            error = message_of(err)
    return render_template(
        "ledgers/resilience.html",
        roster=roster,
        rates_text=rates_text,
        samples_text=samples_text,
        report=report,
        error=error,
        too_large=too_large,
        size=size,
    ), (400 if error else 200)
