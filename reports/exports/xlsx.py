"""The completion report as an XLSX workbook (XlsxWriter in constant-memory mode).

Sheets, in order: a summary (what the report covers and the totals), one ranking sheet per
level below the scope (e.g. "Polres", then "Polsek"), then the people — one sheet per unit
directly below the scope (a commander hands each Polres its own list), in the order of the
first ranking, or a single "Personnel" sheet when everybody falls under one unit. Each table's
header row is frozen; numbers are written as numbers (completion as a percentage cell), dates
as dates, text through `safe_cell` so no cell becomes a formula — and the workbook is opened
with XlsxWriter's string conversions (formulas, URLs, numbers) off, so text is only ever text.

Constant-memory mode writes every row to its sheet's temporary file as soon as the next row of
that sheet starts, so memory stays flat; a row can't be gone back to. That suits the layout:
every sheet's rows are written top to bottom, and the people rows, streamed in unit order, go
to their sheet's next free row (each sheet keeps its own row counter, so sheets may interleave).

The people rows are most of the file (600,000 for a Polda over a year), so their loop does as
little as it can per cell: one typed write per cell, nothing for an empty cell, labels looked up
once, and each session's local start time converted to an Excel date number once.
`render_xlsx(data, out)` is pure: it writes to the binary file `out` and touches no database.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..data import Counts, PersonRow, ReportData, UnitRow
from .cells import safe_cell
from .columns import ATTENDANCE_LABELS, people_columns, unit_columns

# Excel's last row is 1,048,576; keep one for the header and one for the note that we stopped.
MAX_PEOPLE_ROWS = 1_048_574
PERCENT = "0.0%"
DATE_TIME = "yyyy-mm-dd h:mm:ss"
BOTTOM_COLOUR = "#FCE8E6"
# Excel's day 0 for dates after February 1900 (its 1900 calendar has a 29 February).
EXCEL_EPOCH = datetime(1899, 12, 30)
ONE_DAY = timedelta(days=1)
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # User text stays text: no "=..." formulas, no hyperlinks, no "0812..." turned into numbers.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class _Styles:
    """The few cell formats of the workbook, made once (XlsxWriter wants one object each)."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.date = workbook.add_format({"num_format": DATE_TIME})
        self.header = workbook.add_format({"bold": True})
        self._cache: dict[tuple[bool, bool, bool], Format | None] = {}

    def cell(self, *, bold: bool = False, bottom: bool = False, percent: bool = False):
        key = (bold, bottom, percent)
        if key not in self._cache:
            props: dict = {}
            if bold:
                props["bold"] = True
            if bottom:
                props.update(pattern=1, bg_color=BOTTOM_COLOUR)
            if percent:
                props["num_format"] = PERCENT
            self._cache[key] = self.workbook.add_format(props) if props else None
        return self._cache[key]


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel refuses []:*?/\ anywhere and an apostrophe at either end of a sheet name.
    clean = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31].strip("' ") or "Sheet"
    candidate, number = clean, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = clean[: 31 - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


def _write(ws: Worksheet, row: int, col: int, value, fmt=None) -> None:
    """One cell by its type; nothing for None or "" unless it carries a format."""
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_number(row, col, value, fmt)


def _header(ws: Worksheet, labels: list[str], styles: _Styles) -> None:
    ws.freeze_panes(1, 0)
    for col, label in enumerate(labels):
        _write(ws, 0, col, safe_cell(label), styles.header)


def _percent(pct) -> float | None:
    return None if pct is None else float(pct) / 100


def _unit_header() -> list[str]:
    labels = [label for label, _key in unit_columns()]
    return [_("Parent unit"), _("Code"), *labels, _("Bottom three")]


def _unit_line(
    ws: Worksheet, line: int, parent: str, row: UnitRow, styles: _Styles, *, bold: bool = False
) -> None:
    values: list = [safe_cell(parent), safe_cell(row.code)]
    percent_at = None
    for _label, key in unit_columns():
        if key == "rank":
            values.append(row.rank)
        elif key == "name":
            values.append(safe_cell(row.name))
        elif key == "completion_pct":
            percent_at = len(values)
            values.append(_percent(row.completion_pct))
        else:
            values.append(getattr(row.counts, key))
    values.append(_("Yes") if row.is_bottom else "")
    plain = styles.cell(bold=bold, bottom=row.is_bottom)
    percent = styles.cell(bold=bold, bottom=row.is_bottom, percent=True)
    for col, value in enumerate(values):
        _write(ws, line, col, value, percent if col == percent_at else plain)


def _totals_row(data: ReportData) -> UnitRow:
    return UnitRow(
        unit_id=None,
        code="",
        name=_("Total"),
        kind="",
        counts=data.totals,
        completion_pct=data.totals_pct,
    )


def _write_summary(ws: Worksheet, data: ReportData, styles: _Styles) -> None:
    ws.write_string(0, 0, "LAPORAN PELAKSANAAN POLRI BELAJAR")
    generated = timezone.localtime(data.generated_at).replace(tzinfo=None)
    line = 1
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
        _write(ws, line, 0, label)
        _write(ws, line, 1, value, styles.date if isinstance(value, datetime) else None)
        line += 1
    line += 1  # a blank row between what the report covers and its totals
    totals: Counts = data.totals
    for label, key in unit_columns():
        if key in ("rank", "name"):
            continue
        _write(ws, line, 0, label)
        if key == "completion_pct":
            _write(ws, line, 1, _percent(data.totals_pct), styles.cell(percent=True))
        else:
            _write(ws, line, 1, getattr(totals, key))
        line += 1


def _people_sheets(
    workbook: Workbook, data: ReportData, used: set[str], styles: _Styles
) -> tuple[dict[str, Worksheet], Callable[[], Worksheet]]:
    """{branch key: sheet} for every unit directly below the scope that has people, in ranking
    order, and a function giving the sheet for people under no listed unit (made on first use)."""
    levels = data.level_list(title=_("Units"))
    branches = [row for row in levels[0].groups[0].rows if row.counts.invited and row.path]
    sheets: dict[str, Worksheet] = {}
    if len(branches) > 1:
        for row in branches:
            # "Polda Kalimantan Barat (own staff)" would not fit Excel's 31 characters.
            title = _("Own staff") if row.is_direct else row.name
            sheets[row.path] = workbook.add_worksheet(_sheet_title(title, used))
            _header(sheets[row.path], people_columns(), styles)
    rest: list[Worksheet] = []

    def other() -> Worksheet:
        if not rest:
            rest.append(workbook.add_worksheet(_sheet_title(_("Personnel"), used)))
            _header(rest[0], people_columns(), styles)
        return rest[0]

    if not sheets:
        other()  # one list for everybody, even an empty one
    return sheets, other


def _write_people(
    sheets: dict[str, Worksheet],
    other: Callable[[], Worksheet],
    people: Iterable[PersonRow],
    styles: _Styles,
) -> None:
    yes_no = {True: _("Yes"), False: _("No"), None: None}
    statuses = dict(ATTENDANCE_LABELS)
    # Excel has no time zones: the wall-clock time where the report is read, as Excel's number.
    excel_starts: dict[datetime | None, float | None] = {None: None}
    next_row: dict[int, int] = {}  # id(sheet) -> its next free row (0 is the header)
    date_format = styles.date
    sheet, sheet_key = None, None
    for person in people:
        if person.branch_key != sheet_key or sheet is None:
            sheet_key = person.branch_key
            sheet = sheets.get(sheet_key) or other()
            write_string, write_number = sheet.write_string, sheet.write_number
        row = next_row.get(id(sheet), 1)
        if row > MAX_PEOPLE_ROWS:
            if row == MAX_PEOPLE_ROWS + 1:
                write_string(row, 0, _("Excel holds no more rows; the CSV export lists them all."))
                next_row[id(sheet)] = row + 1
            continue
        next_row[id(sheet)] = row + 1
        start = person.session_start
        if start not in excel_starts:
            local = timezone.localtime(start).replace(tzinfo=None)
            excel_starts[start] = (local - EXCEL_EPOCH) / ONE_DAY
        status = person.attendance_status
        write_string(row, 0, safe_cell(person.nrp))
        write_string(row, 1, safe_cell(person.name))
        if person.rank:
            write_string(row, 2, safe_cell(person.rank))
        write_string(row, 3, safe_cell(person.unit_name))
        write_string(row, 4, safe_cell(person.session_title))
        if excel_starts[start] is not None:
            write_number(row, 5, excel_starts[start], date_format)
        write_string(row, 6, statuses.get(status, status or "—"))
        if person.minutes_attended is not None:
            write_number(row, 7, person.minutes_attended)
        if person.quiz_score is not None:
            write_number(row, 8, person.quiz_score)
        if person.quiz_passed is not None:
            write_string(row, 9, yes_no[person.quiz_passed])
        if person.certificate_number:
            write_string(row, 10, safe_cell(person.certificate_number))


def render_xlsx(data: ReportData, out: BinaryIO) -> None:
    """Write the workbook for `data` to `out`."""
    workbook = Workbook(out, WORKBOOK_OPTIONS)
    try:
        styles = _Styles(workbook)
        used: set[str] = set()
        _write_summary(workbook.add_worksheet(_sheet_title(_("Summary"), used)), data, styles)
        for index, level in enumerate(data.level_list(title=_("Units"))):
            ws = workbook.add_worksheet(_sheet_title(level.title, used))
            _header(ws, _unit_header(), styles)
            line = 1
            for group in level.groups:
                for row in group.rows:
                    _unit_line(ws, line, group.parent_name, row, styles)
                    line += 1
            if index == 0:
                _unit_line(ws, line, data.scope_name, _totals_row(data), styles, bold=True)
        sheets, other = _people_sheets(workbook, data, used, styles)
        _write_people(sheets, other, data.iter_people(), styles)
    except BaseException:
        # Close anyway so the sheets' temporary files are removed; the first error is the news.
        with contextlib.suppress(Exception):
            workbook.close()
        raise
    workbook.close()
