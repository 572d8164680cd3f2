"""Upload validation by content (training.uploads): pure functions, no database."""

import io
import zipfile

import pytest
from django.utils import translation

from tests.factories import SAMPLE_FILES, _ooxml
from training.uploads import (
    ZIP_MAX_ENTRIES,
    UploadRefused,
    display_name,
    inspect_upload,
    storage_name,
)

LIMIT = 10 * 1024 * 1024


@pytest.fixture(autouse=True)
def english(settings):
    """Refusal messages are asserted in English (msgids); people get them in Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def inspect(data: bytes, name: str, *, limit: int = LIMIT):
    return inspect_upload(io.BytesIO(data), name=name, size=len(data), max_bytes=limit)


def refusal(data: bytes, name: str, *, limit: int = LIMIT) -> str:
    with pytest.raises(UploadRefused) as info:
        inspect(data, name, limit=limit)
    return info.value.message


@pytest.mark.parametrize(
    ("kind", "name", "expected", "content_type"),
    [
        ("pdf", "Materi Cyber.pdf", "pdf", "application/pdf"),
        ("pptx", "slides.PPTX", "pptx", "application/vnd.openxmlformats-officedocument."
         "presentationml.presentation"),
        ("docx", "modul.docx", "docx", "application/vnd.openxmlformats-officedocument."
         "wordprocessingml.document"),
        ("xlsx", "data.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument."
         "spreadsheetml.sheet"),
        ("mp4", "rekaman.mp4", "mp4", "video/mp4"),
        ("jpg", "foto.jpg", "jpeg", "image/jpeg"),
        ("jpg", "foto.jpeg", "jpeg", "image/jpeg"),
        ("png", "bagan.png", "png", "image/png"),
    ],
)  # fmt: skip
def test_it_accepts_each_supported_type(kind, name, expected, content_type):
    data = SAMPLE_FILES[kind]()
    result = inspect(data, name)
    assert result.code == expected
    assert result.content_type == content_type
    assert result.size == len(data)
    assert len(result.sha256) == 64


def test_it_leaves_the_file_at_its_start():
    stream = io.BytesIO(SAMPLE_FILES["pdf"]())
    inspect_upload(stream, name="a.pdf", size=len(stream.getvalue()), max_bytes=LIMIT)
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 60, "materi.pdf", "Windows program"),
        (b"MZ\x90\x00\x03" + b"\x00" * 60, "setup.exe", "Windows program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "materi.pptx", "Linux program"),
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 40, "materi.docx", "macOS program"),
        (b"#!/bin/sh\nrm -rf /\n", "jadwal.pdf", "script"),
        (b"\xef\xbb\xbf  #!/usr/bin/env python\n", "jadwal.png", "script"),
    ],
)
def test_it_refuses_programs_whatever_their_name(data, name, reason):
    assert reason in refusal(data, name)


def test_it_refuses_html_pages():
    page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    assert "web page (HTML)" in refusal(page, "materi.pdf")
    assert "web page (HTML)" in refusal(b"\n  <html><p>hi</p></html>", "index.html")


def test_it_refuses_svg_and_names_the_script():
    with_script = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    )
    with_handler = b'<svg xmlns="http://www.w3.org/2000/svg" onload="steal()"></svg>'
    plain = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    assert "SVG image contains script" in refusal(with_script, "logo.svg")
    assert "SVG image contains script" in refusal(with_handler, "logo.png")
    assert "SVG images are not accepted" in refusal(plain, "logo.svg")


def test_it_refuses_xml_with_script():
    xml = b'<?xml version="1.0"?><doc><x:script xmlns:x="http://www.w3.org/1999/xhtml">a()</x:script></doc>'
    assert "XML document contains script" in refusal(xml, "data.xlsx")
    assert "XML documents are not accepted" in refusal(b"<?xml version='1.0'?><a/>", "a.xml")


def test_it_refuses_content_that_does_not_match_the_extension():
    message = refusal(SAMPLE_FILES["png"](), "materi.pdf")
    assert ".pdf" in message and "PNG" in message
    message = refusal(SAMPLE_FILES["docx"](), "slides.pptx")
    assert ".pptx" in message and "Word" in message
    assert "JPEG" in refusal(SAMPLE_FILES["jpg"](), "video.mp4")


def test_it_refuses_unknown_extensions_and_content():
    assert ".txt are not accepted" in refusal(SAMPLE_FILES["pdf"](), "catatan.txt")
    assert "no extension" in refusal(SAMPLE_FILES["pdf"](), "README")
    assert "not one of the accepted types" in refusal(b"just some notes\n", "notes.pdf")


def test_it_refuses_empty_and_oversized_files():
    assert "empty" in refusal(b"", "kosong.pdf")
    data = SAMPLE_FILES["pdf"]() + b"0" * 2000
    message = refusal(data, "besar.pdf", limit=1024)
    assert "limit is 1024 B" in message or "limit is 1 KB" in message


def test_it_refuses_plain_zip_and_old_office_and_quicktime():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "ZIP archive" in refusal(buffer.getvalue(), "slides.pptx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert "old Office file" in refusal(ole, "slides.ppt")
    assert "old Office file" in refusal(ole, "slides.pptx")
    mov = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "
    assert "QuickTime" in refusal(mov, "video.mp4")


def test_it_refuses_a_zip_whose_main_part_is_missing():
    data = _ooxml("ppt/presentation.xml", "application/xml")
    assert "not a PowerPoint, Word or Excel" in refusal(data, "slides.pptx")


def test_it_refuses_macro_enabled_office_files():
    data = _ooxml(
        "ppt/presentation.xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
        extra={"ppt/vbaProject.bin": b"\x00" * 10},
    )
    assert "macros" in refusal(data, "slides.pptx")


def test_it_refuses_zip_bombs_by_declared_size():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        # 20 MB of zeros compress to a few KB: far beyond the accepted expansion ratio.
        archive.writestr("ppt/presentation.xml", b"\x00" * (20 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 100 * 1024
    assert "ZIP bomb" in refusal(data, "slides.pptx")


def test_it_refuses_archives_with_too_many_parts():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(ZIP_MAX_ENTRIES + 1):
            archive.writestr(f"p/{n}", b"")
    assert "parts" in refusal(buffer.getvalue(), "slides.pptx")


def test_it_refuses_archives_with_traversal_paths():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("../../etc/passwd", "x")
    assert "unsafe file paths" in refusal(buffer.getvalue(), "slides.docx")


def test_it_refuses_a_damaged_zip():
    data = SAMPLE_FILES["xlsx"]()[:200]
    assert "damaged" in refusal(data, "data.xlsx")


def test_storage_names_are_unique_and_cannot_escape_the_folder():
    pdf = inspect(SAMPLE_FILES["pdf"](), "a.pdf").file_type
    first = storage_name("../../etc/passwd.pdf", file_type=pdf)
    second = storage_name("../../etc/passwd.pdf", file_type=pdf)
    assert first != second
    for name in (first, second, storage_name("..\\..\\win.ini", file_type=pdf)):
        parts = name.split("/")
        assert parts[0] == "materials" and len(parts) == 3
        assert ".." not in parts and "\\" not in name
        assert name.endswith(".pdf")
    assert storage_name("Materi Cyber Crime (final).pdf", file_type=pdf).endswith(
        "/materi-cyber-crime-final.pdf"
    )
    assert storage_name("....pdf", file_type=pdf).endswith("/file.pdf")


def test_display_names_keep_the_original_but_drop_paths_and_control_characters():
    pdf = inspect(SAMPLE_FILES["pdf"](), "a.pdf").file_type
    assert display_name("C:\\Users\\budi\\Materi Siber.pdf", file_type=pdf) == "Materi Siber.pdf"
    assert display_name("../x/Bahan\r\n.pdf", file_type=pdf) == "Bahan.pdf"
    assert display_name("", file_type=pdf) == "file.pdf"
    long = display_name("a" * 300 + ".pdf", file_type=pdf)
    assert len(long) == 200 and long.endswith(".pdf")


def test_the_real_size_counts_not_the_declared_one():
    data = SAMPLE_FILES["pdf"]() + b" " * 2000
    stream = io.BytesIO(data)
    result = inspect_upload(stream, name="a.pdf", size=10, max_bytes=LIMIT)
    assert result.size == len(data)
    with pytest.raises(UploadRefused, match="larger than the limit"):
        inspect_upload(io.BytesIO(data), name="a.pdf", size=10, max_bytes=1024)
