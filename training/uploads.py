"""Validating uploads by their content, and naming them safely in storage.

Pure functions, no ORM and no storage: `inspect_upload` reads a file object and either returns
what it is (`Inspection`) or raises `UploadRefused` with a sentence a trainer understands. The
claimed extension is only trusted when the bytes agree with it.

The imports that read text (personnel CSV, Zoom reports, GIFT/Aiken questions) share three
checks from here, so every surface refuses the same file for the same reason:
`refuse_non_text` (programs, web pages, SVG/XML documents), `utf16_codec` (Excel's "Unicode
Text", with or without a byte order mark) and `refuse_zip_bomb` (for the personnel XLSX).

Accepted: PDF, PowerPoint/Word/Excel (OOXML: .pptx/.docx/.xlsx), MP4 video, JPEG and PNG images.
Refused, each with its own reason: programs (Windows MZ, Linux ELF, macOS Mach-O, scripts with a
#! line), web pages (HTML), SVG and XML (named as carrying script when they do), old binary Office
files, macro-enabled Office files, plain ZIP archives, ZIP bombs, PDFs cut off before their end,
files whose extension does not match their content, empty files and files over the size limit.
"""

import hashlib
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from django.utils.text import slugify
from django.utils.translation import gettext as _

from training.errors import ApplicationError

HEAD_BYTES = 8192
# A real deck or workbook has hundreds of parts, rarely a few thousand.
ZIP_MAX_ENTRIES = 5000
# What a ZIP may say it expands to, in total and relative to its size on disk.
ZIP_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
ZIP_MAX_RATIO = 200
CONTENT_TYPES_MAX = 1024 * 1024
# Where a PDF's closing %%EOF must be found: in its last KB once the whitespace or zero padding
# some writers add after it (up to 64 KB is looked at) is set aside.
PDF_TAIL_BYTES = 1024
PDF_PADDING_BYTES = 64 * 1024


class UploadRefused(ApplicationError):
    """An upload that is not accepted; `message` says why."""


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    inline: bool  # a browser can show it itself (opened in place rather than downloaded)


FILE_TYPES: dict[str, FileType] = {
    t.code: t
    for t in (
        FileType("pdf", "PDF", ("pdf",), "application/pdf", True),
        FileType(
            "pptx",
            "PowerPoint",
            ("pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            False,
        ),
        FileType(
            "docx",
            "Word",
            ("docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            False,
        ),
        FileType(
            "xlsx",
            "Excel",
            ("xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            False,
        ),
        FileType("mp4", "MP4", ("mp4", "m4v"), "video/mp4", True),
        FileType("jpeg", "JPEG", ("jpg", "jpeg"), "image/jpeg", True),
        FileType("png", "PNG", ("png",), "image/png", True),
    )
}
EXTENSION_TYPES = {ext: t for t in FILE_TYPES.values() for ext in t.extensions}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in EXTENSION_TYPES)

# OOXML: the content type of the main part makes a package a deck, a document or a workbook.
OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
OVERRIDE_RE = re.compile(rb"<Override\b[^>]*>", re.I)
ATTR_RE = {
    name: re.compile(name.encode() + rb"""\s*=\s*(["'])(.*?)\1""", re.I)
    for name in ("PartName", "ContentType")
}
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
    b"M4V ", b"M4VP", b"M4VH", b"dash", b"mmp4", b"MSNV", b"XAVC", b"f4v ", b"NDAS",
}  # fmt: skip
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MACHO_MAGICS = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
SCRIPT_RE = re.compile(
    rb"<\s*([a-z0-9_.-]+:)?script|javascript\s*:|\son[a-z]+\s*=|<\s*foreignobject", re.I
)
HTML_RE = re.compile(rb"<\s*(!doctype\s+html|html|head|body|iframe|script|meta|a\s)", re.I)


@dataclass(frozen=True)
class Inspection:
    file_type: FileType
    size: int
    sha256: str

    @property
    def code(self) -> str:
        return self.file_type.code

    @property
    def content_type(self) -> str:
        return self.file_type.content_type


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def allowed_types_text() -> str:
    return "PDF, PPTX, DOCX, XLSX, MP4, JPG, PNG"


def extension_of(name: str) -> str:
    suffix = PurePosixPath(name.replace("\\", "/")).suffix
    return suffix[1:].lower() if suffix else ""


def inspect_upload(file: BinaryIO, *, name: str, size: int, max_bytes: int) -> Inspection:
    """What `file` really is, or `UploadRefused` saying why it is not accepted.

    `name` is the name the uploader gave (only its extension is used, and only to check it
    agrees with the content); `size` is the declared size in bytes, checked first so an
    oversized file is refused before it is read. Reads the whole file once for the checksum and
    the real size, and leaves it positioned at the start.
    """
    if size <= 0:
        raise UploadRefused(_("The file is empty."))
    if size > max_bytes:
        raise UploadRefused(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": human_size(size), "limit": human_size(max_bytes)}
        )
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)

    _refuse_dangerous(head)
    detected = _detect(file, head)
    if detected.code == "pdf":
        _refuse_truncated_pdf(file)
    extension = extension_of(name)
    claimed = EXTENSION_TYPES.get(extension)
    if claimed is None:
        raise UploadRefused(
            _("Files named .%(ext)s are not accepted; allowed types: %(types)s.")
            % {"ext": extension or "?", "types": allowed_types_text()}
            if extension
            else _("The file name has no extension; allowed types: %(types)s.")
            % {"types": allowed_types_text()}
        )
    if claimed.code != detected.code:
        raise UploadRefused(
            _(
                "The file is named .%(ext)s but its content is a %(actual)s file. "
                "Upload the right file or give it the right name."
            )
            % {"ext": extension, "actual": detected.label}
        )
    sha256, counted = _digest(file, limit=max_bytes)
    return Inspection(file_type=detected, size=counted, sha256=sha256)


