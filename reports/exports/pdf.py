"""The completion report as a PDF (ReportLab platypus).

`render_pdf(data) -> bytes` is pure: no database, no storage. It owns the page geometry and
fonts. The people list is capped at `PEOPLE_LIMIT` rows (a Polda over a year is hundreds of
thousands of lines; the XLSX and CSV carry them all) and the PDF says so when it cuts.
"""

from __future__ import annotations

import io
from itertools import islice
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..charts import BAR_HEIGHT, BAR_MAX, BAR_X, LABEL_WIDTH, ROW_HEIGHT, TOP, bar_layout, percent
from ..data import Counts, PersonRow, ReportData, UnitRow
from .columns import person_status_label, unit_columns

TITLE = "LAPORAN PELAKSANAAN POLRI BELAJAR"
PAGE = landscape(A4)  # ten columns of figures read better across the long side
MARGIN = 15 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE[1] - 2 * MARGIN - 4 * mm
CHART_MAX_WIDTH = 170 * mm
PEOPLE_LIMIT = 2000
PEOPLE_CHUNK = 100  # rows per table: small tables split cheaply across pages

RED_TINT = colors.HexColor("#fce8e6")
HEADER_TINT = colors.HexColor("#f1e7c6")
BROWN = colors.HexColor("#5b3a1a")
RED = colors.HexColor("#b3261e")
GRID = colors.HexColor("#9aa0a6")

_styles = getSampleStyleSheet()
STYLE_TITLE = ParagraphStyle(
    "title", parent=_styles["Title"], fontName="Helvetica-Bold", fontSize=14, leading=18
)
STYLE_SUB = ParagraphStyle("sub", parent=_styles["Normal"], alignment=TA_CENTER, fontSize=10)
STYLE_H2 = ParagraphStyle(
    "h2", parent=_styles["Heading2"], fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=4
)
STYLE_H3 = ParagraphStyle(
    "h3", parent=_styles["Heading3"], fontSize=10, leading=12, spaceBefore=6, spaceAfter=3
)
STYLE_CELL = ParagraphStyle("cell", parent=_styles["Normal"], fontSize=7.5, leading=9)
STYLE_HEAD = ParagraphStyle("head", parent=STYLE_CELL, fontName="Helvetica-Bold")
STYLE_NUM = ParagraphStyle("num", parent=STYLE_CELL, alignment=TA_RIGHT)
STYLE_NOTE = ParagraphStyle("note", parent=_styles["Normal"], fontSize=8.5, leading=11)
STYLE_SIGN = ParagraphStyle("sign", parent=_styles["Normal"], fontSize=10, leading=13)


def _p(text: object, style: ParagraphStyle = STYLE_CELL) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _num(value: object) -> Paragraph:
    if isinstance(value, int):
        value = number_format(value, force_grouping=True)
    return Paragraph(escape(str(value)), STYLE_NUM)


