"""Personnel import from XLSX: the bounded reader against openpyxl, and the bombs it refuses.

The reader streams the sheet itself, so these tests pin two things: ordinary workbooks (written
by openpyxl and XlsxWriter, with shared and inline strings, numbers, dates, gaps) read exactly
as openpyxl's read-only mode reads them, and hostile ones (one row of millions of cells, a
billion-laughs DOCTYPE, too many rows or strings) are refused quickly, in bounded memory, with a
sentence on the page and in the API, and nothing written.
"""

import datetime
import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from training.errors import ApplicationError
from training.importers import personnel as importer
from training.importers import xlsx
from training.importers.personnel import _xlsx_records, parse_personnel_file
from training.models import Personnel

pytestmark = pytest.mark.django_db

IMPORT_URL = "/personnel/import/"
API_URL = "/api/v1/personnel/import/"
HEADER = ["NRP", "NAMA", "PANGKAT", "JABATAN", "SATUAN"]
ROWS = [
    ["85010001", "Agus Salim", "BRIGADIR", "Banit Sabhara", "POLSEK-KAPUAS-SANGGAU"],
    ["01234567", "Dewi Lestari, S.H.", "Bripka", "Bamin Sie Humas", "Polres Sanggau"],
]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# --- Building workbooks --------------------------------------------------------------------


def openpyxl_rows(data: bytes) -> list[list]:
    """What openpyxl's read-only mode makes of the first sheet (the reader used before)."""
    workbook = openpyxl.load_workbook(
        io.BytesIO(data), read_only=True, data_only=True, keep_links=False
    )
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = [_trim(list(cells)) for cells in sheet.iter_rows(max_col=60, values_only=True)]
    workbook.close()
    return _trim_rows(rows)


def reader_rows(data: bytes) -> list[list]:
    return _trim_rows([_trim(cells) for _line, cells in _xlsx_records(data)])


def _trim(cells: list) -> list:
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _trim_rows(rows: list[list]) -> list[list]:
    while rows and not rows[-1]:
        rows.pop()
    return rows