def _refuse_truncated_pdf(file: BinaryIO) -> None:
    """A PDF ends with %%EOF (an incrementally updated one with its last %%EOF), maybe followed by
    padding; a file cut off in transfer does not, and readers show it blank or not at all."""
    size = _size_of(file)
    file.seek(max(0, size - PDF_PADDING_BYTES))
    tail = file.read(PDF_PADDING_BYTES).rstrip(b" \t\r\n\x00")[-PDF_TAIL_BYTES:]
    file.seek(0)
    if b"%%EOF" not in tail:
        raise UploadRefused(
            _(
                "This PDF is incomplete: its end is missing (it was probably cut off while "
                "downloading or copying). Upload the whole file."
            )
        )


def _digest(file: BinaryIO, *, limit: int) -> tuple[str, int]:
    """SHA-256 and the real byte count (the declared size is only what the client said)."""
    digest = hashlib.sha256()
    counted = 0
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        counted += len(chunk)
        if counted > limit:
            raise UploadRefused(
                _("The file is larger than the limit of %(limit)s.") % {"limit": human_size(limit)}
            )
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest(), counted


def _refuse_dangerous(head: bytes) -> None:
    if head.startswith(b"MZ"):
        raise UploadRefused(_("This is a Windows program (executable); programs are not accepted."))
    if head.startswith(b"\x7fELF"):
        raise UploadRefused(_("This is a Linux program (executable); programs are not accepted."))
    if head.startswith(MACHO_MAGICS):
        raise UploadRefused(_("This is a macOS program (executable); programs are not accepted."))
    if head.startswith(b"\xca\xfe\xba\xbe"):
        raise UploadRefused(_("This is a compiled program; programs are not accepted."))
    text = _strip_bom(head).lstrip()
    if text.startswith(b"#!"):
        raise UploadRefused(_("This is a script (it starts with #!); scripts are not accepted."))


