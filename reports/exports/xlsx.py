"""The completion report as an XLSX workbook (openpyxl, write-only so memory stays flat).

One sheet per level below the scope (e.g. "Polres", then "Polsek"), one for the people and one
with what the report covers. Each sheet's header row is frozen; numbers are written as numbers
(completion as a percentage cell), text through `safe_cell` so no cell becomes a formula.
`render_xlsx(data, out)` is pure: it writes to the binary file `out` and touches no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
from .columns import people_columns, person_status_label, unit_columns, yes_no

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


def _unit_header() -> list[str]:
    labels = [label for label, _key in unit_columns()]
    return [_("Parent unit"), _("Code"), *labels, _("Bottom three")]


def _unit_line(
    ws: WriteOnlyWorksheet, parent: str, row: UnitRow, pct_basis: str, *, bold: bool = False
) -> list:
    values: list = [safe_cell(parent), safe_cell(row.code)]
    for _label, key in unit_columns():
        if key == "rank":
            values.append(row.rank)
        elif key == "name":
            values.append(safe_cell(row.name))
        elif key == "completion_pct":
            pct = row.completion_pct
            cell = WriteOnlyCell(ws, value=None if pct is None else float(pct) / 100)
            cell.number_format = PERCENT
            values.append(cell)
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


def _totals_row(totals: Counts, basis: str) -> UnitRow:
    return UnitRow(
        unit_id=None,
        code="",
        name=_("Total"),
        kind="",
        counts=totals,
        completion_pct=totals.completion_pct(basis=basis),
    )


def _person_line(person: PersonRow) -> list:
    start = person.session_start
    if start is not None:
        # Excel has no time zones: write the wall-clock time where the report is read.
        start = timezone.localtime(start).replace(tzinfo=None)
    return [
        safe_cell(person.nrp),
        safe_cell(person.name),
        safe_cell(person.rank),
        safe_cell(person.unit_name),
        safe_cell(person.session_title),
        start,
        person_status_label(person.attendance_status),
        person.minutes_attended,
        person.quiz_score,
        yes_no(person.quiz_passed),
        safe_cell(person.certificate_number),
    ]


def _write_people(ws: WriteOnlyWorksheet, people: Iterable[PersonRow]) -> None:
    _header(ws, people_columns())
    for written, person in enumerate(people):
        if written == MAX_PEOPLE_ROWS:
            ws.append([_("Excel holds no more rows; the CSV export lists them all.")])
            break
        ws.append(_person_line(person))


def render_xlsx(data: ReportData, out: BinaryIO) -> None:
    """Write the workbook for `data` to `out`."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for index, level in enumerate(data.level_list(title=_("Units"))):
        ws = workbook.create_sheet(_sheet_title(level.title, used))
        _header(ws, _unit_header())
        for group in level.groups:
            for row in group.rows:
                ws.append(_unit_line(ws, group.parent_name, row, data.completion_basis))
        if index == 0:
            ws.append(
                _unit_line(
                    ws,
                    data.scope_name,
                    _totals_row(data.totals, data.completion_basis),
                    data.completion_basis,
                    bold=True,
                )
            )
    people = workbook.create_sheet(_sheet_title(_("Personnel"), used))
    _write_people(people, data.iter_people())

    about = workbook.create_sheet(_sheet_title(_("About"), used))
    about.append([WriteOnlyCell(about, value="LAPORAN PELAKSANAAN POLRI BELAJAR")])
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
        about.append([label, value])
    workbook.save(out)
