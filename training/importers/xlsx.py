"""Read the first sheet of an XLSX workbook with memory bounded by the cells kept.

Pure: an open `zipfile.ZipFile` in, `(line, cells)` out; nothing here touches the database.

A spreadsheet library builds every cell of a row before handing the row over, so one `<row>`
declaring millions of cells (an "XLSX bomb": 85 KB on the wire, hundreds of MB once read) costs
its full size in memory and time. This reader instead streams each part it needs straight from
the archive through expat (the parser under `xml.etree`), in `CHUNK_BYTES` pieces of the
inflated stream, and keeps only:

- the cells of the first `max_columns` columns of the current row (the rest are counted, never
  stored), each at most `MAX_CELL_CHARS` characters (Excel's own limit);
- the shared strings table (`xl/sharedStrings.xml`), at most `max_shared_strings` entries;
- which cell styles are dates (`xl/styles.xml`), so dates read as dates.

It refuses, with `ApplicationError` and a sentence a person understands (with the row number when
there is one), before anything is yielded past the fault:

- a part whose declared size, or whose declared packing ratio (over `MAX_PART_RATIO` for parts
  above `RATIO_CHECKED_FROM` bytes), says it is a bomb, before it is inflated;
- more than `max_inflated_bytes` inflated in total, counted on the bytes actually read (the
  declared sizes are only the archive's word);
- a row with more than `max_cells_per_row` cells, more than `max_rows` rows, more than
  `max_shared_strings` shared strings, a cell over `MAX_CELL_CHARS` characters;
- any XML with a document type declaration or entity declarations (billion laughs, external
  entities): OOXML never needs one;
- a workbook whose first sheet cannot be found through `workbook.xml` and its relationships.

Values come out as openpyxl's `data_only` read gives them: shared and inline strings as `str`,
numbers as `int` (no fraction or exponent written) or `float`, booleans as `bool`, numbers in a
date style as `datetime.datetime` (a fraction of a day below 1 as `datetime.time`, elapsed-time
styles such as `[h]:mm` as `datetime.timedelta`), formula results as their cached value, error
cells as their text ("#N/A") and empty cells as `None`. Missing rows read as empty rows, and
missing cells (column gaps, "A1, C1") as `None`, so line numbers and columns are the ones Excel
shows.
"""

import contextlib
import datetime
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _

from training.errors import ApplicationError

CHUNK_BYTES = 64 * 1024
MAX_INFLATED_BYTES = 100 * 1024 * 1024
MAX_SMALL_PART_BYTES = 8 * 1024 * 1024  # workbook.xml, relationships, styles
MAX_PART_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
MAX_CELLS_PER_ROW = 16_384  # Excel's last column, XFD
MAX_ROWS = 1_048_576  # Excel's last row
MAX_SHARED_STRINGS = 500_000
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell

_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_MAC_EPOCH = datetime.datetime(1904, 1, 1)
# Built-in number formats that are dates or times (ECMA-376 §18.8.30); 46 is elapsed time.
_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}
_BUILTIN_ELAPSED_FORMATS = {46}
# How a number format code is told to be a date, a time or an elapsed time (ECMA-376 §18.8.31;
# the same reading openpyxl gives it): quoted literals and bracketed locale or colour parts are
# ignored, then any d, m, y, h or s not escaped makes it a date.
_FORMAT_NOISE_RE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_CODE_RE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_ELAPSED_RE = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_CELL_REF_RE = re.compile(r"([A-Za-z]{1,3})")
_RELS_NS_END = "/relationships"  # transitional and strict OOXML