def _unit_table(rows: list[UnitRow], totals: Counts | None, basis: str) -> Table:
    columns = unit_columns()
    header = [_p(label, STYLE_HEAD) for label, _key in columns]
    body = [header]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_TINT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for index, row in enumerate(rows, start=1):
        body.append(_unit_cells(row, columns))
        if row.is_bottom:
            style.append(("BACKGROUND", (0, index), (-1, index), RED_TINT))
    if totals is not None:
        total_row = UnitRow(
            unit_id=None,
            code="",
            name=_("Total"),
            kind="",
            counts=totals,
            completion_pct=totals.completion_pct(basis=basis),
        )
        body.append(_unit_cells(total_row, columns, bold=True))
        style.append(("BACKGROUND", (0, len(body) - 1), (-1, len(body) - 1), HEADER_TINT))
    name_width = 62 * mm
    other = (FRAME_WIDTH - name_width) / (len(columns) - 1)
    widths = [other if key != "name" else name_width for _label, key in columns]
    table = Table(body, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _unit_cells(row: UnitRow, columns, *, bold: bool = False) -> list[Paragraph]:
    cells = []
    for _label, key in columns:
        if key == "rank":
            text = "" if row.rank is None else str(row.rank)
            if row.is_bottom:
                text += " *"
            cells.append(_p(text))
        elif key == "name":
            cells.append(_p(row.name, STYLE_HEAD if bold else STYLE_CELL))
        elif key == "completion_pct":
            cells.append(_num(percent(row.completion_pct)))
        else:
            cells.append(_num(getattr(row.counts, key)))
    return cells


def _chart(rows: list[UnitRow]) -> Drawing:
    """The bar chart of the dashboard, drawn with the same geometry, scaled to the page."""
    bars, height = bar_layout(rows)
    # As wide as reads well, and never taller than a page (a drawing cannot split).
    scale = min(CHART_MAX_WIDTH / 400, (FRAME_HEIGHT - 20 * mm) / height)
    drawing = Drawing(400 * scale, height * scale)
    font = min(8.0, ROW_HEIGHT * scale * 0.5)

    def y_of(y: float) -> float:  # SVG y grows downwards, ReportLab's upwards
        return (height - y) * scale

    for tick in (0, 50, 100):
        x = (BAR_X + tick / 100 * BAR_MAX) * scale
        drawing.add(Line(x, y_of(TOP - 4), x, y_of(height - 4), strokeColor=GRID, strokeWidth=0.4))
        drawing.add(
            String(
                x,
                y_of(TOP - 8),
                f"{tick}%",
                fontName="Helvetica",
                fontSize=font - 1,
                textAnchor="middle",
                fillColor=GRID,
            )
        )
    for bar in bars:
        mid = bar.y + ROW_HEIGHT / 2
        drawing.add(
            String(
                LABEL_WIDTH * scale,
                y_of(mid + 3),
                bar.label,
                fontName="Helvetica",
                fontSize=font,
                textAnchor="end",
            )
        )
        drawing.add(
            Rect(
                BAR_X * scale,
                y_of(mid + BAR_HEIGHT / 2),
                max(bar.length * scale, 0.01),
                BAR_HEIGHT * scale,
                fillColor=RED if bar.flagged else BROWN,
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                (BAR_X + bar.length + 4) * scale, y_of(mid + 3), percent(bar.value), fontSize=font
            )
        )
    return drawing


PEOPLE_COLUMNS_MM = (10, 20, 42, 16, 36, 46, 18, 12, 12, 50)


def _people_header() -> list[Paragraph]:
    labels = [
        _("No."),
        _("NRP"),
        _("Name"),
        _("Rank"),
        _("Unit"),
        _("Session"),
        _("Status"),
        _("Min."),
        _("Score"),
        _("Certificate"),
    ]
    return [_p(label, STYLE_HEAD) for label in labels]


PEOPLE_FONT = ("Helvetica", 7)


def _fit(text: str, width: float) -> str:
    """Text cut to `width` points with an ellipsis: plain strings keep a long list fast (a
    Paragraph per cell costs ten times more to lay out)."""
    room = width - 4  # the cell's padding
    if stringWidth(text, *PEOPLE_FONT) <= room:
        return text
    while text and stringWidth(text + "…", *PEOPLE_FONT) > room:
        text = text[:-1]
    return text + "…"


def _person_cells(number: int, person: PersonRow, widths: list[float]) -> list[str]:
    session = person.session_title
    if person.session_start is not None:
        session = f"{session} ({date_format(timezone.localtime(person.session_start), 'd/m/Y')})"
    score = "" if person.quiz_score is None else number_format(person.quiz_score, 1)
    minutes = "" if person.minutes_attended is None else str(person.minutes_attended)
    cells = [
        str(number),
        person.nrp,
        person.name,
        person.rank,
        person.unit_name,
        session,
        person_status_label(person.attendance_status),
        minutes,
        score,
        person.certificate_number,
    ]
    return [_fit(cell, width) for cell, width in zip(cells, widths, strict=True)]


def _people_tables(data: ReportData) -> list:
    widths = [width * mm for width in PEOPLE_COLUMNS_MM]
    scale = FRAME_WIDTH / sum(widths)
    widths = [width * scale for width in widths]
    flowables: list = []
    people = islice(data.iter_people(), PEOPLE_LIMIT)
    number = 0
    while True:
        chunk = list(islice(people, PEOPLE_CHUNK))
        if not chunk:
            break
        body = [_people_header()]
        for person in chunk:
            number += 1
            body.append(_person_cells(number, person, widths))
        table = Table(body, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, GRID),
                    ("BACKGROUND", (0, 0), (-1, 0), HEADER_TINT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONT", (0, 1), (-1, -1), *PEOPLE_FONT),
                    ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                    ("ALIGN", (7, 1), (8, -1), "RIGHT"),
                    ("TOPPADDING", (0, 1), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5),
                ]
            )
        )
        flowables.append(table)
    if number == 0:
        flowables.append(_p(_("Nobody was invited in this period."), STYLE_NOTE))
    elif data.people_count > number:
        flowables.append(Spacer(1, 2 * mm))
        flowables.append(
            _p(
                _(
                    "The first %(shown)s of %(total)s rows are shown; the XLSX and CSV exports "
                    "list them all."
                )
                % {
                    "shown": number_format(number, force_grouping=True),
                    "total": number_format(data.people_count, force_grouping=True),
                },
                STYLE_NOTE,
            )
        )
    return flowables


