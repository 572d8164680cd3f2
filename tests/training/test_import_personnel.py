"""Personnel import: the service, the command, the web page and the API."""

import io
import json
import os
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PersonnelFactory, UnitFactory
from training.errors import ApplicationError
from training.importers.personnel import parse_personnel_file
from training.models import Personnel, Role, Unit
from training.services.personnel import PENDING_DIR, personnel_import
from training.tasks import personnel_import_uploads_purge_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English messages; the Indonesian ones are the translators' business."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


HEADER = ["NRP", "NAMA", "PANGKAT", "JABATAN", "SATUAN"]
GOOD_ROWS = [
    ["85010001", "Agus Salim", "BRIGADIR", "Banit Sabhara", "POLSEK-KAPUAS-SANGGAU"],
    ["01234567", "Dewi Lestari, S.H.", "Bripka", "Bamin Sie Humas", "Polres Sanggau"],
    ["75030003", "Dr. Yudi Hartono, S.I.K., M.Si.", "KBP", "Dirreskrimum", "Polda Kalbar"],
    ["198501012010121001", "Siti Aminah, S.E.", "PNS III/a", "Paur Keu", "Polres Sintang"],
]


def csv_bytes(rows, *, header=HEADER, delimiter=",", bom=False, encoding="utf-8") -> bytes:
    lines = [delimiter.join(_quote(cell, delimiter) for cell in row) for row in [header, *rows]]
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _quote(cell: str, delimiter: str) -> str:
    return f'"{cell}"' if delimiter in cell else cell