def workbook_zip(
    sheet: bytes | str,
    *,
    shared_strings: bytes | str | None = None,
    styles: bytes | str | None = None,
    workbook: str | None = None,
    level: int = 6,
) -> bytes:
    """A minimal workbook by hand: content types, package and workbook relationships, the
    workbook and one sheet (plus shared strings and styles when given)."""
    rels = [f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>']
    if shared_strings is not None:
        rels.append(
            f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if styles is not None:
        rels.append(f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>')
    kinds = {
        "/xl/workbook.xml": "sheet.main+xml",
        "/xl/worksheets/sheet1.xml": "worksheet+xml",
        "/xl/sharedStrings.xml": "sharedStrings+xml",
        "/xl/styles.xml": "styles+xml",
    }
    overrides = [
        f'<Override PartName="{name}" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.{kind}"/>'
        for name, kind in kinds.items()
        if (name != "/xl/sharedStrings.xml" or shared_strings is not None)
        and (name != "/xl/styles.xml" or styles is not None)
    ]
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types">{"".join(overrides)}</Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": workbook
        or (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
            '<sheet name="Personel" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{"".join(rels)}</Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    if styles is not None:
        parts["xl/styles.xml"] = styles
    buffer = io.BytesIO()
    with zipfile.ZipFile(
        buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level
    ) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def sheet_xml(rows_xml: bytes | str) -> bytes:
    body = rows_xml.encode() if isinstance(rows_xml, str) else rows_xml
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
        + body
        + b"</sheetData></worksheet>"
    )


def inline_row(line: int, cells: list[str]) -> str:
    return (
        f'<row r="{line}">'
        + "".join(f'<c t="inlineStr"><is><t>{cell}</t></is></c>' for cell in cells)
        + "</row>"
    )


def header_and_rows_xml() -> str:
    return "".join(inline_row(line, cells) for line, cells in enumerate([HEADER, *ROWS], 1))


def one_row_bomb(megabytes: int, *, varied: bool) -> bytes:
    """The first sheet: the header, one good row, then one row declaring `megabytes` MB of
    cells. `varied` numbers pack about 80:1 (past a check of the declared ratio alone);
    identical ones pack a thousand to one."""
    cells, size, index = [], 0, 0
    while size < megabytes * 1024 * 1024:
        cell = f"<c><v>{index % 300 if varied else 1}</v></c>".encode()
        cells.append(cell)
        size += len(cell)
        index += 1
    rows = header_and_rows_xml().encode() + b'<row r="4">' + b"".join(cells) + b"</row>"
    return workbook_zip(sheet_xml(rows))


# --- Ordinary workbooks read as before ------------------------------------------------------


def test_an_openpyxl_workbook_with_numbers_dates_booleans_and_gaps_reads_as_openpyxl_does():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DAFTAR PERSONEL POLRES SANGGAU"])
    sheet.append([])
    sheet.append(HEADER + ["TMT", "AKTIF", "NILAI", "JAM"])
    sheet.append(
        [85010001, "Agus", "Bripka", None, "POLRES-SANGGAU"]
        + [datetime.datetime(2021, 3, 4, 8, 30), True, 3.25, datetime.time(7, 15)]
    )
    sheet.append([198501012010121001, "Siti", "III/a", "Paur", "Polres Sintang", None, False])
    sheet["C9"] = "satu sel sendiri"  # rows 7 and 8 missing, columns A and B empty
    sheet["A10"] = "=1+1"  # a formula without a cached value reads as empty
    sheet["B10"] = datetime.date(1900, 2, 1)  # before Excel's phantom 29 February 1900
    data = _save(workbook)
    rows = reader_rows(data)
    assert rows == openpyxl_rows(data)
    assert rows[3][5] == datetime.datetime(2021, 3, 4, 8, 30)
    assert rows[3][0] == 85010001 and isinstance(rows[3][0], int)
    assert rows[8] == [None, None, "satu sel sendiri"]


def test_xlsxwriter_shared_and_inline_strings_rich_text_and_cached_formulas_read_alike():
    for options in ({}, {"constant_memory": True}):  # shared strings; inline strings
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, **options})
        sheet = book.add_worksheet()
        bold = book.add_format({"bold": True})
        date = book.add_format({"num_format": "dd/mm/yyyy"})
        elapsed = book.add_format({"num_format": "[h]:mm"})
        sheet.write_row(0, 0, HEADER)
        sheet.write_number(1, 0, 85010001)
        sheet.write_string(1, 1, "  Agus   Salim ")
        sheet.write_rich_string(1, 2, bold, "BRIG", "ADIR")
        sheet.write_formula(1, 3, '="Ba"&"nit"', None, "Banit")
        sheet.write_string(1, 4, "Polres Sanggau")
        sheet.write_datetime(1, 5, datetime.datetime(2020, 1, 31), date)
        sheet.write_number(1, 6, 1.5, elapsed)
        sheet.write_boolean(1, 7, True)
        sheet.write_string(3, 25, "kolom Z")  # row 3 missing, a gap before column Z
        book.close()
        data = buffer.getvalue()
        rows = reader_rows(data)
        assert rows == openpyxl_rows(data), options
        assert rows[1][2] == "BRIGADIR"
        assert rows[1][5] == datetime.datetime(2020, 1, 31)
        assert rows[1][6] == datetime.timedelta(hours=36)


def test_hand_written_inline_runs_cells_without_references_and_shared_strings_read_alike():
    sheet = sheet_xml(
        "<row>"
        '<c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="inlineStr"><is><r><t>PANG</t></r>'
        '<r><t xml:space="preserve">KAT</t></r></is></c><c r="E1" t="s"><v>2</v></c>'
        "</row>"
        '<row><c t="n"><v>1.0E+7</v></c><c t="str"><v>Agus</v></c><c t="b"><v>0</v></c>'
        '<c t="e"><v>#N/A</v></c><c t="inlineStr"><is><t>POLRES-SANGGAU</t>'
        '<rPh sb="0" eb="1"><t>x</t></rPh></is></c></row>'
    )
    strings = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}"><si><t>NRP</t></si><si><r><t>NA</t></r>'
        '<r><t>MA</t></r><rPh sb="0" eb="1"><t>furigana</t></rPh></si><si><t>SATUAN</t></si>'
        "</sst>"
    )
    data = workbook_zip(sheet, shared_strings=strings)
    rows = reader_rows(data)
    assert rows == openpyxl_rows(data)
    assert rows[0] == ["NRP", "NAMA", "PANGKAT", None, "SATUAN"]