def _strip_bom(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 text: drop the zero bytes so the markup checks below can read it.
        return head[2:].replace(b"\x00", b"")
    return head


def _detect(file: BinaryIO, head: bytes) -> FileType:
    if head.startswith(b"%PDF-"):
        return FILE_TYPES["pdf"]
    if head.startswith(PNG_SIGNATURE):
        return FILE_TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return FILE_TYPES["jpeg"]
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in MP4_BRANDS:
            return FILE_TYPES["mp4"]
        if brand == b"qt  ":
            raise UploadRefused(_("This is a QuickTime (.mov) video; convert it to MP4 first."))
        raise UploadRefused(
            _("This media file (brand %(brand)s) is not an MP4 video.")
            % {"brand": brand.decode("latin-1").strip() or "?"}
        )
    if head.startswith(b"PK\x03\x04"):
        return _detect_ooxml(file)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadRefused(
            _(
                "This is an old Office file (.ppt, .doc or .xls); save it as .pptx, .docx or "
                ".xlsx and upload that."
            )
        )
    _refuse_markup(head)
    raise UploadRefused(
        _("The content of this file is not one of the accepted types (%(types)s).")
        % {"types": allowed_types_text()}
    )


def _refuse_markup(head: bytes) -> None:
    text = _strip_bom(head).lstrip()
    lowered = text[:HEAD_BYTES].lower()
    has_script = bool(SCRIPT_RE.search(lowered))
    if b"<svg" in lowered:
        if has_script:
            raise UploadRefused(_("This SVG image contains script; it is not accepted."))
        raise UploadRefused(_("SVG images are not accepted; upload a PNG or JPG instead."))
    if HTML_RE.match(lowered) or (lowered.startswith(b"<") and b"<html" in lowered):
        raise UploadRefused(
            _("This is a web page (HTML); web pages are not accepted because they can run script.")
        )
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<"):
        if has_script:
            raise UploadRefused(_("This XML document contains script; it is not accepted."))
        raise UploadRefused(_("XML documents are not accepted."))
    if has_script:
        raise UploadRefused(_("This file contains script; it is not accepted."))


def _detect_ooxml(file: BinaryIO) -> FileType:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            _refuse_zip_bomb(infos, archive_size=_size_of(file))
            names = {info.filename for info in infos}
            if any(_unsafe_member(n) for n in names):
                raise UploadRefused(_("This archive contains unsafe file paths."))
            if "[Content_Types].xml" not in names:
                raise UploadRefused(
                    _("This is a ZIP archive, not an Office document; ZIP files are not accepted.")
                )
            content_types = _read_member(archive, "[Content_Types].xml")
    except zipfile.BadZipFile as exc:
        raise UploadRefused(_("This file is damaged: its ZIP structure cannot be read.")) from exc
    finally:
        file.seek(0)
    lowered_names = {n.lower() for n in names}
    if any(n.endswith("vbaproject.bin") for n in lowered_names) or (
        b"macroenabled" in content_types.lower()
    ):
        raise UploadRefused(
            _("This Office file contains macros; save it without macros (.pptx, .docx, .xlsx).")
        )
    for override in OVERRIDE_RE.finditer(content_types):
        tag = override.group(0)
        part = ATTR_RE["PartName"].search(tag)
        kind = ATTR_RE["ContentType"].search(tag)
        if not part or not kind:
            continue
        code = OOXML_MAIN_TYPES.get(kind.group(2).decode("latin-1").strip().lower())
        if code and part.group(2).decode("latin-1").lstrip("/") in names:
            return FILE_TYPES[code]
    raise UploadRefused(
        _("This is a ZIP archive, not a PowerPoint, Word or Excel document; it is not accepted.")
    )


def _size_of(file: BinaryIO) -> int:
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


def refuse_zip_bomb(infos: list[zipfile.ZipInfo], *, archive_size: int) -> None:
    """Refuse an archive with too many parts, or that says it expands to too much in total or
    relative to its size: checked on the headers, before anything is inflated."""
    _refuse_zip_bomb(infos, archive_size=archive_size)


def _refuse_zip_bomb(infos: list[zipfile.ZipInfo], *, archive_size: int) -> None:
    if len(infos) > ZIP_MAX_ENTRIES:
        raise UploadRefused(
            _("This archive has %(count)s parts; at most %(max)s are accepted.")
            % {"count": len(infos), "max": ZIP_MAX_ENTRIES}
        )
    declared = sum(info.file_size for info in infos)
    if declared > ZIP_MAX_UNCOMPRESSED or declared > max(archive_size, 1) * ZIP_MAX_RATIO:
        raise UploadRefused(
            _("This archive would expand to %(size)s; it looks like a ZIP bomb and is refused.")
            % {"size": human_size(declared)}
        )


def _unsafe_member(name: str) -> bool:
    normalized = name.replace("\\", "/")
    return normalized.startswith("/") or ".." in normalized.split("/") or ":" in normalized


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """Read at most CONTENT_TYPES_MAX bytes, whatever the header claims."""
    with archive.open(name) as member:
        data = member.read(CONTENT_TYPES_MAX + 1)
    if len(data) > CONTENT_TYPES_MAX:
        raise UploadRefused(_("This Office file has an oversized content list; it is refused."))
    return data


# --- Text imports -------------------------------------------------------------------------

_UTF16_SAMPLE = 2048


def utf16_codec(data: bytes) -> str | None:
    """ "utf-16" when `data` starts with a UTF-16 byte order mark; "utf-16-le" or "utf-16-be"
    when, without one, zero bytes fill one of the two byte columns of the start of the file (as
    they do for Latin-script text in UTF-16); None otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:_UTF16_SAMPLE]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.6 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.6 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be"
    return None


def refuse_non_text(head: bytes) -> None:
    """For imports that read text (CSV, GIFT, Aiken): refuse programs, and files that are a web
    page, an SVG image or an XML document, with the reasons material uploads give. Markup
    *inside* the text (a quiz question about <script> tags) is the importer's business."""
    # "MZ" alone is a Windows program only with binary bytes after it, not a question or a
    # name that happens to start with those letters.
    if not (head.startswith(b"MZ") and b"\x00" not in head[:64]):
        _refuse_dangerous(head)
    codec = utf16_codec(head)
    text = head.decode(codec, errors="ignore").encode() if codec else _strip_bom(head)
    lowered = text.lstrip()[:HEAD_BYTES].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        raise UploadRefused(
            _("This is a web page (HTML); web pages are not accepted because they can run script.")
        )
    if lowered.startswith((b"<svg", b"<?xml", b"<!doctype svg")):
        if b"<svg" in lowered and SCRIPT_RE.search(lowered):
            raise UploadRefused(_("This SVG image contains script; it is not accepted."))
        raise UploadRefused(_("XML documents are not accepted."))


# --- Names --------------------------------------------------------------------------------

# Control characters, and the bidirectional overrides that make "laporan<U+202E>fdp.exe" read as
# "laporanexe.pdf" (Django's upload parser drops them too; this holds for every other caller).
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def display_name(name: str, *, file_type: FileType) -> str:
    """The uploader's file name, reduced to its last path component and stripped of control
    characters and bidirectional overrides; shown to people and used in Content-Disposition,
    never as a storage path."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = CONTROL_RE.sub("", unicodedata.normalize("NFC", base)).strip().strip(".")
    if not base:
        base = f"file.{file_type.extensions[0]}"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[: 200 - len(ext) - 1]}.{ext}" if dot and len(ext) <= 8 else base[:200]
    return base


def storage_name(name: str, *, file_type: FileType, folder: str = "materials") -> str:
    """A fresh storage path: `materials/<uuid>/<slug>.<ext>`. The uuid folder makes clashes
    impossible; the slug keeps only [a-z0-9-] so no path traversal survives; the extension is
    the one matching the detected content, not the claimed one."""
    stem = PurePosixPath(name.replace("\\", "/").rsplit("/", 1)[-1]).stem
    slug = slugify(stem)[:80].strip("-") or "file"
    return f"{folder}/{uuid.uuid4().hex}/{slug}.{file_type.extensions[0]}"
