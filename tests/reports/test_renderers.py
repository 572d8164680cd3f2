"""Pure renderers on hand-built `ReportData` (no database)."""

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import load_workbook

from reports.charts import completion_bar_chart, completion_trend_chart
from reports.data import Counts, LevelGroup, ReportLevel, UnitRow, rank_rows
from reports.exports.cells import safe_cell
from reports.exports.csv import render_csv
from reports.exports.pdf import PEOPLE_LIMIT, render_pdf
from reports.exports.xlsx import render_xlsx
from tests.reports.samples import person, sample_report

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _row(name, pct):
    return UnitRow(None, name, name, "POLRES", Counts(invited=1), pct)


# --- ranking ---------------------------------------------------------------------------------


def test_ties_share_a_rank_and_the_next_rank_skips():
    rows = rank_rows([_row(n, Decimal(p)) for n, p in [("A", 90), ("B", 80), ("C", 80), ("D", 10)]])
    assert [(r.name, r.rank) for r in rows] == [("A", 1), ("B", 2), ("C", 2), ("D", 4)]


def test_bottom_three_needs_more_than_three_units_and_never_flags_all_equal():
    three = rank_rows([_row(n, Decimal(p)) for n, p in [("A", 90), ("B", 50), ("C", 10)]])
    assert not any(r.is_bottom for r in three)
    equal = rank_rows([_row(n, Decimal(50)) for n in "ABCDE"])
    assert not any(r.is_bottom for r in equal)
    six = rank_rows([_row(n, Decimal(p)) for n, p in zip("ABCDEF", [90, 80, 70, 60, 50, 40])])
    assert [r.name for r in six if r.is_bottom] == ["D", "E", "F"]


def test_units_without_invitations_go_last_unranked():
    rows = rank_rows([_row("Z", None), _row("A", Decimal(10)), _row("B", Decimal(20))])
    assert [(r.name, r.rank) for r in rows] == [("B", 1), ("A", 2), ("Z", None)]


# --- formula injection -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+62 812", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_triggers_are_neutralized(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Polres Sanggau", "", 5, Decimal("1.5"), None, "a=b"])
def test_other_values_pass_unchanged(value):
    assert safe_cell(value) == value


# --- charts ----------------------------------------------------------------------------------


def test_bar_chart_is_valid_svg_with_title_desc_and_escaped_labels():
    rows = rank_rows(
        [_row('Polres <script>alert("x")</script> & Co', Decimal("40")), _row("B", Decimal(80))]
    )
    chart = completion_bar_chart(rows)
    root = ET.fromstring(str(chart.svg))  # well-formed: every label was escaped
    assert root.find(f"{SVG}title").text == "Penyelesaian per satuan"
    assert root.find(f"{SVG}desc").text
    assert "<script>" not in chart.svg
    assert root.get("role") == "img"
    assert len(root.findall(f".//{SVG}rect")) == 2
    assert chart.rows == [("B", "80,0 %"), ('Polres <script>alert("x")</script> & Co', "40,0 %")]


def test_bar_chart_colours_the_bottom_three():
    rows = rank_rows([_row(n, Decimal(p)) for n, p in zip("ABCDE", [90, 80, 70, 60, 50])])
    chart = completion_bar_chart(rows)
    assert chart.svg.count('fill="#b3261e"') == 3


def test_trend_chart_draws_a_line_through_the_sessions():
    chart = completion_trend_chart(sample_report().trend)
    root = ET.fromstring(str(chart.svg))
    assert len(root.findall(f".//{SVG}circle")) == 2  # the session without invitations has no dot
    assert root.find(f".//{SVG}polyline") is not None
    assert chart.rows[-1] == ("Tanpa peserta", "—")


def test_trend_chart_without_sessions_says_so():
    assert "Tidak ada sesi" in completion_trend_chart([]).svg


# --- PDF -------------------------------------------------------------------------------------


def _pdf_text(data) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(data)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_heading_scope_period_ranking_people_and_signature():
    text = _pdf_text(sample_report())
    assert "LAPORAN PELAKSANAAN POLRI BELAJAR" in text
    assert "POLDA KALIMANTAN BARAT" in text
    assert "1 Maret 2025 – 31 Maret 2025" in text
    for name in ("Polres Delta", "Polres Charlie", "Polsek Satu", "Zainal", "Agus"):
        assert name in text
    assert "66,7 %" in text  # the total
    assert "BAMBANG SUTRISNO, S.I.K." in text and "AKBP NRP 75010123" in text


def test_pdf_caps_the_people_list_and_says_so():
    people = (person(i) for i in range(PEOPLE_LIMIT + 5))
    text = _pdf_text(sample_report(people=people, people_count=PEOPLE_LIMIT + 5))
    assert f"Personel {PEOPLE_LIMIT - 1:05d}" in text
    assert f"Personel {PEOPLE_LIMIT:05d}" not in text
    assert "2.005" in text  # "the first 2.000 of 2.005 rows are shown"


# --- XLSX ------------------------------------------------------------------------------------


