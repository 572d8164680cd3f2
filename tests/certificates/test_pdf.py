"""The pure renderer: fields on the page, a QR that decodes to the verification URL, and long
text that never leaves its place."""

import dataclasses
import datetime as dt
import io
import random

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from certificates import pdf as renderer
from certificates.pdf import CertificateData, fit_text, render_certificate

from .pdfcheck import page_image, pdf_text, qr_texts, text_runs

URL = "https://belajar.polri.test/v/7K3MZ9QW2XH4TB6RPJ0C/"


def _signature_png() -> bytes:
    image = Image.new("RGBA", (300, 90), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 70), (80, 20), (150, 75), (290, 15)], fill="navy", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def data() -> CertificateData:
    return CertificateData(
        number="0007/SERT/POLDA-KALBAR/XI/2022",
        verification_url=URL,
        verification_code="7K3MZ9QW2XH4TB6RPJ0C",
        recipient_name="Dr. Hendra Wijaya, S.I.K., M.H.",
        recipient_nrp="87010123",
        recipient_rank="Bripka",
        recipient_unit="Polsek Kapuas, Polres Sanggau",
        session_title="Penanganan Tindak Pidana Perdagangan Orang",
        session_start=dt.date(2022, 11, 28),
        session_end=None,
        issued_on=dt.date(2022, 11, 29),
        issuer_heading=("Kepolisian Negara Republik Indonesia", "Daerah Kalimantan Barat"),
        signatory_name="Dr. Asep Safrudin, S.I.K., M.H.",
        signatory_rank="Brigadir Jenderal Polisi",
        signatory_nrp="69080412",
        signatory_position="Wakapolda Kalimantan Barat",
        issued_place="Pontianak",
        modules=("Dasar hukum TPPO", "Modus operandi di perbatasan"),
        signature_image=_signature_png(),
    )


def test_page_is_a4_landscape_with_every_field(data):
    pdf = render_certificate(data)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = pdf_text(pdf)
    for expected in [
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        "DAERAH KALIMANTAN BARAT",
        "SERTIFIKAT",
        "Nomor: 0007/SERT/POLDA-KALBAR/XI/2022",
        "Dr. Hendra Wijaya, S.I.K., M.H.",
        "Bripka / NRP 87010123",
        "Polsek Kapuas, Polres Sanggau",
        "Penanganan Tindak Pidana Perdagangan Orang",
        "28 November 2022",
        "1. Dasar hukum TPPO",
        "2. Modus operandi di perbatasan",
        "Pontianak, 29 November 2022",
        "WAKAPOLDA KALIMANTAN BARAT",
        "Dr. Asep Safrudin, S.I.K., M.H.",
        "BRIGADIR JENDERAL POLISI NRP 69080412",
        "7K3M-Z9QW-2XH4-TB6R-PJ0C",
    ]:
        assert expected in text, expected


def test_fonts_are_embedded_truetype(data):
    pdf = render_certificate(data)
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    base_fonts = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert base_fonts and all("DejaVu" in name for name in base_fonts)
    for font in fonts.values():
        descriptor = font.get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded, not a reference to a system font


def test_qr_code_decodes_to_the_verification_url(data):
    assert qr_texts(render_certificate(data)) == [URL]


def test_qr_differs_per_certificate(data):
    other = "https://belajar.polri.test/v/ABCDEFGHJKMNPQRSTVWX/"
    pdf = render_certificate(dataclasses.replace(data, verification_url=other))
    assert qr_texts(pdf) == [other]


def test_nip_is_labelled_for_civil_staff(data):
    pdf = render_certificate(
        dataclasses.replace(data, recipient_nrp="198705122010121001", recipient_rank="Penata")
    )
    assert "Penata / NIP 198705122010121001" in pdf_text(pdf)


def test_accents_and_apostrophes_survive(data):
    name = "Muhammad Ḥasan Nuñez-O'Connor Ñoño Ölçer"
    pdf = render_certificate(dataclasses.replace(data, recipient_name=name))
    assert name in pdf_text(pdf)


