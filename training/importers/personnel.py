"""Read a personnel list as HR (Bag SDM) exports it: CSV or XLSX with NRP, NAMA, PANGKAT, JABATAN,
SATUAN columns. Pure: bytes in, rows with their line numbers out; nothing here touches the database.

- CSV: UTF-8 with or without BOM; comma, semicolon or tab (sniffed from the header row; Excel's
  "sep=;" first line is honoured). Other encodings (UTF-16 with or without a byte order mark,
  Windows-1252) are refused with a message saying how to save the file as UTF-8.
- XLSX: the first sheet (found through workbook.xml and its relationships), streamed by
  `training.importers.xlsx` with memory bounded by the cells kept, after checking the archive's
  headers (number of parts, declared unpacked size, and that size relative to the file's) so a
  zip bomb is refused before anything is inflated; a row of more than `MAX_XLSX_CELLS_PER_ROW`
  cells, more than `MAX_XLSX_ROWS` rows, `MAX_XLSX_SHARED_STRINGS` shared strings or
  `MAX_XLSX_INFLATED_BYTES` read, or XML with a DOCTYPE, is refused with its reason.
- Programs, web pages and SVG/XML documents are refused whatever their name
  (training.uploads.refuse_non_text), as material uploads refuse them.
- The header row may sit below title rows ("DAFTAR PERSONEL POLRES SANGGAU"): the first row in
  the first `HEADER_SCAN_ROWS` that names at least two known columns is the header. Column names
  match case-insensitively, Indonesian or English (see `COLUMN_ALIASES`); other columns are ignored.
- Line numbers are the row numbers a person sees in a spreadsheet (the header is usually line 1).

File-level problems (unreadable, too big, no header) raise `ApplicationError`. Row-level problems
are left to the caller, except those only the reader can see (an NIP Excel stored as a number and
rounded), which travel with the row in `PersonnelRow.problems`.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from training.errors import ApplicationError
from training.importers import xlsx
from training.uploads import refuse_non_text, refuse_zip_bomb, utf16_codec

# The default of settings.PERSONNEL_IMPORT_MAX_BYTES; `max_file_bytes()` is the limit in force.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024  # declared, all parts
MAX_XLSX_INFLATED_BYTES = 100 * 1024 * 1024  # read: the sheet, its strings and styles
MAX_XLSX_CELLS_PER_ROW = 16_384  # Excel's last column
MAX_XLSX_SHARED_STRINGS = 500_000
MAX_ROWS = 50_000
MAX_COLUMNS = 60
# <row> elements read from a sheet: the data rows plus room for title and blank rows.
MAX_XLSX_ROWS = 2 * MAX_ROWS
HEADER_SCAN_ROWS = 20
# Spreadsheets often carry formatted but empty rows down to row 1,048,576: stop after this many.
MAX_TRAILING_EMPTY_ROWS = 1_000

FIELDS = ("nrp", "name", "rank", "position", "unit")
REQUIRED_FIELDS = ("nrp", "name", "rank", "unit")
COLUMN_LABELS = {
    "nrp": "NRP",
    "name": "NAMA",
    "rank": "PANGKAT",
    "position": "JABATAN",
    "unit": "SATUAN",
}
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "nrp": ("NRP", "NIP", "NRP/NIP", "NIP/NRP", "NRP NIP", "NO NRP", "NOMOR NRP"),
    "name": ("NAMA", "NAME", "NAMA LENGKAP", "FULL NAME", "NAMA PERSONEL", "NAMA/GELAR"),
    "rank": ("PANGKAT", "RANK", "PANGKAT/GOL", "PANGKAT/GOLONGAN", "PANGKAT/GOL RUANG", "GOLONGAN"),
    "position": ("JABATAN", "POSITION", "JAB"),
    "unit": ("SATUAN", "SATKER", "UNIT", "KESATUAN", "SATUAN KERJA", "SATKER/SATWIL"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}

# Excel keeps 15 significant digits: an 18-digit NIP typed as a number has lost its tail.
_EXCEL_EXACT_DIGITS = 15
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class PersonnelRow:
    """One data row. `position` is None when the file has no JABATAN column."""

    line: int
    nrp: str
    name: str
    rank: str
    unit: str
    position: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFile:
    rows: list[PersonnelRow]
    header_line: int
    missing_columns: list[str] = field(default_factory=list)  # labels, e.g. ["SATUAN"]

    @property
    def has_position(self) -> bool:
        return "JABATAN" not in self.missing_columns


def normalize_header(text: str) -> str:
    """ "Nama Lengkap" → "NAMA LENGKAP", " NRP. " → "NRP", "Pangkat / Gol." → "PANGKAT/GOL"."""
    folded = re.sub(r"[.*:\"']", "", str(text).replace("\ufeff", "")).upper()
    folded = re.sub(r"\s*/\s*", "/", folded)
    return re.sub(r"\s+", " ", folded).strip()


def missing_column_message(label: str) -> str:
    name = next(key for key, value in COLUMN_LABELS.items() if value == label)
    aliases = ", ".join(alias for alias in COLUMN_ALIASES[name] if alias != label)
    return _("the column %(column)s is missing (also accepted: %(aliases)s)") % {
        "column": label,
        "aliases": aliases,
    }


def max_file_bytes() -> int:
    """The largest personnel list accepted, in bytes (settings.PERSONNEL_IMPORT_MAX_BYTES)."""
    return getattr(settings, "PERSONNEL_IMPORT_MAX_BYTES", MAX_FILE_BYTES)


def too_large_message() -> str:
    return _("The file is larger than %(size)s MB. Split it into smaller files.") % {
        "size": max(1, max_file_bytes() // (1024 * 1024))
    }


def parse_personnel_file(data: bytes, *, filename: str = "") -> ParsedFile:
    """Read a CSV or XLSX personnel list (told apart by content, not by file name; the name only
    makes the message clearer when a file called .xlsx is not a workbook)."""
    if len(data) > max_file_bytes():
        raise ApplicationError(too_large_message())
    if not data.strip():
        raise ApplicationError(_("The file is empty."))
    refuse_non_text(data[:8192])
    if data.startswith(_XLS_MAGIC):
        raise ApplicationError(
            _("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or as CSV UTF-8.")
        )
    if data.startswith(_XLSX_MAGIC):
        return _parse_records(_xlsx_records(data))
    try:
        text = _decode(data)
    except ApplicationError:
        if str(filename).lower().endswith(".xlsx"):
            raise ApplicationError(
                _(
                    "The file is named .xlsx but is not an Excel workbook (it may be damaged). "
                    "Save it again from Excel as .xlsx or as CSV UTF-8."
                )
            ) from None
        raise
    return _parse_records(_csv_records(text))


def parse_personnel_csv(text: str) -> ParsedFile:
    """Read CSV text that is already decoded."""
    return _parse_records(_csv_records(text))


# --- CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if utf16_codec(data):
        raise ApplicationError(
            _(
                'The file is UTF-16 ("Unicode Text"), not UTF-8. In Excel choose Save As → '
                '"CSV UTF-8 (Comma delimited)" and upload that file.'
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            _(
                "The file is not UTF-8 (unreadable byte at position %(position)s). In Excel "
                'choose Save As → "CSV UTF-8 (Comma delimited)" and upload that file.'
            )
            % {"position": exc.start}
        ) from exc


def _sniff_delimiter(text: str) -> tuple[str, int]:
    """The delimiter that best reveals the header, and how many leading lines to skip."""
    head_lines = text.splitlines()[: HEADER_SCAN_ROWS + 1]
    first = head_lines[0].strip().lower() if head_lines else ""
    if first.startswith("sep=") and len(first) == 5:
        return first[4], 1
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        score = 0
        try:
            for cells in csv.reader(head_lines, delimiter=delimiter):
                found = {_ALIAS_TO_FIELD.get(normalize_header(cell)) for cell in cells} - {None}
                score = max(score, len(found))
        except csv.Error:
            continue
        if score > best_score:
            best, best_score = delimiter, score
    return best, 0


def _csv_records(text: str) -> Iterator[tuple[int, list[Any]]]:
    if "\x00" in text:
        raise ApplicationError(_("The file contains binary data; it is not a CSV file."))
    delimiter, skip = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for line, cells in enumerate(reader, start=1):
            if line > skip:
                yield line, cells
    except csv.Error as exc:
        raise ApplicationError(
            _("line %(line)s: the CSV cannot be read (%(error)s).")
            % {"line": reader.line_num, "error": exc}
        ) from exc


# --- XLSX --------------------------------------------------------------------------------------


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ApplicationError(_("The file is damaged or is not an Excel (.xlsx) file.")) from exc
    with archive:
        infos = archive.infolist()
        # The headers first: zipfile never inflates an entry past its declared size, and
        # the reader counts what it inflates besides.
        if sum(info.file_size for info in infos) > MAX_XLSX_UNPACKED_BYTES:
            raise ApplicationError(xlsx.too_large_message())
        refuse_zip_bomb(infos, archive_size=len(data))  # too many parts, or packed too tightly
        yield from xlsx.read_first_sheet(
            archive,
            max_columns=MAX_COLUMNS,
            max_rows=MAX_XLSX_ROWS,
            max_cells_per_row=MAX_XLSX_CELLS_PER_ROW,
            max_shared_strings=MAX_XLSX_SHARED_STRINGS,
            max_inflated_bytes=MAX_XLSX_INFLATED_BYTES,
        )


# --- Shared ------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split())  # trims and collapses runs of spaces and line breaks
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _find_header(cells: list[Any]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        name = _ALIAS_TO_FIELD.get(normalize_header(_cell_text(cell)))
        if name is not None:
            columns.setdefault(name, []).append(index)
    return columns


def _value(cells: list[Any], indexes: list[int]) -> tuple[str, Any]:
    """The first non-empty cell among a field's columns (a list may have both NRP and NIP)."""
    for index in indexes:
        if index < len(cells):
            text = _cell_text(cells[index])
            if text:
                return text, cells[index]
    return "", None