class _Refused(Exception):
    """Raised inside expat handlers; turned into ApplicationError outside the parser."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def cannot_read_message() -> str:
    return _(
        "The spreadsheet cannot be read (it may be damaged). Save it again as .xlsx or CSV UTF-8."
    )


def column_index(reference: str) -> int | None:
    """ "A1" → 1, "AB12" → 28, "XFD3" → 16384; None when `reference` has no column letters."""
    match = _CELL_REF_RE.match(reference)
    if not match:
        return None
    index = 0
    for letter in match.group(1).upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def read_first_sheet(
    archive: zipfile.ZipFile,
    *,
    max_columns: int,
    max_rows: int = MAX_ROWS,
    max_cells_per_row: int = MAX_CELLS_PER_ROW,
    max_shared_strings: int = MAX_SHARED_STRINGS,
    max_inflated_bytes: int = MAX_INFLATED_BYTES,
) -> Iterator[tuple[int, list[Any]]]:
    """Yield `(line, cells)` for every row of the workbook's first sheet, line numbers as Excel
    shows them; `cells` holds the first `max_columns` columns (None where empty, shorter when
    the row ends earlier). Raises ApplicationError as the module docstring lists."""
    reader = _Reader(archive, max_inflated_bytes=max_inflated_bytes)
    workbook_path = reader.workbook_path()
    sheet_path, strings_path, styles_path, date1904 = reader.workbook_parts(workbook_path)
    reader.check_declared([p for p in (sheet_path, strings_path, styles_path) if p])
    styles = reader.date_styles(styles_path) if styles_path else {}
    strings = (
        reader.shared_strings(strings_path, max_count=max_shared_strings) if strings_path else []
    )
    sheet = _SheetHandler(
        strings=strings,
        styles=styles,
        epoch=_MAC_EPOCH if date1904 else _EXCEL_EPOCH,
        max_columns=max_columns,
        max_rows=max_rows,
        max_cells_per_row=max_cells_per_row,
    )
    yield from reader.stream(sheet_path, sheet)


class _Reader:
    """Opens parts of one archive and feeds them to expat, counting every inflated byte."""

    def __init__(self, archive: zipfile.ZipFile, *, max_inflated_bytes: int) -> None:
        self.archive = archive
        self.names = {info.filename: info for info in archive.infolist()}
        self.max_inflated_bytes = max_inflated_bytes
        self.inflated = 0

    # --- Finding the first sheet ----------------------------------------------------------

    def workbook_path(self) -> str:
        rels = self._relationships("_rels/.rels", base="")
        for rel_type, target in rels.values():
            if rel_type.endswith("/officeDocument"):
                return target
        return "xl/workbook.xml"

    def workbook_parts(self, path: str) -> tuple[str, str | None, str | None, bool]:
        if path not in self.names:
            raise ApplicationError(cannot_read_message())
        found: dict[str, Any] = {"sheet": None, "date1904": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = name.rpartition(" ")[2]
            if local == "workbookPr":
                found["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")
            elif local == "sheet" and found["sheet"] is None:
                found["sheet"] = next(
                    (
                        value
                        for key, value in attrs.items()
                        if key.endswith(" id") and key.rpartition(" ")[0].endswith(_RELS_NS_END)
                    ),
                    None,
                )

        self._parse_small(path, start=start)
        directory = posixpath.dirname(path)
        rels = self._relationships(
            posixpath.join(directory, "_rels", posixpath.basename(path) + ".rels"), base=directory
        )
        if found["sheet"] is None or found["sheet"] not in rels:
            raise ApplicationError(_("The spreadsheet has no sheets."))
        sheet = rels[found["sheet"]][1]
        strings = next((t for k, t in rels.values() if k.endswith("/sharedStrings")), None)
        styles = next((t for k, t in rels.values() if k.endswith("/styles")), None)
        if sheet not in self.names:
            raise ApplicationError(cannot_read_message())
        return (
            sheet,
            strings if strings in self.names else None,
            styles if styles in self.names else None,
            found["date1904"],
        )

    def _relationships(self, path: str, *, base: str) -> dict[str, tuple[str, str]]:
        """Id → (type, target part path) of a .rels part; empty when there is none."""
        rels: dict[str, tuple[str, str]] = {}
        if path not in self.names:
            return rels

        def start(name: str, attrs: dict[str, str]) -> None:
            if name.rpartition(" ")[2] != "Relationship" or attrs.get("TargetMode") == "External":
                return
            target = attrs.get("Target", "")
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(base, target))
            rels[attrs.get("Id", "")] = (attrs.get("Type", ""), resolved)

        self._parse_small(path, start=start)
        return rels

    # --- Bounds ---------------------------------------------------------------------------

    def check_declared(self, paths: list[str]) -> None:
        """Refuse parts that say up front they are too big or packed too tightly."""
        infos = [self.names[path] for path in paths]
        if sum(info.file_size for info in infos) > self.max_inflated_bytes:
            raise ApplicationError(too_large_message())
        for info in infos:
            if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_PART_RATIO * max(
                info.compress_size, 1
            ):
                raise ApplicationError(
                    _(
                        "The spreadsheet is packed %(ratio)s times tighter than a real list "
                        "(it looks like a ZIP bomb) and is refused. Save it again as .xlsx or "
                        "CSV UTF-8."
                    )
                    % {"ratio": info.file_size // max(info.compress_size, 1)}
                )

    def _chunks(self, path: str, *, limit: int) -> Iterator[bytes]:
        """The inflated bytes of a part, counted against this part's and the total budget."""
        read = 0
        try:
            with self.archive.open(self.names[path]) as member:
                while chunk := member.read(CHUNK_BYTES):
                    read += len(chunk)
                    self.inflated += len(chunk)
                    if read > limit or self.inflated > self.max_inflated_bytes:
                        raise ApplicationError(too_large_message())
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            # Damaged data, a bad checksum, an unknown compression method, an encrypted part.
            raise ApplicationError(cannot_read_message()) from exc

    # --- Parsing --------------------------------------------------------------------------

    def _parser(self) -> expat.XMLParserType:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True

        def refuse_doctype(*_args: Any) -> None:
            raise _Refused(
                _(
                    "The spreadsheet contains an XML document type declaration, which Excel "
                    "never writes; it is refused. Save it again as .xlsx or CSV UTF-8."
                )
            )

        parser.StartDoctypeDeclHandler = refuse_doctype
        parser.EntityDeclHandler = refuse_doctype
        parser.ExternalEntityRefHandler = refuse_doctype
        return parser

    def _feed(self, path: str, parser: expat.XMLParserType, *, limit: int) -> Iterator[None]:
        """Feed a part chunk by chunk, yielding after each so a caller can drain its output."""
        try:
            for chunk in self._chunks(path, limit=limit):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
            yield
        except _Refused as exc:
            raise ApplicationError(exc.message) from None
        except expat.ExpatError as exc:
            raise ApplicationError(
                _(
                    "The spreadsheet cannot be read (its XML is broken at line %(line)s). Save it "
                    "again as .xlsx or CSV UTF-8."
                )
                % {"line": exc.lineno}
            ) from exc

    def _parse_small(
        self,
        path: str,
        *,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
        limit: int = MAX_SMALL_PART_BYTES,
    ) -> None:
        parser = self._parser()
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        for _step in self._feed(path, parser, limit=limit):
            pass

    def date_styles(self, path: str) -> dict[int, str]:
        """Cell style index → "date" or "elapsed", for the styles that show a number as one."""
        codes: dict[int, str] = {}
        xfs: list[int] = []
        depth = {"cellXfs": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = name.rpartition(" ")[2]
            if local == "numFmt":
                with contextlib.suppress(ValueError):
                    codes[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                depth["cellXfs"] = True
            elif local == "xf" and depth["cellXfs"]:
                try:
                    xfs.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)

        def end(name: str) -> None:
            if name.rpartition(" ")[2] == "cellXfs":
                depth["cellXfs"] = False

        self._parse_small(path, start=start, end=end)
        styles: dict[int, str] = {}
        for index, format_id in enumerate(xfs):
            kind = _format_kind(format_id, codes.get(format_id))
            if kind:
                styles[index] = kind
        return styles

    def shared_strings(self, path: str, *, max_count: int) -> list[str]:
        strings: list[str] = []
        state: dict[str, Any] = {"parts": None, "length": 0, "in_t": False, "phonetic": 0}

        def start(name: str, _attrs: dict[str, str]) -> None:
            local = name.rpartition(" ")[2]
            if local == "si":
                if len(strings) >= max_count:
                    raise _Refused(
                        _(
                            "The spreadsheet has more than %(max)s different texts. Split it into "
                            "smaller files or save it as CSV UTF-8."
                        )
                        % {"max": max_count}
                    )
                state["parts"], state["length"] = [], 0
            elif local == "rPh":  # phonetic guide (furigana), not part of the text
                state["phonetic"] += 1
            elif local == "t" and state["parts"] is not None and not state["phonetic"]:
                state["in_t"] = True

        def end(name: str) -> None:
            local = name.rpartition(" ")[2]
            if local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["phonetic"] -= 1
            elif local == "si" and state["parts"] is not None:
                # As openpyxl does: drop the escape Excel writes before a literal "_x...".
                strings.append("".join(state["parts"]).replace("x005F_", ""))
                state["parts"] = None

        def text(data: str) -> None:
            if state["in_t"]:
                state["length"] += len(data)
                if state["length"] > MAX_CELL_CHARS:
                    raise _Refused(cell_too_long_message(None))
                state["parts"].append(data)

        self._parse_small(path, start=start, end=end, text=text, limit=self.max_inflated_bytes)
        return strings

    def stream(self, path: str, sheet: "_SheetHandler") -> Iterator[tuple[int, list[Any]]]:
        parser = self._parser()
        parser.StartElementHandler = sheet.start
        parser.EndElementHandler = sheet.end
        parser.CharacterDataHandler = sheet.text
        for _step in self._feed(path, parser, limit=self.max_inflated_bytes):
            if sheet.ready:
                yield from sheet.ready
                sheet.ready.clear()


def _format_kind(format_id: int, code: str | None) -> str | None:
    if code is None:
        if format_id not in _BUILTIN_DATE_FORMATS:
            return None
        return "elapsed" if format_id in _BUILTIN_ELAPSED_FORMATS else "date"
    first = code.split(";")[0]
    if not _DATE_CODE_RE.search(_FORMAT_NOISE_RE.sub("", first)):
        return None
    return "elapsed" if _ELAPSED_RE.search(first) else "date"


def too_large_message() -> str:
    return _("The spreadsheet is too large once unpacked. Split it into smaller files.")


def cell_too_long_message(line: int | None) -> str:
    message = _("a cell holds more than %(max)s characters (Excel's own limit)") % {
        "max": MAX_CELL_CHARS
    }
    if line is None:
        return _("The spreadsheet cannot be read: %(reason)s.") % {"reason": message}
    return _("line %(line)s: %(message)s") % {"line": line, "message": message}


class _SheetHandler:
    """expat callbacks for a worksheet: builds one row at a time into `ready`."""

    def __init__(
        self,
        *,
        strings: list[str],
        styles: dict[int, str],
        epoch: datetime.datetime,
        max_columns: int,
        max_rows: int,
        max_cells_per_row: int,
    ) -> None:
        self.strings = strings
        self.styles = styles
        self.epoch = epoch
        self.max_columns = max_columns
        self.max_rows = max_rows
        self.max_cells_per_row = max_cells_per_row
        self.ready: list[tuple[int, list[Any]]] = []
        self.last_line = 0
        self.rows_seen = 0
        self.line = 0
        self.cells: dict[int, Any] = {}
        self.cell_count = 0
        self.column = 0
        self.cell: dict[str, Any] | None = None  # the cell being read, when it is kept
        self.collect: list[str] | None = None  # where character data goes, if anywhere
        self.collected = 0
        self.phonetic = 0

    def _refuse(self, message: str) -> None:
        raise _Refused(_("line %(line)s: %(message)s") % {"line": self.line, "message": message})

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "c":
            self._start_cell(attrs)
        elif local == "row":
            self._start_row(attrs)
        elif self.cell is None:
            return
        elif local == "v":
            self.collect = self.cell["v"]
        elif local == "rPh":
            self.phonetic += 1
        elif local == "t" and self.cell["in_is"] and not self.phonetic:
            self.collect = self.cell["is"]
        elif local == "is":
            self.cell["in_is"] = True

    def _start_row(self, attrs: dict[str, str]) -> None:
        self.rows_seen += 1
        try:
            line = int(attrs["r"]) if "r" in attrs else self.last_line + 1
        except ValueError:
            line = self.last_line + 1
        self.line = max(line, self.last_line + 1)
        if self.rows_seen > self.max_rows or self.line > MAX_ROWS:
            self._refuse(
                _("the sheet has more than %(max)s rows; split it into smaller files")
                % {"max": min(self.max_rows, MAX_ROWS)}
            )
        self.cells, self.cell_count, self.column = {}, 0, 0

    def _start_cell(self, attrs: dict[str, str]) -> None:
        self.cell_count += 1
        if self.cell_count > self.max_cells_per_row:
            self._refuse(
                _(
                    "the row has more than %(max)s cells (a real list has a few dozen columns); "
                    "the file is refused"
                )
                % {"max": self.max_cells_per_row}
            )
        reference = attrs.get("r")
        column = column_index(reference) if reference else None
        self.column = column if column is not None else self.column + 1
        if self.column > MAX_CELLS_PER_ROW:
            self._refuse(_("a cell lies beyond Excel's last column (XFD)"))
        self.cell = None
        if self.column <= self.max_columns:
            self.cell = {"t": attrs.get("t", "n"), "s": attrs.get("s"), "v": [], "is": []}
            self.cell["in_is"] = False
        self.collected = 0

    def text(self, data: str) -> None:
        if self.collect is not None:
            self.collected += len(data)
            if self.collected > MAX_CELL_CHARS:
                raise _Refused(cell_too_long_message(self.line))
            self.collect.append(data)

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local in ("v", "t"):
            self.collect = None
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c":
            if self.cell is not None:
                self.cells[self.column] = self._value(self.cell)
            self.cell, self.collect = None, None
        elif local == "row":
            for gap in range(self.last_line + 1, self.line):
                self.ready.append((gap, []))
            width = max(self.cells, default=0)
            self.ready.append((self.line, [self.cells.get(i) for i in range(1, width + 1)]))
            self.last_line = self.line

    def _value(self, cell: dict[str, Any]) -> Any:
        kind = cell["t"]
        if kind == "inlineStr":
            return "".join(cell["is"])
        raw = "".join(cell["v"])
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                raise _Refused(cannot_read_message()) from None
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        raw = raw.strip()
        if not raw:
            return None
        try:
            number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
        except ValueError:
            return raw
        style = self.styles.get(int(cell["s"])) if (cell["s"] or "").isdigit() else None
        if style is None:
            return number
        return self._as_date(float(number), elapsed=style == "elapsed")

    def _as_date(self, value: float, *, elapsed: bool) -> Any:
        """Excel's serial day number as openpyxl reads it: to the millisecond, a fraction of a
        day as a time, and in the 1900 system days before the non-existent 29 February 1900
        shifted by one."""
        try:
            if elapsed:
                delta = datetime.timedelta(days=value)
                if delta.microseconds:
                    delta = datetime.timedelta(
                        seconds=delta.total_seconds() // 1,
                        microseconds=round(delta.microseconds, -3),
                    )
                return delta
            day, fraction = divmod(value, 1)
            diff = datetime.timedelta(milliseconds=round(fraction * 86_400_000))
            if 0 <= value < 1 and diff.days == 0:
                minutes, seconds = divmod(diff.seconds, 60)
                hours, minutes = divmod(minutes, 60)
                return datetime.time(hours, minutes, seconds, diff.microseconds)
            if 0 < value < 60 and self.epoch == _EXCEL_EPOCH:
                day += 1
            return self.epoch + datetime.timedelta(days=day) + diff
        except OverflowError:
            return value