LONG = {
    "recipient_name": (
        "Prof. Dr. Ir. H. Muhammad Ḥasan Ṣalīḥ Nuñez-O'Connor Sitompul Wirjosoedarmo "
        "Kartanegara Sastrowardojo Mangkubumi Hamengkubuwono, S.H., S.I.K., M.H., M.Si., Ph.D."
    ),
    "recipient_unit": (
        "Satuan Reserse Kriminal Kepolisian Resor Kota Besar Pontianak Kota Kepolisian Daerah "
        "Kalimantan Barat Kepolisian Negara Republik Indonesia Wilayah Hukum Perbatasan"
    ),
    "session_title": (
        "Pelatihan Penanganan Tindak Pidana Perdagangan Orang, Penyelundupan Manusia, dan "
        "Kejahatan Lintas Negara Terorganisir di Wilayah Perbatasan Darat Kalimantan Barat "
        "Sarawak Tahun Anggaran 2022 Gelombang Kedua Angkatan Ketiga Kelas Khusus Penyidik"
    ),
    "recipient_rank": "Ajun Komisaris Besar Polisi",
    "signatory_name": (
        "Irjen. Pol. Prof. Dr. Bambang Hendrawan Suryokusumo Adinegoro, S.I.K., M.Si."
    ),
    "signatory_position": "Wakil Kepala Kepolisian Daerah Kalimantan Barat Selaku Penanggung Jawab",
    "modules": tuple(
        f"Modul {i}: Materi dengan judul yang sangat panjang sekali " * 3 for i in range(40)
    ),
}


def test_very_long_text_stays_inside_the_frame(data):
    pdf = render_certificate(dataclasses.replace(data, **LONG))
    image = page_image(pdf, scale=1.0)
    width, height = image.size
    # The band between the page edge and the outer frame (18 pt) stays blank: nothing overflows.
    for x in list(range(0, 14)) + list(range(width - 14, width)):
        assert min(image.getpixel((x, y)) for y in range(0, height, 2)) > 200, x
    for y in list(range(0, 14)) + list(range(height - 14, height)):
        assert min(image.getpixel((x, y)) for x in range(0, width, 2)) > 200, y


def test_long_upper_block_keeps_clear_of_modules_and_signature(data):
    pdf = render_certificate(dataclasses.replace(data, **LONG))
    runs = text_runs(pdf)
    upper = [run for run in runs if run[1] > renderer.MODULES_X - 100 and run[2] > 300]
    date_line = [run for run in runs if run[0].startswith(renderer.HELD_ON)]
    assert date_line, "the date line is drawn"
    # The last line of the centred block sits above the module list's heading.
    assert date_line[0][2] > renderer.MODULES_TOP_Y + 12
    assert upper
    text = pdf_text(pdf)
    assert "Prof. Dr. Ir. H. Muhammad" in text  # shrunk and wrapped, not dropped
    assert "… dan " in text  # too many modules: the rest are counted, not overflowing
    assert qr_texts(pdf) == [URL]


def test_renders_without_optional_parts(data):
    pdf = render_certificate(
        dataclasses.replace(
            data, modules=(), signature_image=None, issued_place="", signatory_nrp=""
        )
    )
    text = pdf_text(pdf)
    assert "Materi pelatihan" not in text
    assert "29 November 2022" in text


@pytest.mark.parametrize("seed", range(5))
def test_fit_text_never_exceeds_the_width(seed):
    rng = random.Random(seed)
    words = ["Ḥasan", "O'Connor", "Wirjosoedarmo", "S.I.K.,", "M.H.", "Nuñez", "x" * 60]
    for _ in range(50):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
        width = rng.uniform(80, 600)
        size, lines = fit_text(
            text,
            font=renderer.FONT_SERIF_BOLD,
            max_size=28,
            min_size=12,
            width=width,
            max_lines=rng.randint(1, 3),
        )
        renderer.register_fonts()
        assert 12 <= size <= 28
        for line in lines:
            assert renderer.pdfmetrics.stringWidth(line, renderer.FONT_SERIF_BOLD, size) <= width


def test_short_text_keeps_its_full_size():
    renderer.register_fonts()
    assert fit_text("Andi", font=renderer.FONT_BOLD, max_size=28, min_size=12, width=500) == (
        28,
        ["Andi"],
    )
