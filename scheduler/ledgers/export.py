"""Write a ledger as XLSX (a sheet per section), CSV (sections one after another) or PDF (Chinese text)."""

from __future__ import annotations

import csv
import enum
import io
from functools import cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from scheduler.errors import ValidationError
from scheduler.ledgers.sections import Kind, Section, format_cell, sections
from scheduler.ledgers.service import Ledger

# The CID font every PDF reader has for simplified Chinese: nothing to ship or embed.
PDF_FONT = "STSong-Light"
CELL_POINTS_PER_UNIT = 3.6  # 7-point text: a Latin character is about half of a Chinese one (7 points)
NUMBER_FORMATS = {Kind.PCT: "0.0%", Kind.HOURS: "0.0", Kind.NUMBER: "0.###"}


class Format(enum.StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PDF = "pdf"


def parse_format(text: str) -> Format:
    try:
        return Format(text.lower())
    except ValueError as exc:
        raise ValidationError(
            "bad_format",
            f"导出格式应为 xlsx、csv 或 pdf：{text!r}",
            f"the format must be xlsx, csv or pdf: {text!r}",
        ) from exc


def render(ledger: Ledger, fmt: Format) -> bytes:
    parts = sections(ledger)
    if fmt is Format.XLSX:
        return _xlsx(ledger, parts)
    if fmt is Format.CSV:
        return _csv(parts)
    return _pdf(ledger, parts)


def write(ledger: Ledger, fmt: Format, path: Path) -> int:
    """Write the file whole (to a temporary name, then renamed): a failed export leaves no half file."""
    data = render(ledger, fmt)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(data)


def _xlsx(ledger: Ledger, parts: list[Section]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for part in parts:
        ws = wb.create_sheet(part.title[:31])
        ws.append([c.header for c in part.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in part.rows:
            ws.append(["—" if v is None else v for v in row])
        for i, column in enumerate(part.columns, start=1):
            fmt = NUMBER_FORMATS.get(column.kind)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = fmt
            width = max(
                [_width(column.header)] + [_width(format_cell(r[i - 1], column.kind)) for r in part.rows]
            )
            ws.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
        ws.freeze_panes = "A2"
    wb.properties.title = ledger.period.label_zh
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _csv(parts: list[Section]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for n, part in enumerate(parts):
        if n:
            w.writerow([])
        w.writerow([f"# {part.title}"])
        w.writerow([c.header for c in part.columns])
        for row in part.rows:
            w.writerow([format_cell(v, c.kind) for v, c in zip(row, part.columns, strict=True)])
    # UTF-8 with a byte-order mark: Excel on Windows then opens Chinese text correctly.
    return out.getvalue().encode("utf-8-sig")


@cache
def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def _pdf(ledger: Ledger, parts: list[Section]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    title = ParagraphStyle("title", fontName=PDF_FONT, fontSize=16, leading=20, spaceAfter=6)
    heading = ParagraphStyle(
        "heading", fontName=PDF_FONT, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
    )
    cell = ParagraphStyle("cell", fontName=PDF_FONT, fontSize=7, leading=9, wordWrap="CJK")
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=ledger.period.label_zh,
        invariant=True,
    )
    story: list[Flowable] = [Paragraph(f"网格值守台账 — {ledger.period.label_zh} — {ledger.scope_zh}", title)]
    for part in parts:
        story.append(Paragraph(part.title, heading))
        if not part.rows:
            story.append(Paragraph("（无）", cell))
            continue
        weights = [3 if c.kind is Kind.TEXT else 2 for c in part.columns]
        widths = [w * doc.width / sum(weights) for w in weights]

        # Why plain strings where they fit: a Paragraph per cell makes a street's month take a minute.
        def fit(text: str, width: float) -> str | Paragraph:
            return text if _width(text) * CELL_POINTS_PER_UNIT < width - 6 else Paragraph(_escape(text), cell)

        data: list[list[str | Paragraph]] = [[Paragraph(_escape(c.header), cell) for c in part.columns]]
        data += [
            [fit(format_cell(v, c.kind), w) for v, c, w in zip(row, part.columns, widths, strict=True)]
            for row in part.rows
        ]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONT", (0, 0), (-1, -1), PDF_FONT, 7, 9),
                ]
            )
        )
        story += [table, Spacer(1, 4)]
    doc.build(story)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
