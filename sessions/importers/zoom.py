"""Zoom participant report (CSV) parser and name normalizer. Pure: no ORM, no Django models.

Accepted layouts (see ZOOM_FORMAT_NOTES.md):
- "Meeting participants" with the meeting summary block on top (summary header, summary values,
  an empty row, then the participant header) or without it;
- English (Title Case and lower case), Indonesian and Japanese header names, with the extended
  column sets (Guest, Recording Consent, In Waiting Room, ...) ignored;
- the webinar attendee report (sections "Host Details", "Panelist Details", "Attendee Details",
  absent registrants with "--" times are skipped);
- comma, semicolon or tab separated; UTF-8 with or without BOM (Windows-1252 as a fallback for
  Excel re-saves; UTF-16 with or without BOM, Excel's "Unicode Text"); CRLF or LF; with or
  without a trailing newline; binary data (zero bytes in the decoded text) is refused;
- dates `M/D/YYYY h:mm:ss AM`, `YYYY-MM-DD HH:MM:SS`, `YYYY/M/D H:MM`, `D/M/YYYY HH:MM[:SS]`,
  `M/D/YYYY HH:MM[:SS]`. Day-first and month-first 24h dates are told apart by a value above 12
  anywhere in the file, else by the session date given as `date_hint`, else month-first (Zoom's
  default).

`parse_report()` returns every participant row with its line number, or raises
`ZoomReportError` with all line-numbered problems found. `merge_intervals()` joins rejoins and
overlapping connections so minutes are never counted twice.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from training.uploads import utf16_codec


class ZoomReportError(Exception):
    """The file cannot be imported. `problems` is a list of (line number, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {msg}" for line, msg in problems))


@dataclass(frozen=True)
class ZoomRow:
    line: int
    name: str  # display name as shown ("015_Loki")
    original_name: str  # the part in parentheses ("Loki Laufeyson"), "" if none
    email: str
    join: datetime  # aware
    leave: datetime  # aware
    duration_minutes: int


@dataclass
class ZoomReport:
    rows: list[ZoomRow]
    meeting_id: str = ""
    topic: str = ""
    start: datetime | None = None
    end: datetime | None = None
    delimiter: str = ","
    header_line: int = 0
    layout: str = "participants"
    skipped: list[tuple[int, str]] = field(default_factory=list)


# --- header vocabularies (keys are normalized with _norm_header) -------------------------------
_NAME = {
    "name (original name)",
    "user name (original name)",
    "name",
    "user name",
    "participant",
    "nama (nama asli)",
    "nama",
    "nama pengguna (nama asli)",
    "名前 (元の名前)",
    "名前",
    "nameoriginalname",
}
_EMAIL = {"user email", "email", "e-mail", "user_email_2", "surel", "ユーザーメール", "メール"}
_JOIN = {"join time", "join_time", "waktu bergabung", "waktu gabung", "参加時刻"}
_LEAVE = {"leave time", "leave_time", "waktu keluar", "waktu meninggalkan", "退出時刻"}
_DURATION = {
    "duration (minutes)",
    "duration (mins)",
    "time in session (minutes)",
    "durasi (menit)",
    "total durasi (menit)",
    "duration_minutes_2",
    "所要時間(分)",
}
_ATTENDED = {"attended", "hadir"}
_SUMMARY_ID = {"meeting id", "meetingid", "id", "id rapat", "webinar id", "ミーティングid"}
_SUMMARY_TOPIC = {"topic", "topik", "トピック"}
_SUMMARY_START = {"start time", "start_time", "actual start time", "waktu mulai", "開始時刻"}
_SUMMARY_END = {"end time", "end_time", "waktu berakhir", "waktu selesai", "終了時刻"}

_AMPM_RE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp])\.?[Mm]\.?$"
)
_ISO_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_SLASH_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?$")
_SLASH_24H_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+\d{1,2}:\d{2}(?::\d{2})?\s*$")


def _norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").replace("\ufeff", "").strip().lower()
    return re.sub(r"\s+", " ", text)


