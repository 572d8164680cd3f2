"""The certificate renderer: `render_certificate(data) -> bytes`, a pure function.

It owns the page geometry (A4 landscape, constants below) and the fonts; it never touches the
database or storage. The service gathers a `CertificateData` snapshot, calls this, and stores the
bytes.

Cheap fixed parts:
- The TrueType fonts (DejaVu, shipped in `certificates/fonts/` with their licence, so no system
  fonts are needed) are parsed and registered once per process. ReportLab embeds only the glyph
  subset each document uses.
- The decorative frame is drawn once per process onto a scratch canvas; each certificate replays
  the captured PDF operators instead of recomputing the geometry.
- The QR code is drawn as vector rectangles in one filled path (runs of dark modules merged), with
  a fixed mask pattern: choosing the "best" of the eight masks costs eight encodings and only
  matters for damaged prints; every reader decodes any mask.
- A signature image is decoded once per distinct image and reused.

Text that may be long (names, titles, unit names, modules) is fitted: first by shrinking within
limits, then by wrapping onto a bounded number of lines, and finally by truncating with an
ellipsis, so nothing ever crosses the page edges or the neighbouring blocks.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path

from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .numbering import date_id, date_range_id, verification_code_display

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_REGULAR = "PB-DejaVuSans"
FONT_BOLD = "PB-DejaVuSans-Bold"
FONT_SERIF_BOLD = "PB-DejaVuSerif-Bold"
_FONT_FILES = {
    FONT_REGULAR: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_SERIF_BOLD: "DejaVuSerif-Bold.ttf",
}

# --- Page geometry (points; origin bottom left) ---------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
CENTER_X = PAGE_WIDTH / 2
FRAME_OUTER = 18
FRAME_INNER = 27
TEXT_WIDTH = PAGE_WIDTH - 2 * 100  # the centred upper block
TOP_Y = PAGE_HEIGHT - 52  # first heading baseline
UPPER_FLOOR_Y = 200  # the centred block never goes below this line
QR_X, QR_Y, QR_SIZE = 52, 62, 96
MODULES_X = 172
MODULES_WIDTH = 350
MODULES_TOP_Y = 186
MODULES_BOTTOM_Y = 44
SIGN_CENTER_X = PAGE_WIDTH - 170
SIGN_WIDTH = 250
SIGN_TOP_Y = 188
SIGNATURE_IMAGE_HEIGHT = 46
SIGNATURE_IMAGE_WIDTH = 150

NAVY = HexColor("#1F2A44")
GOLD = HexColor("#B08D2E")
GREY = HexColor("#4A4F5C")
BLACK = Color(0, 0, 0)

ELLIPSIS = "…"

# Fixed wording: the certificate is an official Indonesian document whatever the UI language.
TITLE = "SERTIFIKAT"
GIVEN_TO = "diberikan kepada"
HAS_COMPLETED = "telah mengikuti dan menyelesaikan pelatihan"
HELD_ON = "yang diselenggarakan secara virtual pada"
MODULES_HEADING = "Materi pelatihan:"
MORE_MODULES = "… dan {count} materi lainnya"
SCAN_TO_VERIFY = "Pindai untuk verifikasi"


@dataclass(frozen=True, slots=True)
class CertificateData:
    """Everything printed on one certificate, already decided by the service."""

    number: str
    verification_url: str
    verification_code: str
    recipient_name: str
    recipient_nrp: str
    recipient_rank: str
    recipient_unit: str
    session_title: str
    session_start: dt.date
    session_end: dt.date | None
    issued_on: dt.date
    issuer_heading: tuple[str, ...]
    signatory_name: str
    signatory_rank: str = ""
    signatory_nrp: str = ""
    signatory_position: str = ""
    issued_place: str = ""
    modules: tuple[str, ...] = field(default_factory=tuple)
    signature_image: bytes | None = None


# --- Fonts and cached fixed parts -----------------------------------------------------------


@functools.cache
def register_fonts() -> None:
    """Parse and register the TrueType fonts; runs once per process."""
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


def _draw_frame(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(3)
    canvas.rect(
        FRAME_OUTER, FRAME_OUTER, PAGE_WIDTH - 2 * FRAME_OUTER, PAGE_HEIGHT - 2 * FRAME_OUTER
    )
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.9)
    canvas.rect(
        FRAME_INNER, FRAME_INNER, PAGE_WIDTH - 2 * FRAME_INNER, PAGE_HEIGHT - 2 * FRAME_INNER
    )
    # Corner ornaments: a gold diamond with a navy centre on each inner corner.
    canvas.setFillColor(GOLD)
    for x, y in (
        (FRAME_INNER, FRAME_INNER),
        (PAGE_WIDTH - FRAME_INNER, FRAME_INNER),
        (FRAME_INNER, PAGE_HEIGHT - FRAME_INNER),
        (PAGE_WIDTH - FRAME_INNER, PAGE_HEIGHT - FRAME_INNER),
    ):
        path = canvas.beginPath()
        path.moveTo(x, y - 9)
        path.lineTo(x + 9, y)
        path.lineTo(x, y + 9)
        path.lineTo(x - 9, y)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFillColor(NAVY)
    for x, y in (
        (FRAME_INNER, FRAME_INNER),
        (PAGE_WIDTH - FRAME_INNER, FRAME_INNER),
        (FRAME_INNER, PAGE_HEIGHT - FRAME_INNER),
        (PAGE_WIDTH - FRAME_INNER, PAGE_HEIGHT - FRAME_INNER),
    ):
        canvas.circle(x, y, 2.5, stroke=0, fill=1)
    # A thin gold rule under the title area, both sides of the centre.
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.6)
    canvas.line(CENTER_X - 200, PAGE_HEIGHT - 158, CENTER_X - 40, PAGE_HEIGHT - 158)
    canvas.line(CENTER_X + 40, PAGE_HEIGHT - 158, CENTER_X + 200, PAGE_HEIGHT - 158)
    canvas.restoreState()


@functools.cache
def _frame_operators() -> tuple[str, ...]:
    """The frame's PDF content-stream operators, produced once on a scratch canvas.

    The frame uses no fonts or images, so its operators are self-contained and can be replayed
    into any page's content stream.
    """
    scratch = Canvas(io.BytesIO(), pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    before = len(scratch._code)
    _draw_frame(scratch)
    return tuple(scratch._code[before:])


@functools.cache
def _image_reader(image: bytes) -> ImageReader:
    return ImageReader(io.BytesIO(image))


# --- Text fitting ---------------------------------------------------------------------------


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _truncate(text: str, font: str, size: float, width: float) -> str:
    if _width(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if _width(text[:mid].rstrip() + ELLIPSIS, font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the line is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while _width(word, font, size) > width:
            cut = len(word) - 1
            while cut > 1 and _width(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def fit_text(
    text: str,
    *,
    font: str,
    max_size: float,
    min_size: float,
    width: float,
    max_lines: int = 1,
    step: float = 0.5,
) -> tuple[float, list[str]]:
    """The largest size (>= min_size) at which `text` fits `width` in at most `max_lines` lines.

    Prefers one line, shrinking down to 80% of `max_size` before it wraps; wraps at sizes down
    to `min_size`; past that the last line is truncated with an ellipsis. Every returned line is
    at most `width` wide at the returned size.
    """
    text = " ".join(str(text).split())
    sizes = []
    size = max_size
    while size >= min_size - 1e-9:
        sizes.append(round(size, 2))
        size -= step
    single_floor = max(min_size, max_size * 0.8)
    for size in sizes:
        if size < single_floor:
            break
        if _width(text, font, size) <= width:
            return size, [text]
    for size in sizes:
        lines = _wrap(text, font, size, width)
        if len(lines) <= max_lines:
            return size, lines
    lines = _wrap(text, font, min_size, width)
    kept = lines[:max_lines]
    kept[-1] = _truncate(" ".join([kept[-1], *lines[max_lines:]]), font, min_size, width)
    return min_size, kept


# --- QR -------------------------------------------------------------------------------------

QR_MASK_PATTERN = 0
QR_BORDER_MODULES = 2


def qr_matrix(value: str) -> list[list[bool]]:
    """The QR modules for `value` (error correction M, smallest version that fits)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(value)
    qr.version = qr.calculate_version()
    qr.makeImpl(False, QR_MASK_PATTERN)
    return qr.modules