def _workbook(data):
    out = io.BytesIO()
    render_xlsx(data, out)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_xlsx_has_a_summary_then_a_sheet_per_level_with_frozen_header_and_numbers():
    wb = _workbook(sample_report())
    # The sample's people carry no unit key: they share one "Personel" sheet.
    assert wb.sheetnames == ["Ringkasan", "Polres", "Polsek", "Personel"]
    polres = wb["Polres"]
    assert polres.freeze_panes == "A2"
    header = [cell.value for cell in polres[1]]
    # Indonesian headings (other apps' catalogs may word shared msgids their way).
    assert header[:4] == [
        _("Parent unit"),
        _("Code"),
        pgettext("ranking position", "Rank"),
        _("Unit"),
    ]
    assert header[2] == "Peringkat"
    first = [cell.value for cell in polres[2]]
    assert first[1:5] == ["POLRES-D", 1, "Polres Delta", 8]
    assert isinstance(first[4], int)
    pct = polres.cell(row=2, column=header.index(_("Completion %")) + 1)
    assert pct.value == 1 and pct.number_format == "0.0%"
    total = [cell.value for cell in polres[polres.max_row]]
    assert total[3] == _("Total") and total[4] == 42
    people = wb["Personel"]
    assert people.freeze_panes == "A2"
    assert [c.value for c in people[2]][:2] == ["80010001", "Zainal"]
    assert people.cell(row=2, column=9).value == 85.5  # the score, as a number


def test_xlsx_files_people_by_unit_below_the_scope_in_ranking_order():
    data = sample_report(people=[])
    paths = {row.code: f"1/{index}/" for index, row in enumerate(data.rows)}
    data.rows = [replace(row, path=paths[row.code]) for row in data.rows]
    data.levels[0] = ReportLevel("Polres", [LevelGroup("POLDA-KALBAR", "Polda", data.rows)])
    data.people = [
        person(1, name="Alpha 1", branch_key=paths["POLRES-A"]),
        person(2, name="Charlie 1", branch_key=paths["POLRES-C"]),
        person(3, name="Charlie 2", branch_key=paths["POLRES-C"]),
        person(4, name="Nowhere", branch_key="9/9/"),
    ]
    wb = _workbook(data)
    ranked = [row.name for row in data.rows]
    # A sheet for every Polres with people, in ranking order; anyone else on a last sheet.
    assert wb.sheetnames == ["Ringkasan", "Polres", "Polsek", *ranked, "Personel"]
    assert [c.value for c in wb["Polres Charlie"]["B"]] == ["Nama", "Charlie 1", "Charlie 2"]
    assert [c.value for c in wb["Polres Alpha"]["B"]] == ["Nama", "Alpha 1"]
    assert wb["Polres Delta"].max_row == 1  # header only: nobody from Delta in this list
    assert [c.value for c in wb["Personel"]["B"]] == ["Nama", "Nowhere"]


def test_xlsx_summary_states_scope_period_and_totals():
    summary = _workbook(sample_report())["Ringkasan"]
    lines = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True) if row}
    assert lines[_("Unit")] == "Polda Kalimantan Barat"
    assert lines[_("Period")] == "1 Maret 2025 – 31 Maret 2025"
    assert lines[_("Invited")] == 42 and lines[_("Certified")] == 28
    assert lines[_("Requested by")] == "Bambang Sutrisno, S.I.K."


def test_xlsx_neutralizes_formula_text():
    data = sample_report(people=[person(1, name='=HYPERLINK("http://x")', nrp="@cmd")])
    people = _workbook(data)["Personel"]
    assert people.cell(row=2, column=2).value == '\'=HYPERLINK("http://x")'
    assert people.cell(row=2, column=2).data_type == "s"
    assert people.cell(row=2, column=1).value == "'@cmd"


# --- CSV -------------------------------------------------------------------------------------


def test_csv_streams_ranking_and_people():
    chunks = list(render_csv(sample_report(people=[person(i) for i in range(1200)])))
    assert len(chunks) > 3  # streamed, not one string
    text = "".join(chunks)
    assert text.startswith("\ufeffLAPORAN PELAKSANAAN POLRI BELAJAR")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header_at = next(i for i, row in enumerate(rows) if row[:2] == [_("Level"), _("Parent unit")])
    ranking = rows[header_at + 1 : header_at + 6]
    assert [r[4] for r in ranking] == [
        "Polres Delta",
        "Polres Alpha",
        "Polres Bravo",
        "Polres Echo",
        "Polres Charlie",
    ]
    assert ranking[2][-1] == _("Yes")  # bottom three
    assert ranking[0][-2] == "100.0"
    people_at = next(i for i, row in enumerate(rows) if row[:2] == [_("NRP"), _("Name")])
    assert len(rows) - people_at - 1 == 1200


def test_csv_neutralizes_formula_text():
    text = "".join(
        render_csv(
            sample_report(people=[person(1, name="+628123", unit_name="=cmd|' /C calc'!A0")])
        )
    )
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[-1][1] == "'+628123" and rows[-1][3] == "'=cmd|' /C calc'!A0"
