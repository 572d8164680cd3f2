"""Personnel import: an Operator's list may not change the people who lead, train or administer.

An Operator imports the people of their subtree, their own Kapolres included, but a row that
would change an Admin, a Pimpinan or a Pelatih is refused with its line, in the preview and
again when the preview is confirmed, on the page and in the API (the service decides). An Admin
may change them, and so may an Operator who is also the Pimpinan of a unit above the person.
"""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.factories import PersonnelFactory
from training.models import Personnel, Role

pytestmark = pytest.mark.django_db

IMPORT_URL = "/personnel/import/"
CONFIRM_URL = "/personnel/import/confirm/"
API_URL = "/api/v1/personnel/import/"
HEADER = ["NRP", "NAMA", "PANGKAT", "JABATAN", "SATUAN"]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    return buffer.getvalue().encode()


def row_of(person, **changes) -> list[str]:
    values = {
        "nrp": person.nrp,
        "name": person.name,
        "rank": person.rank.code,
        "position": person.position,
        "unit": person.unit.code,
        **changes,
    }
    return [values["nrp"], values["name"], values["rank"], values["position"], values["unit"]]


def page_upload(client, data: bytes):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile("personel.csv", data)})


def api_upload(client, data: bytes, **fields):
    return client.post(
        API_URL, {"file": SimpleUploadedFile("personel.csv", data), **fields}, format="multipart"
    )


NEW_PERSON = ["85010009", "Budi Santoso", "BRIPKA", "Banit", "POLSEK-KAPUAS-SANGGAU"]


def test_the_preview_refuses_a_change_to_the_operators_own_commander_and_lists_the_rest(
    operator_client, pimpinan, units
):
    rows = [
        NEW_PERSON,
        row_of(pimpinan, position="Kapolres (diganti)"),
        ["123", "Salah", "BRIPKA", "", "POLRES-SANGGAU"],
    ]
    response = page_upload(operator_client, csv_bytes(rows))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert problems[0] == (
        f"line 3: NRP {pimpinan.nrp} holds the Pimpinan role; only an Admin or the Pimpinan "
        "of a unit above Polres Sanggau may change this record"
    )
    assert problems[1].startswith('line 4: NRP "123" must be 8 digits')  # the rest is shown
    assert "personnel_import_pending" not in operator_client.session  # nothing to confirm
    pimpinan.refresh_from_db()
    assert pimpinan.position == "Kapolres"
    assert not Personnel.objects.filter(nrp="85010009").exists()


def test_the_api_refuses_a_change_to_a_trainer_in_the_operators_area(operator_client, units, ranks):
    trainer = PersonnelFactory(
        unit=units["POLSEK-KAPUAS-SANGGAU"], rank=ranks["AIPTU"], roles=[Role.PELATIH]
    )
    response = api_upload(operator_client, csv_bytes([row_of(trainer, unit="POLRES-SANGGAU")]))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "line": 2,
            "message": f"NRP {trainer.nrp} holds the Pelatih role; only an Admin or the "
            "Pimpinan of a unit above Polsek Kapuas may change this record",
        }
    ]
    trainer.refresh_from_db()
    assert trainer.unit == units["POLSEK-KAPUAS-SANGGAU"]  # the transfer was not applied


def test_confirming_a_preview_refuses_a_person_who_became_a_commander_meanwhile(
    operator_client, units, ranks
):
    person = PersonnelFactory(unit=units["POLSEK-KAPUAS-SANGGAU"], rank=ranks["IPTU"])
    assert (
        page_upload(operator_client, csv_bytes([row_of(person, name="Nama Baru")])).status_code
        == 200
    )
    # Between the preview and the confirmation an Admin makes them Kapolsek.
    person.groups.add(Group.objects.get_or_create(name=Role.PIMPINAN)[0])
    response = operator_client.post(CONFIRM_URL)
    assert response.status_code == 400
    assert "holds the Pimpinan role" in response.context["problems"][0]
    person.refresh_from_db()
    assert person.name != "Nama Baru"


def test_an_unchanged_commander_row_is_accepted_so_the_whole_unit_list_imports(
    operator_client, pimpinan, units
):
    response = api_upload(operator_client, csv_bytes([row_of(pimpinan), NEW_PERSON]))
    assert response.status_code == 200, response.json()
    assert response.json()["unchanged"] == 1 and response.json()["created"] == 1


def test_an_admin_may_change_a_commander(admin_client_, pimpinan, units):
    response = api_upload(admin_client_, csv_bytes([row_of(pimpinan, position="Wakapolres")]))
    assert response.status_code == 200, response.json()
    pimpinan.refresh_from_db()
    assert pimpinan.position == "Wakapolres"


def test_an_operator_who_commands_a_unit_above_may_change_its_commander(units, ranks, client):
    kapolres = PersonnelFactory(
        unit=units["POLRES-SANGGAU"], rank=ranks["AKBP"], roles=[Role.OPERATOR, Role.PIMPINAN]
    )
    kapolsek = PersonnelFactory(
        unit=units["POLSEK-KAPUAS-SANGGAU"], rank=ranks["AKP"], roles=[Role.PIMPINAN]
    )
    peer = PersonnelFactory(unit=units["POLRES-SANGGAU"], rank=ranks["AKBP"], roles=[Role.PIMPINAN])
    client.force_login(kapolres)
    response = client.post(
        API_URL, {"file": SimpleUploadedFile("p.csv", csv_bytes([row_of(kapolsek, name="Baru")]))}
    )
    assert response.status_code == 200, response.json()
    # A commander of the same unit is not below them.
    response = client.post(
        API_URL, {"file": SimpleUploadedFile("p.csv", csv_bytes([row_of(peer, name="Baru")]))}
    )
    assert response.status_code == 400
    assert "holds the Pimpinan role" in response.json()["errors"][0]["message"]