def _draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """Vector QR: one filled path of integer rectangles in module units (a scaled frame), so
    each module run costs one short operator instead of a formatted float rectangle."""
    modules = qr_matrix(value)
    count = len(modules)
    box = size / (count + 2 * QR_BORDER_MODULES)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(BLACK)
    canvas.translate(x + QR_BORDER_MODULES * box, y + QR_BORDER_MODULES * box)
    canvas.scale(box, box)
    operators = []
    for row_index, row in enumerate(modules):
        bottom = count - 1 - row_index
        col = 0
        while col < count:
            if not row[col]:
                col += 1
                continue
            start = col
            while col < count and row[col]:
                col += 1
            operators.append(f"{start} {bottom} {col - start} 1 re")
    operators.append("f")
    canvas._code.append("\n".join(operators))
    canvas.restoreState()


# --- Blocks ---------------------------------------------------------------------------------


def _centred_lines(
    canvas: Canvas,
    text: str,
    *,
    y: float,
    font: str,
    max_size: float,
    min_size: float,
    width: float = TEXT_WIDTH,
    max_lines: int = 1,
    leading: float = 1.2,
    x: float = CENTER_X,
) -> float:
    """Draw `text` centred on `x` from baseline `y` down; returns the baseline after it."""
    size, lines = fit_text(
        text, font=font, max_size=max_size, min_size=min_size, width=width, max_lines=max_lines
    )
    canvas.setFont(font, size)
    for line in lines:
        canvas.drawCentredString(x, y, line)
        y -= size * leading
    return y


