"""Helpers to read a rendered certificate back: its text (pypdf), text positions, and its QR
code (rasterized with pypdfium2, decoded with zxing-cpp)."""

import io

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def text_runs(pdf: bytes) -> list[tuple[str, float, float]]:
    """(text, x, y) of every text run on the first page."""
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append((text.strip(), tm[4], tm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


def page_image(pdf: bytes, scale: float = 2.0):
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[0].render(scale=scale).to_pil().convert("L")
    finally:
        document.close()


def qr_texts(pdf: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(page_image(pdf))]