def xlsx_bytes(rows, *, header=HEADER, title_rows=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(data: bytes, *, dry_run=False, actor=None):
    return personnel_import(source=data, dry_run=dry_run, actor=actor)


def messages(result) -> list[str]:
    return [str(problem) for problem in result.errors]


# --- Service ------------------------------------------------------------------------------------


def test_a_good_file_creates_everyone_with_rank_unit_and_the_peserta_role(units, ranks):
    result = run(csv_bytes(GOOD_ROWS))
    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    agus = Personnel.objects.get(nrp="85010001")
    assert agus.rank.code == "BRIGPOL"
    assert agus.unit == units["POLSEK-KAPUAS-SANGGAU"]
    assert agus.position == "Banit Sabhara"
    assert not agus.has_usable_password()
    assert agus.has_role(Role.PESERTA)
    assert Personnel.objects.get(nrp="75030003").rank.code == "KOMBES-POL"
    assert Personnel.objects.get(nrp="75030003").unit == units["POLDA-KALBAR"]


def test_leading_zeros_in_an_nrp_are_kept(units):
    assert run(csv_bytes(GOOD_ROWS)).ok
    dewi = Personnel.objects.get(nrp="01234567")
    assert dewi.name == "Dewi Lestari, S.H."


def test_an_18_digit_nip_with_a_pns_grade_is_civil_staff(units):
    assert run(csv_bytes(GOOD_ROWS)).ok
    siti = Personnel.objects.get(nrp="198501012010121001")
    assert siti.is_civil_staff
    assert siti.rank.code == "PNS-III-A"
    assert siti.unit == units["POLRES-SINTANG"]


def test_nrp_with_spaces_and_dots_is_normalized(units):
    rows = [
        ["8501 0001", "Agus", "Bripda", "", "POLRES-SANGGAU"],
        ["85.01.0002", "Budi", "AKP", "", "POLRES-SANGGAU"],
    ]
    assert run(csv_bytes(rows)).ok
    assert set(Personnel.objects.values_list("nrp", flat=True)) == {"85010001", "85010002"}


def test_a_bad_file_lists_every_problem_with_its_line_and_writes_nothing(units):
    PersonnelFactory(nrp="99990000", name="Sudah Ada", unit=units["POLRES-SANGGAU"])
    before = Personnel.objects.count()
    rows = [
        ["85010001", "Agus Salim", "BRIGADIR", "Banit", "POLRES-SANGGAU"],  # line 2: fine
        ["1234", "Nrp Pendek", "Bripka", "", "POLRES-SANGGAU"],  # line 3
        ["85010003", "Pangkat Aneh", "KAPTEN", "", "POLRES-SANGGAU"],  # line 4
        ["85010004", "Satuan Aneh", "Bripka", "", "Polres Atlantis"],  # line 5
        ["85010001", "Agus Lagi", "Bripka", "", "POLRES-SANGGAU"],  # line 6: duplicate
        ["85010006", "", "Bripka", "", "POLRES-SANGGAU"],  # line 7: no name
        ["85010007", "Tanpa Pangkat", "", "", "POLRES-SANGGAU"],  # line 8
        ["85010008", "Tanpa Satuan", "Bripka", "", ""],  # line 9
        ["99990000", "Sudah Ada", "Bripka", "", "POLRES-SANGGAU"],  # line 10: fine (update)
    ]
    result = run(csv_bytes(rows))
    assert not result.ok
    lines = [problem.line for problem in result.errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9]
    text = "\n".join(messages(result))
    assert 'line 3: NRP "1234" must be 8 digits (NRP) or 18 digits (NIP)' in text
    assert 'line 4: unknown rank "KAPTEN"' in text
    assert 'line 5: unknown unit "Polres Atlantis"' in text
    assert "line 6: NRP 85010001 also appears on line 2" in text
    assert "line 7: NAMA is empty" in text
    assert "line 8: PANGKAT is empty" in text
    assert "line 9: SATUAN is empty" in text
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert Personnel.objects.count() == before
    assert Personnel.objects.get(nrp="99990000").rank is None


def test_one_row_can_have_several_problems(units):
    result = run(csv_bytes([["12", "", "KAPTEN", "", "Polres Atlantis"]]))
    assert [p.line for p in result.errors] == [2, 2, 2, 2]


def test_a_missing_required_column_is_reported_on_the_header_line(units):
    data = csv_bytes([["85010001", "Agus", "Bripka"]], header=["NRP", "NAMA", "PANGKAT"])
    result = run(data)
    assert messages(result) == [
        "line 1: the column SATUAN is missing (also accepted: SATKER, UNIT, KESATUAN, "
        "SATUAN KERJA, SATKER/SATWIL)"
    ]


def test_reimporting_the_same_file_changes_nothing(units):
    assert run(csv_bytes(GOOD_ROWS)).created == 4
    password_before = Personnel.objects.get(nrp="85010001").password
    result = run(csv_bytes(GOOD_ROWS))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert Personnel.objects.count() == 4
    assert Personnel.objects.get(nrp="85010001").password == password_before


def test_a_transfer_moves_the_person_to_the_new_unit_and_keeps_roles(units, ranks):
    person = PersonnelFactory(
        nrp="85010001",
        name="Agus Salim",
        rank=ranks["BRIGPOL"],
        position="Banit",
        unit=units["POLSEK-KAPUAS-SANGGAU"],
        roles=[Role.OPERATOR],
    )
    rows = [["85010001", "Agus Salim", "BRIPKA", "Kanit Reskrim", "POLRES-SINTANG"]]
    result = run(csv_bytes(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    person.refresh_from_db()
    assert person.unit == units["POLRES-SINTANG"]
    assert person.rank.code == "BRIPKA"
    assert person.position == "Kanit Reskrim"
    assert person.has_usable_password()  # an existing login survives
    assert set(person.groups.values_list("name", flat=True)) == {Role.OPERATOR}


def test_without_a_jabatan_column_positions_are_left_alone(units, ranks):
    PersonnelFactory(nrp="85010001", position="Kapolsek", unit=units["POLRES-SANGGAU"])
    data = csv_bytes(
        [["85010001", "Agus", "AKP", "POLSEK-KAPUAS-SANGGAU"]],
        header=["NRP", "NAMA", "PANGKAT", "SATUAN"],
    )
    assert run(data).updated == 1
    assert Personnel.objects.get(nrp="85010001").position == "Kapolsek"


def test_dry_run_counts_without_writing(units):
    PersonnelFactory(nrp="85010001", name="Nama Lama", unit=units["POLRES-SANGGAU"])
    result = run(csv_bytes(GOOD_ROWS), dry_run=True)
    assert result.ok and result.dry_run
    assert (result.created, result.updated, result.unchanged) == (3, 1, 0)
    assert Personnel.objects.count() == 1
    assert Personnel.objects.get(nrp="85010001").name == "Nama Lama"


def test_utf8_with_bom_and_semicolons_as_excel_saves_it(units):
    rows = [
        ["85010001", "Ni Luh Putu Ayu, S.H.", "Bripda", "Bamin", "Polsek Kapuas, Polres Sanggau"]
    ]
    result = run(csv_bytes(rows, delimiter=";", bom=True))
    assert result.ok, messages(result)
    person = Personnel.objects.get(nrp="85010001")
    assert person.name == "Ni Luh Putu Ayu, S.H."
    assert person.unit == units["POLSEK-KAPUAS-SANGGAU"]


def test_excel_sep_line_and_title_rows_above_the_header(units):
    text = (
        "sep=;\r\nDAFTAR PERSONEL POLRES SANGGAU;;;;\r\n;;;;\r\n"
        "No;NRP;Nama Lengkap;Pangkat;Jabatan;Satker\r\n"
        "1;85010001;Agus;Bripka;Banit;POLRES-SANGGAU\r\n"
    )
    result = run(text.encode())
    assert result.ok, messages(result)
    assert Personnel.objects.get(nrp="85010001").rank.code == "BRIPKA"


def test_english_headers_in_any_case(units):
    data = csv_bytes(
        [["85010001", "Agus", "Bripka", "Clerk", "POLRES-SANGGAU"]],
        header=["nrp", "Name", "RANK", "position", "Unit"],
    )
    assert run(data).created == 1


def test_a_file_that_is_not_utf8_is_refused_with_advice(units):
    rows = [["85010001", "Agus Müller", "Bripka", "", "POLRES-SANGGAU"]]
    result = run(csv_bytes(rows, encoding="cp1252"))
    assert len(result.errors) == 1
    assert result.errors[0].line is None
    assert "not UTF-8" in result.errors[0].message
    assert "CSV UTF-8" in result.errors[0].message
    assert Personnel.objects.count() == 0


def test_xlsx_with_a_title_row_and_a_number_typed_nrp(units):
    rows = [
        [85010001, "Agus Salim", "KOMBES POL", "Dirlantas", "Polda Kalbar"],
        ["01234567", "Dewi", "PENATA MUDA TK. I", "Staf", "POLRES-SANGGAU"],
    ]
    data = xlsx_bytes(rows, title_rows=["DAFTAR PERSONEL"])
    result = run(data)
    assert result.ok, messages(result)
    assert Personnel.objects.get(nrp="85010001").rank.code == "KOMBES-POL"
    assert Personnel.objects.get(nrp="01234567").rank.code == "PNS-III-B"


def test_xlsx_problems_use_spreadsheet_row_numbers(units):
    rows = [
        ["85010001", "Agus", "Bripka", "", "POLRES-SANGGAU"],
        [1234567, "Nol Hilang", "Bripka", "", "POLRES-SANGGAU"],  # Excel dropped a leading 0
        [198501012010121001, "Nip Angka", "III/a", "", "POLRES-SANGGAU"],  # rounded by Excel
    ]
    result = run(xlsx_bytes(rows, title_rows=["DAFTAR PERSONEL", ""]))
    text = messages(result)
    assert [p.line for p in result.errors] == [5, 6]
    assert "leading zeros lost" in text[0]
    assert "stored as a number" in text[1]
    assert Personnel.objects.count() == 0


def test_old_xls_and_broken_xlsx_are_refused(units):
    assert "xls" in run(b"\xd0\xcf\x11\xe0" + b"\0" * 100).errors[0].message
    assert "damaged" in run(b"PK\x03\x04 not really a zip").errors[0].message


def test_a_zip_bomb_is_refused_before_it_is_inflated(units, monkeypatch):
    monkeypatch.setattr("training.importers.personnel.MAX_XLSX_UNPACKED_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    assert len(buffer.getvalue()) < 10 * 1024  # small on the wire, big once inflated
    result = run(buffer.getvalue())
    assert "too large once unpacked" in result.errors[0].message


def test_more_rows_than_the_cap_is_refused(units, monkeypatch):
    monkeypatch.setattr("training.importers.personnel.MAX_ROWS", 3)
    rows = [[f"8501000{i}", "A", "Bripka", "", "POLRES-SANGGAU"] for i in range(4)]
    with pytest.raises(ApplicationError, match="more than 3 rows"):
        parse_personnel_file(csv_bytes(rows))


@pytest.fixture
def kapuas_twins(units):
    """A second "Polsek Kapuas", in Polda Kalteng's Polres Kapuas: names are not unique."""
    polres_kapuas = UnitFactory(
        code="POLRES-KAPUAS",
        name="Polres Kapuas",
        kind=Unit.Kind.POLRES,
        parent=units["POLDA-KALTENG"],
    )
    return UnitFactory(code="POLSEK-KAPUAS-KAPUAS", name="Polsek Kapuas", parent=polres_kapuas)


def test_an_ambiguous_unit_name_lists_the_candidates_with_their_parents(units, kapuas_twins):
    result = run(csv_bytes([["85010001", "Agus", "Bripka", "", "POLSEK KAPUAS"]]))
    assert len(result.errors) == 1
    message = str(result.errors[0])
    assert message.startswith('line 2: unit "POLSEK KAPUAS" is ambiguous')
    assert "Polsek Kapuas (Polres Sanggau; POLSEK-KAPUAS-SANGGAU)" in message
    assert "Polsek Kapuas (Polres Kapuas; POLSEK-KAPUAS-KAPUAS)" in message
    assert Personnel.objects.count() == 0


@pytest.mark.parametrize(
    "cell",
    [
        "POLSEK-KAPUAS-SANGGAU",
        "polsek-kapuas-sanggau",
        "POLSEK KAPUAS POLRES SANGGAU",
        "Polsek Kapuas, Polres Sanggau",
        "Polsek Kapuas / Polres Sanggau",
    ],
)
def test_a_unit_code_or_name_with_its_parent_settles_the_ambiguity(units, kapuas_twins, cell):
    result = run(csv_bytes([["85010001", "Agus", "Bripka", "", cell]]))
    assert result.ok, messages(result)
    assert Personnel.objects.get(nrp="85010001").unit == units["POLSEK-KAPUAS-SANGGAU"]


def test_an_inactive_unit_is_refused(units):
    UnitFactory(
        code="POLSEK-LAMA", name="Polsek Lama", parent=units["POLRES-SANGGAU"], is_active=False
    )
    result = run(csv_bytes([["85010001", "Agus", "Bripka", "", "Polsek Lama"]]))
    assert messages(result) == ['line 2: unit "Polsek Lama" is no longer active']


def test_the_import_takes_a_fixed_number_of_queries_not_one_per_row(units):
    def rows(n, first):
        return [[f"{first + i}", f"Personel {i}", "Bripda", "", "POLRES-SANGGAU"] for i in range(n)]

    Group.objects.get_or_create(name=Role.PESERTA)
    with CaptureQueriesContext(connection) as small:
        assert run(csv_bytes(rows(20, 85000000))).created == 20
    with CaptureQueriesContext(connection) as large:
        assert run(csv_bytes(rows(200, 86000000))).created == 200
    # Only batching may add statements: 10x the rows must not mean 10x the queries.
    assert len(large.captured_queries) <= len(small.captured_queries) + 2
    with CaptureQueriesContext(connection) as again:
        assert run(csv_bytes(rows(200, 86000000))).unchanged == 200
    assert len(again.captured_queries) <= 6


def test_an_operator_may_import_into_their_own_subtree(units, operator):
    rows = [["85010001", "Agus", "Bripka", "", "POLSEK-KAPUAS-SANGGAU"]]
    result = run(csv_bytes(rows), actor=operator)
    assert result.ok, messages(result)


def test_an_operator_cannot_import_outside_their_subtree(units, operator):
    rows = [
        ["85010001", "Agus", "Bripka", "", "POLSEK-KAPUAS-SANGGAU"],
        ["85010002", "Budi", "Bripka", "", "POLRES-SINTANG"],
    ]
    result = run(csv_bytes(rows), actor=operator)
    assert messages(result) == [
        'line 3: unit "POLRES-SINTANG" is outside your area (Polres Sanggau)'
    ]
    assert Personnel.objects.filter(nrp__startswith="8501").count() == 0


def test_an_operator_cannot_pull_in_someone_from_another_polres(units, operator):
    PersonnelFactory(nrp="85010001", name="Agus", unit=units["POLRES-SINTANG"])
    result = run(csv_bytes([["85010001", "Agus", "Bripka", "", "POLRES-SANGGAU"]]), actor=operator)
    assert "belongs to Polres Sintang, outside your area" in messages(result)[0]
    assert Personnel.objects.get(nrp="85010001").unit == units["POLRES-SINTANG"]


def test_an_operator_cannot_rewrite_an_admin_account(units, operator):
    PersonnelFactory(nrp="85010001", unit=units["POLRES-SANGGAU"], roles=[Role.ADMIN])
    result = run(csv_bytes([["85010001", "Agus", "Bripka", "", "POLRES-SANGGAU"]]), actor=operator)
    assert "Admin account" in messages(result)[0]


def test_only_admins_and_operators_may_import(units, peserta, pimpinan, admin_user):
    for person in (peserta, pimpinan):
        with pytest.raises(ApplicationError):
            run(csv_bytes(GOOD_ROWS), actor=person)
    assert run(csv_bytes(GOOD_ROWS), actor=admin_user).created == 4


# --- Command ------------------------------------------------------------------------------------


def test_command_imports_and_prints_a_summary(units, tmp_path, capsys):
    path = tmp_path / "personel.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    call_command("import_personnel", str(path))
    assert "4 were created" in capsys.readouterr().out
    assert Personnel.objects.count() == 4


def test_command_json_summary_for_a_good_file(units, tmp_path, capsys):
    path = tmp_path / "personel.xlsx"
    path.write_bytes(xlsx_bytes(GOOD_ROWS))
    call_command("import_personnel", str(path), "--json")
    call_command("import_personnel", str(path), "--json")
    first, second = capsys.readouterr().out.strip().splitlines()
    assert json.loads(first) == {
        "dry_run": False,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert json.loads(second)["unchanged"] == 4


def test_command_dry_run_writes_nothing(units, tmp_path, capsys):
    path = tmp_path / "personel.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    call_command("import_personnel", str(path), "--dry-run")
    assert "4 would be created" in capsys.readouterr().out
    assert Personnel.objects.count() == 0


def test_command_reports_problems_as_json_and_exits_non_zero(units, tmp_path, capsys):
    path = tmp_path / "personel.csv"
    path.write_bytes(csv_bytes([*GOOD_ROWS, ["123", "X", "KAPTEN", "", "POLRES-SANGGAU"]]))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_personnel", str(path), "--json")
    assert excinfo.value.returncode == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["created"] == 0
    assert summary["errors"] == [
        {"line": 6, "message": 'NRP "123" must be 8 digits (NRP) or 18 digits (NIP)'},
        {"line": 6, "message": 'unknown rank "KAPTEN"'},
    ]
    assert Personnel.objects.count() == 0


def test_command_human_output_lists_problems_by_line(units, tmp_path, capsys):
    path = tmp_path / "personel.csv"
    path.write_bytes(csv_bytes([["85010001", "Agus", "Bripka", "", "Polres Atlantis"]]))
    with pytest.raises(CommandError):
        call_command("import_personnel", str(path))
    assert 'line 2: unknown unit "Polres Atlantis"' in capsys.readouterr().err


def test_command_missing_file(db, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_personnel", str(tmp_path / "nope.csv"), "--json")
    assert "No such file" in json.loads(capsys.readouterr().out)["errors"][0]["message"]


# --- Web page -----------------------------------------------------------------------------------

IMPORT_URL = "/personnel/import/"
CONFIRM_URL = "/personnel/import/confirm/"


def upload(client, data: bytes, url=IMPORT_URL, name="personel.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_page_urls():
    assert reverse("personnel:import") == IMPORT_URL
    assert reverse("personnel:import-confirm") == CONFIRM_URL


def test_upload_previews_then_confirm_imports_the_same_file(admin_client_, units):
    response = upload(admin_client_, csv_bytes(GOOD_ROWS))
    assert response.status_code == 200
    assert response.context["result"].created == 4
    assert 'data-count="created">4<' in response.content.decode()
    assert Personnel.objects.filter(nrp="85010001").count() == 0  # a preview writes nothing
    pending = admin_client_.session["personnel_import_pending"]["name"]
    assert default_storage.exists(pending)

    response = admin_client_.post(CONFIRM_URL)
    assert response.status_code == 200
    assert response.context["done"] is True
    assert Personnel.objects.get(nrp="85010001").unit == units["POLSEK-KAPUAS-SANGGAU"]
    assert not default_storage.exists(pending)  # the upload does not linger
    assert "personnel_import_pending" not in admin_client_.session
    # Confirming twice does not import twice.
    assert admin_client_.post(CONFIRM_URL).status_code == 400


def test_upload_of_a_bad_file_shows_every_problem_and_keeps_nothing(admin_client_, units):
    rows = [*GOOD_ROWS, ["123", "X", "KAPTEN", "", "POLRES-SANGGAU"]]
    response = upload(admin_client_, csv_bytes(rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert "line 6: NRP &quot;123&quot; must be 8 digits" in body
    assert "line 6: unknown rank &quot;KAPTEN&quot;" in body
    assert "personnel_import_pending" not in admin_client_.session
    assert admin_client_.post(CONFIRM_URL).status_code == 400
    assert Personnel.objects.filter(nrp="85010001").count() == 0


def test_cancel_discards_the_pending_upload(admin_client_, units):
    upload(admin_client_, xlsx_bytes(GOOD_ROWS), name="personel.xlsx")
    pending = admin_client_.session["personnel_import_pending"]["name"]
    response = admin_client_.post(CONFIRM_URL, {"cancel": "1"})
    assert response.status_code == 302
    assert not default_storage.exists(pending)
    assert Personnel.objects.filter(nrp="85010001").count() == 0


def test_the_page_needs_a_login(anon_client, units):
    response = anon_client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert anon_client.post(CONFIRM_URL).status_code == 302


def test_an_operator_sees_the_page(operator_client):
    response = operator_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert "SATKER" in response.content.decode()


@pytest.mark.parametrize("client_name", ["peserta_client", "commander_client", "trainer_client"])
def test_other_roles_are_refused(request, client_name, units):
    client = request.getfixturevalue(client_name)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, csv_bytes(GOOD_ROWS)).status_code == 403
    assert client.post(CONFIRM_URL).status_code == 403
    assert Personnel.objects.filter(nrp="85010001").count() == 0


def test_an_operator_uploading_outside_their_subtree_is_refused(operator_client, units):
    rows = [["85010002", "Budi", "Bripka", "", "POLRES-SINTANG"]]
    response = upload(operator_client, csv_bytes(rows))
    assert response.status_code == 400
    assert "outside your area" in response.content.decode()
    assert "personnel_import_pending" not in operator_client.session
    assert not Personnel.objects.filter(nrp="85010002").exists()


def test_an_operator_imports_into_their_subtree(operator_client, units):
    rows = [["85010002", "Budi", "Bripka", "", "Polsek Kapuas, Polres Sanggau"]]
    assert upload(operator_client, csv_bytes(rows)).status_code == 200
    assert operator_client.post(CONFIRM_URL).status_code == 200
    assert Personnel.objects.get(nrp="85010002").unit == units["POLSEK-KAPUAS-SANGGAU"]


def test_upload_without_a_file_is_a_form_error(admin_client_):
    response = admin_client_.post(IMPORT_URL, {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


# --- API ----------------------------------------------------------------------------------------

API_URL = "/api/v1/personnel/import/"


def api_upload(client, data: bytes, **fields):
    return client.post(
        API_URL, {"file": SimpleUploadedFile("personel.csv", data), **fields}, format="multipart"
    )


def test_api_url():
    assert reverse("api-personnel-import") == API_URL


def test_api_dry_run_then_import(admin_client_, units):
    response = api_upload(admin_client_, csv_bytes(GOOD_ROWS), dry_run="true")
    assert response.status_code == 200
    assert response.json() == {
        "dry_run": True,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert not Personnel.objects.filter(nrp="85010001").exists()
    response = api_upload(admin_client_, csv_bytes(GOOD_ROWS))
    assert response.status_code == 200
    assert response.json()["created"] == 4
    assert Personnel.objects.get(nrp="85010001").rank.code == "BRIGPOL"
    assert api_upload(admin_client_, csv_bytes(GOOD_ROWS)).json()["unchanged"] == 4


def test_api_bad_file_is_400_with_line_numbered_problems(admin_client_, units):
    response = api_upload(admin_client_, csv_bytes([["85010001", "Agus", "Bripka", "", "X"]]))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "line": 2,
            "message": 'unknown unit "X": write the unit code (e.g. POLRES-SANGGAU) or its '
            "exact name",
        }
    ]
    assert not Personnel.objects.filter(nrp="85010001").exists()


def test_api_refuses_anonymous(anon_client, units):
    assert api_upload(anon_client, csv_bytes(GOOD_ROWS)).status_code in (401, 403)
    assert not Personnel.objects.filter(nrp="85010001").exists()


@pytest.mark.parametrize("client_name", ["peserta_client", "commander_client"])
def test_api_refuses_other_roles(request, client_name, units):
    client = request.getfixturevalue(client_name)
    assert api_upload(client, csv_bytes(GOOD_ROWS)).status_code == 403
    assert not Personnel.objects.filter(nrp="85010001").exists()


def test_api_operator_outside_subtree_is_refused_line_by_line(operator_client, units):
    rows = [
        ["85010001", "Agus", "Bripka", "", "POLSEK-KAPUAS-SANGGAU"],
        ["85010002", "Budi", "Bripka", "", "POLRES-SINTANG"],
    ]
    response = api_upload(operator_client, csv_bytes(rows))
    assert response.status_code == 400
    assert [e["line"] for e in response.json()["errors"]] == [3]
    assert not Personnel.objects.filter(nrp__in=["85010001", "85010002"]).exists()


def test_api_appears_in_the_openapi_schema(admin_client_):
    response = admin_client_.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/personnel/import/"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]


def test_the_page_renders_in_indonesian_by_default(admin_client_, units, settings):
    settings.LANGUAGE_CODE = "id"
    rows = [["123", "X", "KAPTEN", "", "POLRES-SANGGAU"]]
    with translation.override("id"):
        response = upload(admin_client_, csv_bytes(rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert "KAPTEN" in body
    assert admin_client_.get(IMPORT_URL, HTTP_ACCEPT_LANGUAGE="id").status_code == 200


def test_api_without_a_file_answers_400_in_the_import_result_shape(admin_client_):
    response = admin_client_.post(API_URL, {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["created"] == 0 and body["errors"][0]["line"] is None
    assert body["errors"][0]["message"].startswith("file:")


@pytest.fixture
def own_media(settings, tmp_path):
    """A media folder of this test's own: the purge looks at every list in storage."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _stale_list(name: str, hours: float) -> str:
    """A list left in storage by a preview nobody confirmed, `hours` ago."""
    path = default_storage.save(f"{PENDING_DIR}/{name}.upload", ContentFile(csv_bytes(GOOD_ROWS)))
    then = (timezone.now() - timedelta(hours=hours)).timestamp()
    os.utime(default_storage.path(path), (then, then))
    return path


def test_purge_removes_only_unconfirmed_lists_older_than_the_setting(
    admin_client_, settings, own_media
):
    settings.PERSONNEL_IMPORT_PREVIEW_MAX_AGE_HOURS = 1
    upload(admin_client_, csv_bytes(GOOD_ROWS))
    fresh = admin_client_.session["personnel_import_pending"]["name"]
    abandoned = _stale_list("abandoned", hours=3)
    recent = _stale_list("recent", hours=0.5)

    assert personnel_import_uploads_purge_task.delay().get() == 1
    assert personnel_import_uploads_purge_task.delay().get() == 0  # beat running twice
    assert not default_storage.exists(abandoned)
    assert default_storage.exists(recent) and default_storage.exists(fresh)
    # The list previewed a moment ago can still be confirmed.
    response = admin_client_.post(CONFIRM_URL)
    assert response.status_code == 200 and response.context["done"] is True
    assert Personnel.objects.filter(nrp="85010001").exists()


def test_purge_command_and_a_confirmation_after_the_purge(admin_client_, settings, own_media):
    settings.PERSONNEL_IMPORT_PREVIEW_MAX_AGE_HOURS = 1
    upload(admin_client_, csv_bytes(GOOD_ROWS))
    pending = admin_client_.session["personnel_import_pending"]["name"]
    out = io.StringIO()
    call_command("purge_personnel_import_uploads", stdout=out)
    assert out.getvalue().strip() == "0 unconfirmed personnel lists deleted"
    call_command("purge_personnel_import_uploads", "--hours", "0", stdout=out)
    assert "1 unconfirmed personnel lists deleted" in out.getvalue()
    assert not default_storage.exists(pending)
    response = admin_client_.post(CONFIRM_URL)
    assert response.status_code == 400
    assert "please upload the file again" in response.content.decode()
    assert not Personnel.objects.filter(nrp="85010001").exists()


def test_beat_purges_personnel_lists_on_the_light_queue(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["training-purge-personnel-import-uploads"]
    assert entry["task"] == personnel_import_uploads_purge_task.name
    assert personnel_import_uploads_purge_task.name not in settings.CELERY_TASK_ROUTES