def _identity_line(data: CertificateData) -> str:
    label = "NIP" if len(data.recipient_nrp) == 18 else "NRP"
    parts = [data.recipient_rank.strip(), f"{label} {data.recipient_nrp}".strip()]
    return " / ".join(part for part in parts if part)


def _draw_upper_block(canvas: Canvas, data: CertificateData) -> None:
    canvas.setFillColor(NAVY)
    y = TOP_Y
    for line in data.issuer_heading[:3]:
        y = _centred_lines(canvas, line.upper(), y=y, font=FONT_BOLD, max_size=11, min_size=8)
    if data.issuer_heading:
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(0.7)
        canvas.line(CENTER_X - 150, y + 9, CENTER_X + 150, y + 9)
    y = PAGE_HEIGHT - 140
    canvas.setFont(FONT_SERIF_BOLD, 34)
    canvas.drawCentredString(CENTER_X, y, TITLE)
    canvas.setFillColor(GREY)
    y = _centred_lines(
        canvas, f"Nomor: {data.number}", y=y - 36, font=FONT_REGULAR, max_size=11, min_size=8
    )
    y = _centred_lines(canvas, GIVEN_TO, y=y - 8, font=FONT_REGULAR, max_size=12, min_size=12)
    canvas.setFillColor(NAVY)
    y = _centred_lines(
        canvas,
        data.recipient_name,
        y=y - 18,
        font=FONT_SERIF_BOLD,
        max_size=28,
        min_size=15,
        max_lines=2,
        leading=1.15,
    )
    canvas.setFillColor(BLACK)
    y = _centred_lines(
        canvas, _identity_line(data), y=y - 2, font=FONT_REGULAR, max_size=12, min_size=9
    )
    y = _centred_lines(
        canvas, data.recipient_unit, y=y, font=FONT_REGULAR, max_size=12, min_size=8, max_lines=2
    )
    canvas.setFillColor(GREY)
    y = _centred_lines(canvas, HAS_COMPLETED, y=y - 8, font=FONT_REGULAR, max_size=12, min_size=12)
    canvas.setFillColor(NAVY)
    y = _centred_lines(
        canvas,
        data.session_title,
        y=y - 4,
        font=FONT_BOLD,
        max_size=16,
        min_size=10,
        max_lines=3,
    )
    canvas.setFillColor(GREY)
    when = date_range_id(data.session_start, data.session_end)
    y = _centred_lines(
        canvas, f"{HELD_ON} {when}", y=y - 4, font=FONT_REGULAR, max_size=12, min_size=9
    )


