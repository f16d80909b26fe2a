"""Chart data of a ledger: horizontal bars drawn as inline SVG by templates/_charts.html (no JS, no CDN)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from scheduler.ledgers.sections import hours
from scheduler.ledgers.service import Ledger
from web.filters import category

# Colours of the series, in order (the app's ink, green and red).
COLOURS = ("#0b57a4", "#1d7a3a", "#c8102e")
MAX_GRID_BARS = 20


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float, ...]  # one per series
    texts: tuple[str, ...]  # the value as written beside its bar


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    series: tuple[str, ...]
    bars: list[Bar]
    maximum: float

    @property
    def colours(self) -> tuple[str, ...]:
        return COLOURS[: len(self.series)]

    def width(self, value: float, full: float) -> float:
        """The bar's length in SVG units for a chart ``full`` units wide."""
        return 0.0 if self.maximum <= 0 else round(full * max(0.0, value) / self.maximum, 1)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def ledger_charts(ledger: Ledger) -> list[Chart]:
    grids = [u for u in ledger.units if u.level == "grid" and u.figures.required]
    by_community = len(grids) > MAX_GRID_BARS
    if by_community:  # a whole street's grids would make a chart pages long: one bar per community
        grids = [u for u in ledger.units if u.level == "community" and u.figures.required]
    charts = [
        Chart(
            "coverage",
            _("Coverage and confirmations by community")
            if by_community
            else _("Coverage and confirmations by grid"),
            (_("coverage"), _("confirmed")),
            [
                Bar(
                    u.name,
                    (u.figures.coverage or 0.0, u.figures.confirmation_rate or 0.0),
                    (_pct(u.figures.coverage), _pct(u.figures.confirmation_rate)),
                )
                for u in grids
            ],
            1.0,
        )
    ]
    cat_bars = [
        Bar(
            category(c.category),
            (hours(c.planned_minutes), hours(c.served_minutes)),
            (f"{hours(c.planned_minutes):.1f}", f"{hours(c.served_minutes):.1f}"),
        )
        for c in ledger.categories
    ]
    charts.append(
        Chart(
            "hours",
            _("Hours by category (h)"),
            (_("planned"), _("served")),
            cat_bars,
            max((v for b in cat_bars for v in b.values), default=0.0),
        )
    )
    charts.append(
        Chart(
            "fairness",
            _("Fairness of load (Gini coefficient: lower is fairer)"),
            (_("Gini"),),
            [
                Bar(category(c.category), (c.gini,), (f"{c.gini:.2f}",))
                for c in ledger.categories
                if c.people >= 2
            ],
            1.0,
        )
    )
    attend_bars = [
        Bar(
            u.name,
            (float(u.figures.attended), float(u.figures.no_shows)),
            (str(u.figures.attended), str(u.figures.no_shows)),
        )
        for u in grids
        if u.figures.attended or u.figures.no_shows
    ]
    charts.append(
        Chart(
            "attendance",
            _("Check-ins and no-shows by community") if by_community else _("Check-ins and no-shows by grid"),
            (_("checked in"), _("no-shows")),
            attend_bars,
            max((v for b in attend_bars for v in b.values), default=0.0),
        )
    )
    if ledger.surges:
        surge_bars = [
            Bar(
                f"#{s.call_id} {s.grid}",
                (s.response_minutes or 0.0,),
                (f"{s.response_minutes:.0f}" if s.response_minutes is not None else "—",),
            )
            for s in ledger.surges
        ]
        charts.append(
            Chart(
                "surges",
                _("Surge call response time (minutes)"),
                (_("response"),),
                surge_bars,
                max((b.values[0] for b in surge_bars), default=0.0),
            )
        )
    return charts