def _nrp_problems(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and abs(raw) >= 10**15:
        return (
            _(
                "the NRP/NIP was stored as a number and Excel has rounded its last digits; "
                "format the column as Text and type the NIP again"
            ),
        )
    return ()


def _parse_records(records: Iterable[tuple[int, list[Any]]]) -> ParsedFile:
    records = iter(records)
    columns: dict[str, list[int]] = {}
    header_line = 0
    for line, cells in records:
        found = _find_header(cells)
        if len(found) >= 2:
            columns, header_line = found, line
            break
        if line >= HEADER_SCAN_ROWS:
            break
    if not header_line:
        raise ApplicationError(
            _(
                "No header row found: one of the first %(rows)s rows must name the columns "
                "NRP, NAMA, PANGKAT, JABATAN and SATUAN."
            )
            % {"rows": HEADER_SCAN_ROWS}
        )
    missing = [COLUMN_LABELS[name] for name in FIELDS if name not in columns]
    rows: list[PersonnelRow] = []
    empty_run = 0
    for line, cells in records:
        values = {name: _value(cells, indexes) for name, indexes in columns.items()}
        if not any(text for text, _raw in values.values()):
            empty_run += 1
            if empty_run >= MAX_TRAILING_EMPTY_ROWS:
                break
            continue
        empty_run = 0
        if len(rows) >= MAX_ROWS:
            raise ApplicationError(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        nrp_text, nrp_raw = values.get("nrp", ("", None))
        rows.append(
            PersonnelRow(
                line=line,
                nrp=nrp_text.lstrip("'"),
                name=values.get("name", ("", None))[0],
                rank=values.get("rank", ("", None))[0],
                unit=values.get("unit", ("", None))[0],
                position=values["position"][0] if "position" in values else None,
                problems=_nrp_problems(nrp_raw),
            )
        )
    return ParsedFile(rows=rows, header_line=header_line, missing_columns=missing)
