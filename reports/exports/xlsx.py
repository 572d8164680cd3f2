"""The completion report as an XLSX workbook (openpyxl, write-only so memory stays flat).

Sheets, in order: a summary (what the report covers and the totals), one ranking sheet per
level below the scope (e.g. "Polres", then "Polsek"), then the people — one sheet per unit
directly below the scope (a commander hands each Polres its own list), in the order of the
first ranking, or a single "Personnel" sheet when everybody falls under one unit. Each table's
header row is frozen; numbers are written as numbers (completion as a percentage cell), text
through `safe_cell` so no cell becomes a formula.

The people rows are most of the file (600,000 for a Polda over a year) and openpyxl spends
tens of microseconds on every cell, so their loop does as little as it can per cell: plain
values (no per-cell style objects), None rather than "" for an empty cell (openpyxl writes
nothing for None), labels looked up once, and each session's local start time converted once.
`render_xlsx(data, out)` is pure: it writes to the binary file `out` and touches no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..data import Counts, PersonRow, ReportData, UnitRow
from .cells import safe_cell
from .columns import ATTENDANCE_LABELS, people_columns, unit_columns

# Excel's last row is 1,048,576; keep one for the header and one for the note that we stopped.
MAX_PEOPLE_ROWS = 1_048_574
BOLD = Font(bold=True)
BOTTOM_FILL = PatternFill("solid", fgColor="FCE8E6")
PERCENT = "0.0%"


def _sheet_title(title: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    candidate, number = clean, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = clean[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


def _header(ws: WriteOnlyWorksheet, labels: list[str]) -> None:
    # A write-only sheet writes its view first: freeze before the first row goes out.
    ws.freeze_panes = "A2"
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=safe_cell(label))
        cell.font = BOLD
        cells.append(cell)
    ws.append(cells)


def _percent_cell(ws: WriteOnlyWorksheet, pct) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=None if pct is None else float(pct) / 100)
    cell.number_format = PERCENT
    return cell


def _unit_header() -> list[str]:
    labels = [label for label, _key in unit_columns()]
    return [_("Parent unit"), _("Code"), *labels, _("Bottom three")]


def _unit_line(ws: WriteOnlyWorksheet, parent: str, row: UnitRow, *, bold: bool = False) -> list:
    values: list = [safe_cell(parent), safe_cell(row.code)]
    for _label, key in unit_columns():
        if key == "rank":
            values.append(row.rank)
        elif key == "name":
            values.append(safe_cell(row.name))
        elif key == "completion_pct":
            values.append(_percent_cell(ws, row.completion_pct))
        else:
            values.append(getattr(row.counts, key))
    values.append(_("Yes") if row.is_bottom else "")
    if bold or row.is_bottom:
        styled = []
        for value in values:
            cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
            if bold:
                cell.font = BOLD
            if row.is_bottom:
                cell.fill = BOTTOM_FILL
            styled.append(cell)
        return styled
    return values


def _totals_row(data: ReportData) -> UnitRow:
    return UnitRow(
        unit_id=None,
        code="",
        name=_("Total"),
        kind="",
        counts=data.totals,
        completion_pct=data.totals_pct,
    )


def _write_summary(ws: WriteOnlyWorksheet, data: ReportData) -> None:
    ws.append([WriteOnlyCell(ws, value="LAPORAN PELAKSANAAN POLRI BELAJAR")])
    generated = timezone.localtime(data.generated_at).replace(tzinfo=None)
    for label, value in (
        (_("Unit"), safe_cell(data.scope_name)),
        (_("Period"), safe_cell(data.period_label)),
        (_("Generated"), generated),
        (
            _("Completion"),
            _("certified / invited")
            if data.completion_basis == "certified"
            else _("completed / invited"),
        ),
        (_("Requested by"), safe_cell(data.signatory.name) if data.signatory else ""),
    ):
        ws.append([label, value])
    ws.append([])
    totals: Counts = data.totals
    for label, key in unit_columns():
        if key in ("rank", "name"):
            continue
        if key == "completion_pct":
            ws.append([label, _percent_cell(ws, data.totals_pct)])
        else:
            ws.append([label, getattr(totals, key)])


def _people_sheets(
    workbook: Workbook, data: ReportData, used: set[str]
) -> tuple[dict[str, WriteOnlyWorksheet], Callable[[], WriteOnlyWorksheet]]:
    """{branch key: sheet} for every unit directly below the scope that has people, in ranking
    order, and a function giving the sheet for people under no listed unit (made on first use)."""
    levels = data.level_list(title=_("Units"))
    branches = [row for row in levels[0].groups[0].rows if row.counts.invited and row.path]
    sheets: dict[str, WriteOnlyWorksheet] = {}
    if len(branches) > 1:
        for row in branches:
            # "Polda Kalimantan Barat (own staff)" would not fit Excel's 31 characters.
            title = _("Own staff") if row.is_direct else row.name
            sheets[row.path] = workbook.create_sheet(_sheet_title(title, used))
            _header(sheets[row.path], people_columns())
    rest: list[WriteOnlyWorksheet] = []

    def other() -> WriteOnlyWorksheet:
        if not rest:
            rest.append(workbook.create_sheet(_sheet_title(_("Personnel"), used)))
            _header(rest[0], people_columns())
        return rest[0]

    if not sheets:
        other()  # one list for everybody, even an empty one
    return sheets, other


def _write_people(
    sheets: dict[str, WriteOnlyWorksheet],
    other: Callable[[], WriteOnlyWorksheet],
    people: Iterable[PersonRow],
) -> None:
    yes_no = {True: _("Yes"), False: _("No"), None: None}
    statuses = dict(ATTENDANCE_LABELS)
    local_starts: dict[datetime | None, datetime | None] = {None: None}
    written: dict[int, int] = {}
    sheet, sheet_key = None, None
    for person in people:
        if person.branch_key != sheet_key or sheet is None:
            sheet_key = person.branch_key
            sheet = sheets.get(sheet_key) or other()
        count = written.get(id(sheet), 0)
        if count >= MAX_PEOPLE_ROWS:
            if count == MAX_PEOPLE_ROWS:
                sheet.append([_("Excel holds no more rows; the CSV export lists them all.")])
                written[id(sheet)] = count + 1
            continue
        written[id(sheet)] = count + 1
        start = person.session_start
        if start not in local_starts:
            # Excel has no time zones: write the wall-clock time where the report is read.
            local_starts[start] = timezone.localtime(start).replace(tzinfo=None)
        status = person.attendance_status
        sheet.append(
            (
                safe_cell(person.nrp),
                safe_cell(person.name),
                safe_cell(person.rank) or None,
                safe_cell(person.unit_name),
                safe_cell(person.session_title),
                local_starts[start],
                statuses.get(status, status or "—"),
                person.minutes_attended,
                person.quiz_score,
                yes_no[person.quiz_passed],
                safe_cell(person.certificate_number) or None,
            )
        )


def render_xlsx(data: ReportData, out: BinaryIO) -> None:
    """Write the workbook for `data` to `out`."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    _write_summary(workbook.create_sheet(_sheet_title(_("Summary"), used)), data)
    for index, level in enumerate(data.level_list(title=_("Units"))):
        ws = workbook.create_sheet(_sheet_title(level.title, used))
        _header(ws, _unit_header())
        for group in level.groups:
            for row in group.rows:
                ws.append(_unit_line(ws, group.parent_name, row))
        if index == 0:
            ws.append(_unit_line(ws, data.scope_name, _totals_row(data), bold=True))
    sheets, other = _people_sheets(workbook, data, used)
    _write_people(sheets, other, data.iter_people())
    workbook.save(out)
