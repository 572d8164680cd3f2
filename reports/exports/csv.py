"""The completion report as CSV, streamed: a generator of text chunks, never the whole file.

Layout (one file a spreadsheet opens directly; UTF-8 with a byte-order mark so Excel reads
the names right): a few lines saying what the report covers, a blank line, the ranking of
every level (one row per unit with its level and parent), a blank line, then the people.
Every text cell goes through `safe_cell` (no formula injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from ..data import ReportData, UnitRow
from .cells import safe_cell
from .columns import ATTENDANCE_LABELS, people_columns, unit_columns

BOM = "\ufeff"
CHUNK_ROWS = 500


class _Line:
    """A file-like object whose write() returns what was written (csv.writer needs a file)."""

    def write(self, value: str) -> str:
        return value


class _Lines:
    """A file-like object that keeps what `writerows` wrote until `take()`."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.write = self._parts.append

    def take(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        return text


def _unit_values(level: str, parent: str, row: UnitRow) -> list:
    values: list = [safe_cell(level), safe_cell(parent), safe_cell(row.code)]
    for _label, key in unit_columns():
        if key == "rank":
            values.append("" if row.rank is None else row.rank)
        elif key == "name":
            values.append(safe_cell(row.name))
        elif key == "completion_pct":
            values.append("" if row.completion_pct is None else row.completion_pct)
        else:
            values.append(getattr(row.counts, key))
    values.append(_("Yes") if row.is_bottom else "")
    return values


def render_csv(data: ReportData) -> Iterator[str]:
    """Yield the CSV in chunks of about `CHUNK_ROWS` lines."""
    writer = csv.writer(_Line())
    yield BOM
    generated = timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M")
    head = [
        ["LAPORAN PELAKSANAAN POLRI BELAJAR"],
        [_("Unit"), safe_cell(data.scope_name)],
        [_("Period"), safe_cell(data.period_label)],
        [_("Generated"), generated],
        [],
        [
            _("Level"),
            _("Parent unit"),
            _("Code"),
            *[label for label, _key in unit_columns()],
            _("Bottom three"),
        ],
    ]
    yield "".join(writer.writerow(line) for line in head)
    lines = []
    for level in data.level_list(title=_("Units")):
        for group in level.groups:
            for row in group.rows:
                lines.append(writer.writerow(_unit_values(level.title, group.parent_name, row)))
    total = UnitRow(
        unit_id=None,
        code=data.scope_code,
        name=_("Total"),
        kind="",
        counts=data.totals,
        completion_pct=data.totals_pct,
    )
    lines.append(writer.writerow(_unit_values(_("Total"), data.scope_name, total)))
    lines.append(writer.writerow([]))
    lines.append(writer.writerow(people_columns()))
    yield "".join(lines)

    # The people are most of the file: labels looked up once, each session's start formatted
    # once, rows handed to the csv module a chunk at a time.
    yes_no = {True: _("Yes"), False: _("No"), None: ""}
    statuses = dict(ATTENDANCE_LABELS)
    starts: dict = {None: ""}
    lines = _Lines()
    writer = csv.writer(lines)
    chunk = []
    for person in data.iter_people():
        start = person.session_start
        if start not in starts:
            starts[start] = timezone.localtime(start).strftime("%Y-%m-%d %H:%M")
        status = person.attendance_status
        chunk.append(
            (
                safe_cell(person.nrp),
                safe_cell(person.name),
                safe_cell(person.rank),
                safe_cell(person.unit_name),
                safe_cell(person.session_title),
                starts[start],
                statuses.get(status, status or "—"),
                person.minutes_attended,
                person.quiz_score,
                yes_no[person.quiz_passed],
                safe_cell(person.certificate_number),
            )
        )
        if len(chunk) >= CHUNK_ROWS:
            writer.writerows(chunk)
            chunk = []
            yield lines.take()
    if chunk:
        writer.writerows(chunk)
        yield lines.take()