def _signature(data: ReportData) -> KeepTogether:
    when = date_format(timezone.localtime(data.generated_at), "j F Y")
    place_date = f"{data.place}, {when}" if data.place else when
    signer = data.signatory
    lines = [_p(place_date, STYLE_SIGN)]
    if signer is not None:
        if signer.position:
            lines.append(_p(signer.position.upper(), STYLE_SIGN))
        if signer.unit_name:
            lines.append(_p(signer.unit_name.upper(), STYLE_SIGN))
        lines.append(Spacer(1, 20 * mm))
        lines.append(Paragraph(f"<u><b>{escape(signer.name.upper())}</b></u>", STYLE_SIGN))
        rank_line = " ".join(part for part in (signer.rank.upper(), f"NRP {signer.nrp}") if part)
        lines.append(_p(rank_line, STYLE_SIGN))
    else:
        lines.append(Spacer(1, 20 * mm))
        lines.append(_p("(" + "." * 40 + ")", STYLE_SIGN))
    block = Table([[""], *[[line] for line in lines]], colWidths=[75 * mm], hAlign="RIGHT")
    block.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 8 * mm), block])


def render_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes: heading, scope and period, ranking, chart, sub-levels, people,
    and the signature block of the requesting commander."""
    buffer = io.BytesIO()
    footer = f"{TITLE} · {data.scope_name} · {data.period_label}"

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(GRID)
        canvas.drawString(MARGIN, 9 * mm, footer[:120])
        canvas.drawRightString(
            PAGE[0] - MARGIN, 9 * mm, _("Page %(number)s") % {"number": doc.page}
        )
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{TITLE} - {data.scope_name}",
        author=data.signatory.name if data.signatory else "Polri Belajar",
        subject=data.period_label,
    )
    generated = date_format(timezone.localtime(data.generated_at), "j F Y H:i")
    story: list = [
        Paragraph(TITLE, STYLE_TITLE),
        _p(data.scope_name.upper(), STYLE_SUB),
        _p(data.period_label, STYLE_SUB),
        _p(_("Generated %(when)s") % {"when": generated}, STYLE_SUB),
        Spacer(1, 5 * mm),
        _p(_("Completion ranking"), STYLE_H2),
        _unit_table(data.rows, data.totals, data.completion_basis),
        Spacer(1, 2 * mm),
        _p(_legend(data), STYLE_NOTE),
    ]
    if data.rows:
        story += [CondPageBreak(40 * mm), _p(_("Completion per unit"), STYLE_H2), _chart(data.rows)]
    for level in data.levels[1:]:
        story.append(CondPageBreak(45 * mm))
        story.append(_p(level.title, STYLE_H2))
        for group in level.groups:
            story.append(CondPageBreak(30 * mm))
            story.append(_p(group.parent_name, STYLE_H3))
            story.append(_unit_table(group.rows, None, data.completion_basis))
    story += [CondPageBreak(40 * mm), _p(_("Personnel"), STYLE_H2), *_people_tables(data)]
    story.append(_signature(data))
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _legend(data: ReportData) -> str:
    basis = (
        _("Completion = certified / invited.")
        if data.completion_basis == "certified"
        else _("Completion = completed / invited.")
    )
    return " ".join(
        [
            basis,
            _("Attended = HADIR + TERLAMBAT; excused = IZIN, SAKIT, DINAS; absent = ALPA."),
            _("* bottom three among siblings."),
        ]
    )