def _draw_modules(canvas: Canvas, modules: tuple[str, ...]) -> None:
    if not modules:
        return
    canvas.setFillColor(NAVY)
    canvas.setFont(FONT_BOLD, 9.5)
    canvas.drawString(MODULES_X, MODULES_TOP_Y, MODULES_HEADING)
    canvas.setFillColor(BLACK)
    leading = 11.5
    rows = int((MODULES_TOP_Y - 14 - MODULES_BOTTOM_Y) // leading) + 1
    columns = 1 if len(modules) <= rows else 2
    capacity = rows * columns
    items = [f"{index}. {title}" for index, title in enumerate(modules, start=1)]
    if len(items) > capacity:
        hidden = len(items) - (capacity - 1)
        items = [*items[: capacity - 1], MORE_MODULES.format(count=hidden)]
    column_width = MODULES_WIDTH / columns - (8 if columns > 1 else 0)
    for index, item in enumerate(items):
        column, row = divmod(index, rows)
        size, lines = fit_text(item, font=FONT_REGULAR, max_size=9, min_size=7, width=column_width)
        canvas.setFont(FONT_REGULAR, size)
        canvas.drawString(
            MODULES_X + column * (MODULES_WIDTH / columns),
            MODULES_TOP_Y - 14 - row * leading,
            lines[0],
        )


def _draw_signature_block(canvas: Canvas, data: CertificateData) -> None:
    canvas.setFillColor(BLACK)
    place_date = ", ".join(p for p in (data.issued_place.strip(), date_id(data.issued_on)) if p)
    y = _centred_lines(
        canvas,
        place_date,
        y=SIGN_TOP_Y,
        font=FONT_REGULAR,
        max_size=10,
        min_size=8,
        width=SIGN_WIDTH,
        x=SIGN_CENTER_X,
    )
    if data.signatory_position:
        y = _centred_lines(
            canvas,
            data.signatory_position.upper(),
            y=y,
            font=FONT_BOLD,
            max_size=10,
            min_size=7.5,
            width=SIGN_WIDTH,
            max_lines=2,
            x=SIGN_CENTER_X,
        )
    image_bottom = y - SIGNATURE_IMAGE_HEIGHT + 4
    if data.signature_image:
        canvas.drawImage(
            _image_reader(data.signature_image),
            SIGN_CENTER_X - SIGNATURE_IMAGE_WIDTH / 2,
            image_bottom,
            width=SIGNATURE_IMAGE_WIDTH,
            height=SIGNATURE_IMAGE_HEIGHT,
            preserveAspectRatio=True,
            anchor="c",
            mask="auto",
        )
    y = image_bottom - 12
    size, lines = fit_text(
        data.signatory_name,
        font=FONT_BOLD,
        max_size=10.5,
        min_size=7.5,
        width=SIGN_WIDTH,
    )
    canvas.setFont(FONT_BOLD, size)
    canvas.drawCentredString(SIGN_CENTER_X, y, lines[0])
    underline = min(_width(lines[0], FONT_BOLD, size), SIGN_WIDTH)
    canvas.setLineWidth(0.6)
    canvas.setStrokeColor(BLACK)
    canvas.line(SIGN_CENTER_X - underline / 2, y - 2.5, SIGN_CENTER_X + underline / 2, y - 2.5)
    rank_nrp = " ".join(
        part
        for part in (
            data.signatory_rank.upper(),
            f"NRP {data.signatory_nrp}" if data.signatory_nrp else "",
        )
        if part
    )
    if rank_nrp:
        _centred_lines(
            canvas,
            rank_nrp,
            y=y - 13,
            font=FONT_REGULAR,
            max_size=9,
            min_size=7,
            width=SIGN_WIDTH,
            x=SIGN_CENTER_X,
        )


def _draw_verification(canvas: Canvas, data: CertificateData) -> None:
    _draw_qr(canvas, data.verification_url, QR_X, QR_Y, QR_SIZE)
    canvas.setFillColor(GREY)
    centre = QR_X + QR_SIZE / 2
    canvas.setFont(FONT_REGULAR, 7)
    canvas.drawCentredString(centre, QR_Y - 9, SCAN_TO_VERIFY)
    canvas.setFont(FONT_BOLD, 7)
    canvas.drawCentredString(centre, QR_Y - 18, verification_code_display(data.verification_code))


def render_certificate(data: CertificateData) -> bytes:
    """One A4-landscape PDF page for `data`. Pure: no database, no storage, no clock."""
    register_fonts()
    # Binary (not ASCII85) streams: smaller and cheaper to write. ReportLab reads this global
    # switch while it builds streams, so it is flipped only for the duration of our render.
    previous, rl_config.useA85 = rl_config.useA85, 0
    try:
        return _render(data)
    finally:
        rl_config.useA85 = previous


def _render(data: CertificateData) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        pageCompression=1,
        initialFontName=FONT_REGULAR,
        initialFontSize=10,
    )
    canvas.setTitle(f"{TITLE} {data.number}")
    canvas.setAuthor(data.issuer_heading[-1] if data.issuer_heading else "Polri Belajar")
    canvas.setSubject(data.session_title)
    canvas._code.extend(_frame_operators())
    _draw_upper_block(canvas, data)
    _draw_modules(canvas, data.modules)
    _draw_signature_block(canvas, data)
    _draw_verification(canvas, data)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