def test_a_number_typed_nrp_in_an_xlsxwriter_sheet_still_imports(units, admin_client_):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, [85010001, "Agus Salim", "BRIGADIR", "Banit", "POLRES-SANGGAU"])
    book.close()
    response = admin_client_.post(
        API_URL,
        {"file": SimpleUploadedFile("personel.xlsx", buffer.getvalue())},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert Personnel.objects.get(nrp="85010001").name == "Agus Salim"


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Bombs ----------------------------------------------------------------------------------


def _bounded(action) -> tuple[float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        action()
    finally:
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return seconds, peak


def test_one_row_of_ten_megabytes_of_cells_is_refused_on_the_page_quickly_in_bounded_memory(
    admin_client_, units
):
    data = one_row_bomb(10, varied=True)
    assert len(data) < 200 * 1024  # small on the wire
    responses = []
    seconds, peak = _bounded(
        lambda: responses.append(
            admin_client_.post(IMPORT_URL, {"file": SimpleUploadedFile("personel.xlsx", data)})
        )
    )
    response = responses[0]
    assert response.status_code == 400
    assert "line 4: the row has more than 16384 cells" in response.content.decode()
    # openpyxl built the whole row: seconds and hundreds of MB for this file.
    assert peak < 50 * 1024 * 1024, peak
    assert seconds < 10, seconds
    assert "personnel_import_pending" not in admin_client_.session
    assert not Personnel.objects.filter(nrp="85010001").exists()  # the good row is not written


def test_one_row_bomb_is_refused_by_the_api_with_the_row_number(admin_client_, units):
    data = one_row_bomb(10, varied=True)
    response = admin_client_.post(
        API_URL, {"file": SimpleUploadedFile("personel.xlsx", data)}, format="multipart"
    )
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["message"].startswith("line 4: the row has more than 16384 cells")
    assert not Personnel.objects.filter(nrp="85010001").exists()


def test_a_tightly_packed_sheet_is_refused_before_it_is_inflated(admin_client_, units):
    data = one_row_bomb(20, varied=False)
    seconds, peak = _bounded(lambda: pytest.raises(ApplicationError, parse_personnel_file, data))
    assert peak < 50 * 1024 * 1024 and seconds < 5
    response = admin_client_.post(
        API_URL, {"file": SimpleUploadedFile("personel.xlsx", data)}, format="multipart"
    )
    assert response.status_code == 400
    assert "looks like a ZIP bomb" in response.json()["errors"][0]["message"]


def test_the_refusal_reads_in_indonesian_on_the_page_by_default(admin_client_, units, settings):
    settings.LANGUAGE_CODE = "id"
    with translation.override("id"):
        response = admin_client_.post(
            IMPORT_URL,
            {"file": SimpleUploadedFile("personel.xlsx", one_row_bomb(1, varied=True))},
            headers={"accept-language": "id"},
        )
    assert response.status_code == 400
    assert "baris 4: baris ini berisi lebih dari 16384 sel" in response.content.decode()


def test_more_rows_than_the_cap_are_refused_with_the_row_number(monkeypatch):
    monkeypatch.setattr(importer, "MAX_XLSX_ROWS", 5)
    rows = "".join(inline_row(line, ["x"]) for line in range(4, 12))
    data = workbook_zip(sheet_xml(header_and_rows_xml() + rows))
    with pytest.raises(ApplicationError, match="line 6: the sheet has more than 5 rows"):
        parse_personnel_file(data)


def test_too_many_shared_strings_are_refused(monkeypatch):
    monkeypatch.setattr(importer, "MAX_XLSX_SHARED_STRINGS", 3)
    strings = f'<sst xmlns="{MAIN_NS}">' + "<si><t>a</t></si>" * 4 + "</sst>"
    data = workbook_zip(sheet_xml(header_and_rows_xml()), shared_strings=strings)
    with pytest.raises(ApplicationError, match="more than 3 different texts"):
        parse_personnel_file(data)


def test_a_cell_longer_than_excel_allows_is_refused_with_its_row():
    huge = inline_row(3, ["8501", "A" * 40_000])
    data = workbook_zip(sheet_xml(inline_row(1, HEADER) + inline_row(2, ROWS[0]) + huge))
    with pytest.raises(ApplicationError, match="line 3: a cell holds more than 32767"):
        parse_personnel_file(data)


def test_more_inflated_bytes_than_the_cap_are_refused_up_front(monkeypatch):
    monkeypatch.setattr(importer, "MAX_XLSX_INFLATED_BYTES", 64 * 1024)
    filler = "".join(inline_row(line, [f"Personel {line}"]) for line in range(4, 3000))
    data = workbook_zip(sheet_xml(header_and_rows_xml() + filler))
    with pytest.raises(ApplicationError, match="too large once unpacked"):
        parse_personnel_file(data)


def test_inflated_bytes_are_counted_as_read_not_taken_from_the_headers(monkeypatch):
    # Even with the declared sizes not checked, the bytes counted while reading stop the sheet.
    monkeypatch.setattr(xlsx._Reader, "check_declared", lambda self, paths: None)
    monkeypatch.setattr(importer, "MAX_XLSX_INFLATED_BYTES", 256 * 1024)
    filler = "".join(inline_row(line, [f"Personel {line}"]) for line in range(4, 20_000))
    data = workbook_zip(sheet_xml(header_and_rows_xml() + filler))
    with pytest.raises(ApplicationError, match="too large once unpacked"):
        parse_personnel_file(data)


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


@pytest.mark.parametrize("part", ["sheet", "shared_strings", "workbook"])
def test_xml_with_a_doctype_is_refused_wherever_it_is(admin_client_, units, part):
    sheet = sheet_xml(header_and_rows_xml())
    strings = f'<sst xmlns="{MAIN_NS}"><si><t>a</t></si></sst>'
    book = (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    if part == "sheet":
        sheet = LAUGHS.encode() + sheet.split(b"?>", 1)[1].replace(b"NAMA", b"&lol3;")
    elif part == "shared_strings":
        strings = LAUGHS + strings.replace("<t>a", "<t>&lol3;")
    else:
        book = LAUGHS + book
    data = workbook_zip(sheet, shared_strings=strings, workbook=book)
    response = admin_client_.post(
        API_URL, {"file": SimpleUploadedFile("personel.xlsx", data)}, format="multipart"
    )
    assert response.status_code == 400
    assert "document type declaration" in response.json()["errors"][0]["message"]


def test_a_workbook_whose_sheet_cannot_be_found_is_refused():
    book = f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets/></workbook>'
    with pytest.raises(ApplicationError, match="no sheets"):
        parse_personnel_file(workbook_zip(sheet_xml(""), workbook=book))


def test_a_reference_to_a_missing_shared_string_is_refused():
    data = workbook_zip(sheet_xml('<row r="1"><c t="s"><v>7</v></c></row>'))
    with pytest.raises(ApplicationError, match="cannot be read"):
        parse_personnel_file(data)