def decode(content: bytes) -> str:
    """UTF-8 (BOM or not); UTF-16 (Excel's "Unicode Text"); Windows-1252 for files re-saved by
    an Indonesian-locale Excel."""
    codec = utf16_codec(content)
    if codec:
        return content.decode(codec, errors="replace").lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The separator of the first non-empty line: the most frequent of `,` `;` and tab."""
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in (",", ";", "\t")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def split_display_name(name: str) -> tuple[str, str]:
    """ "015_Loki (Loki Laufeyson)" → ("015_Loki", "Loki Laufeyson")."""
    text = (name or "").strip()
    match = re.match(r"^(.*\S)\s*\(([^()]*)\)\s*$", text)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return text, ""


_NRP_CANDIDATE_RE = re.compile(r"(?<![\d])\d(?:[\d .\-]*\d)?(?![\d])")


def find_nrps(text: str) -> list[str]:
    """Every 8-digit NRP or 18-digit NIP written anywhere in `text` (spaces, dots, dashes inside
    the number are allowed: "8712 0345" → "87120345")."""
    found = []
    for match in _NRP_CANDIDATE_RE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) in (8, 18):
            found.append(digits)
        else:
            # Two numbers separated by a space ("015 87120345"): look at each run alone.
            found.extend(d for d in re.findall(r"\d+", match.group(0)) if len(d) in (8, 18))
    return list(dict.fromkeys(found))


_TITLE_PREFIXES = {"dr", "drs", "dra", "ir", "prof", "h", "hj", "kh", "bapak", "ibu", "pak", "bu"}
_POL_WORDS = {"pol", "polisi"}


@lru_cache(maxsize=8)
def _rank_tables(rank_words: frozenset[str]) -> tuple[set[str], list[list[str]]]:
    """Single-word rank spellings, and multi-word ones longest first (prepared once)."""
    ranks = {r.upper() for r in rank_words}
    multi = sorted((r.split() for r in ranks if " " in r), key=len, reverse=True)
    return ranks, multi


def normalize_person_name(name: str, *, rank_words: Iterable[str] = ()) -> str:
    """A key for exact name matching: unit prefixes ("POLSEK KAPUAS - "), list numbers ("015_"),
    rank prefixes ("Bripka", "AKBP", "Kombes Pol."), academic titles before ("Dr.", "Ir.", "H.")
    and after the name (", S.I.K., M.H."), case, accents and punctuation all removed.

    `rank_words` are normalized rank spellings (upper case, e.g. "BRIPKA", "KOMBES", "AKBP").
    """
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # "POLSEK KAPUAS - Bripka X" / "Polres Sanggau | X": the person is after the last separator.
    text = re.split(r"\s[-–|/]\s", text)[-1]
    text = re.sub(r"^\s*\d+\s*[_.)\-]\s*", "", text)  # "015_Loki", "12. Ali"
    text = text.split(",")[0]  # Indonesian titles after the name follow a comma
    words = [w for w in re.split(r"[\s.]+", text) if w]
    ranks, multi = _rank_tables(frozenset(rank_words))
    changed = True
    while changed and words:
        changed = False
        upper = [w.upper() for w in words]
        for parts in multi:
            if upper[: len(parts)] == parts:
                words = words[len(parts) :]
                changed = True
                break
        else:
            head = upper[0]
            if head in ranks or head.lower() in _TITLE_PREFIXES or head.lower() in _POL_WORDS:
                words = words[1:]
                changed = True
    cleaned = " ".join(re.sub(r"[^\w']", "", w) for w in words).casefold()
    return re.sub(r"\s+", " ", cleaned).strip()


# --- dates -------------------------------------------------------------------------------------
def _choose_day_first(values: Iterable[str], date_hint: date | None) -> bool:
    """Decide D/M/Y vs M/D/Y for 24-hour slash dates once per file."""
    pairs = []
    for value in values:
        match = _SLASH_24H_RE.match(value or "")
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12:
                return True
            if second > 12:
                return False
            pairs.append((first, second, int(match.group(3))))
    if date_hint and pairs:
        for first, second, year in pairs:
            if (year, second, first) == (date_hint.year, date_hint.month, date_hint.day):
                return True
            if (year, first, second) == (date_hint.year, date_hint.month, date_hint.day):
                return False
    return False


def parse_datetime(value: str, *, tz: ZoneInfo, day_first: bool) -> datetime:
    """One of the accepted formats (see the module docstring) → aware datetime in `tz`.

    Hand-written matching: `strptime` with several candidate formats costs ~50x more per row.
    Raises ValueError for anything else, including impossible dates (31/02).
    """
    text = " ".join((value or "").split())
    if match := _AMPM_RE.match(text):
        month, day, year, hour, minute, second, half = match.groups()
        hour_24 = int(hour) % 12 + (12 if half in "Pp" else 0)
        if not 1 <= int(hour) <= 12:
            raise ValueError(text)
        return datetime(
            int(year), int(month), int(day), hour_24, int(minute), int(second or 0), tzinfo=tz
        )
    if match := _ISO_RE.match(text):
        year, month, day, hour, minute, second = match.groups()
    elif match := _SLASH_RE.match(text):
        first, second_part, year, hour, minute, second = match.groups()
        day, month = (first, second_part) if day_first else (second_part, first)
    else:
        raise ValueError(text)
    return datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tz
    )


# --- the parser --------------------------------------------------------------------------------
@dataclass
class _Columns:
    name: int
    join: int
    leave: int
    email: int | None = None
    duration: int | None = None
    attended: int | None = None
    width: int = 0


def _participant_columns(cells: list[str]) -> _Columns | None:
    keys = [_norm_header(c) for c in cells]

    def find(vocab: set[str]) -> int | None:
        return next((i for i, k in enumerate(keys) if k in vocab), None)

    name, join, leave = find(_NAME), find(_JOIN), find(_LEAVE)
    if name is None or join is None or leave is None:
        return None
    return _Columns(
        name=name,
        join=join,
        leave=leave,
        email=find(_EMAIL),
        duration=find(_DURATION),
        attended=find(_ATTENDED),
        width=len(keys),
    )


def _is_blank(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def parse_report(
    content: bytes | str, *, tz: ZoneInfo, date_hint: date | None = None
) -> ZoomReport:
    """Parse a Zoom participant report. Raises ZoomReportError listing every problem found."""
    text = decode(content) if isinstance(content, bytes) else content.lstrip("\ufeff")
    if not text.strip():
        raise ZoomReportError([(1, "the file is empty")])
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ZoomReportError([(line, "the file contains binary data; it is not a CSV text file")])
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            records.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ZoomReportError([(reader.line_num, f"the CSV is malformed ({exc})")]) from exc

    problems: list[tuple[int, str]] = []
    report = ZoomReport(rows=[], delimiter=delimiter)

    first_header = next(
        (i for i, (_, cells) in enumerate(records) if _participant_columns(cells)), None
    )
    if first_header is None:
        raise ZoomReportError(
            [
                (
                    records[0][0] if records else 1,
                    "no participant header found (expected columns such as "
                    "'Name (Original Name)', 'Join Time', 'Leave Time')",
                )
            ]
        )
    report.header_line = records[first_header][0]

    # Everything with a time value, for deciding D/M/Y vs M/D/Y once per file.
    summary_cols: dict[str, int] = {}
    summary_values: tuple[int, list[str]] | None = None
    preamble = [r for r in records[:first_header] if not _is_blank(r[1])]
    for position, (_line, cells) in enumerate(preamble[:-1]):
        keys = [_norm_header(c) for c in cells]
        for i, key in enumerate(keys):
            for label, vocab in (
                ("id", _SUMMARY_ID),
                ("topic", _SUMMARY_TOPIC),
                ("start", _SUMMARY_START),
                ("end", _SUMMARY_END),
            ):
                if key in vocab and label not in summary_cols:
                    summary_cols[label] = i
        if summary_cols:
            summary_values = preamble[position + 1]
            report.layout = "participants+summary"
            break
    if any(c and c[0].strip().lower().endswith("details") for _, c in records):
        report.layout = "webinar"

    time_values: list[str] = []
    columns: _Columns | None = None
    body: list[tuple[int, list[str], _Columns]] = []
    for line, cells in records[first_header:]:
        if _is_blank(cells):
            continue
        # A data row has a time in the join column; only other rows can be a (new) header.
        looks_like_data = columns is not None and _cell(cells, columns.join)[:1].isdigit()
        header = None if looks_like_data else _participant_columns(cells)
        if header:
            columns = header
            continue
        non_empty = [c for c in cells if c.strip()]
        if len(non_empty) == 1 and _norm_header(non_empty[0]).endswith(("details", "detail")):
            columns = None  # a webinar section title; its own header follows
            continue
        if columns is None:
            report.skipped.append((line, "row outside a participant table"))
            continue
        body.append((line, cells, columns))
        time_values += [_cell(cells, columns.join), _cell(cells, columns.leave)]
    if summary_values:
        time_values += [
            _cell(summary_values[1], summary_cols.get("start")),
            _cell(summary_values[1], summary_cols.get("end")),
        ]
    day_first = _choose_day_first(time_values, date_hint)

    if summary_values:
        line, cells = summary_values
        report.meeting_id = re.sub(r"\D", "", _cell(cells, summary_cols.get("id")))
        report.topic = _cell(cells, summary_cols.get("topic"))
        for label in ("start", "end"):
            raw = _cell(cells, summary_cols.get(label))
            if raw:
                try:
                    setattr(report, label, parse_datetime(raw, tz=tz, day_first=day_first))
                except ValueError:
                    problems.append((line, f"summary {label} time '{raw}' is not a date and time"))

    for line, cells, cols in body:
        if len(cells) < max(cols.name, cols.join, cols.leave) + 1:
            problems.append(
                (
                    line,
                    f"expected {cols.width} fields separated by '{delimiter}', found {len(cells)}",
                )
            )
            continue
        attended = _cell(cells, cols.attended).lower()
        raw_join, raw_leave = _cell(cells, cols.join), _cell(cells, cols.leave)
        if attended in ("no", "tidak") or raw_join in ("--", "-"):
            report.skipped.append((line, "registered but did not attend"))
            continue
        raw_name = _cell(cells, cols.name)
        if not raw_name:
            problems.append((line, "the name is empty"))
            continue
        try:
            joined = parse_datetime(raw_join, tz=tz, day_first=day_first)
        except ValueError:
            problems.append((line, f"join time '{raw_join}' is not a date and time"))
            continue
        try:
            left = parse_datetime(raw_leave, tz=tz, day_first=day_first)
        except ValueError:
            problems.append((line, f"leave time '{raw_leave}' is not a date and time"))
            continue
        if left < joined:
            problems.append((line, f"leave time {raw_leave} is before join time {raw_join}"))
            continue
        raw_duration = _cell(cells, cols.duration)
        if raw_duration:
            if not re.fullmatch(r"\d{1,5}", raw_duration):
                problems.append((line, f"duration '{raw_duration}' is not a whole number"))
                continue
            duration = int(raw_duration)
        else:
            duration = math.ceil((left - joined).total_seconds() / 60)
        display, original = split_display_name(raw_name)
        report.rows.append(
            ZoomRow(
                line=line,
                name=display,
                original_name=original,
                email=_cell(cells, cols.email).lower(),
                join=joined,
                leave=left,
                duration_minutes=duration,
            )
        )
    if problems:
        raise ZoomReportError(problems)
    if not report.rows:
        raise ZoomReportError([(report.header_line, "the report has no participant rows")])
    return report


def merge_intervals(
    intervals: Iterable[tuple[datetime, datetime]],
    *,
    window: tuple[datetime, datetime] | None = None,
) -> tuple[int, datetime | None]:
    """Union of (join, leave) intervals, optionally clipped to `window`.

    Returns (whole minutes rounded up, the first moment present) — rejoins and two devices at
    once are counted once.
    """
    spans = []
    for start, end in intervals:
        if window:
            start, end = max(start, window[0]), min(end, window[1])
        if end > start:
            spans.append((start, end))
    if not spans:
        return 0, None
    spans.sort()
    total = timedelta(0)
    cur_start, cur_end = spans[0]
    for start, end in spans[1:]:
        if start <= cur_end:
            cur_end = max(cur_end, end)
        else:
            total += cur_end - cur_start
            cur_start, cur_end = start, end
    total += cur_end - cur_start
    return math.ceil(total.total_seconds() / 60), spans[0][0]
