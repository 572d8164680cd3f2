"""Bad input is a 400 with a message, never a 500: JSON nested fifty thousand levels deep,
integers of 25 digits (or of thousands, or in other scripts) in query strings, bodies and
headers, and — behind the field validation — any OverflowError/DataError a view still raises."""

import logging

import pytest
from django.db import DataError
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import translation
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from core.fields import ID_MAX, InvalidId, parse_id
from core.parsers import MAX_JSON_DEPTH, JSONTooDeep, json_depth, json_loads
from tests.factories import ParticipantFactory, TrainingSessionFactory, sample_file
from training.services.curriculum import material_upload, module_create

pytestmark = pytest.mark.django_db

HUGE = 10**24  # 25 digits: beyond 64 bits
DEEP = 50_000


@pytest.fixture
def english(settings):
    """Messages are asserted in English (msgids); people get them in Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def module(pelatih):
    return module_create(user=pelatih, code="siber-dasar", title="Dasar Kejahatan Siber")


@pytest.fixture
def pdf(module, pelatih):
    return material_upload(user=pelatih, module=module, upload=sample_file("pdf"), title="Bahan")


# --- JSON nesting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP],
    ids=["arrays", "objects"],
)
def test_json_nested_fifty_thousand_levels_is_a_400_even_for_a_peserta(
    peserta_client, body, english
):
    response = peserta_client.post("/api/v1/modules/", body, content_type="application/json")
    assert response.status_code == 400
    assert f"nested more than {MAX_JSON_DEPTH} levels" in response.json()["detail"]


def test_json_nested_too_deep_is_refused_in_indonesian_by_default(peserta_client):
    body = "[" * DEEP + "]" * DEEP
    response = peserta_client.post("/api/v1/modules/", body, content_type="application/json")
    assert response.status_code == 400
    assert "bersarang" in response.json()["detail"]


def test_brackets_inside_strings_are_not_nesting(trainer_client, english):
    title = "[{" * 200 + '\\"' + "}]" * 200  # an escaped quote does not end the string
    response = trainer_client.post(
        "/api/v1/modules/",
        f'{{"code": "kurung", "title": "{title[:255]}"}}',
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()


def test_json_up_to_the_limit_parses_and_one_more_level_is_refused():
    assert json_loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    assert json_depth('{"a": [1, {"b": "]]]]"}], "c": {}}') == 3
    with pytest.raises(JSONTooDeep):
        json_loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))


# --- Ids in query strings -----------------------------------------------------------------


def test_parse_id_accepts_ids_and_refuses_everything_else():
    assert parse_id(None) is None
    assert parse_id("") is None
    assert parse_id("12") == 12
    assert parse_id(str(ID_MAX)) == ID_MAX
    for bad in ["0", "-1", "1.5", "abc", "²", "١٢", str(ID_MAX + 1), str(HUGE), "9" * 5000]:
        with pytest.raises(InvalidId):
            parse_id(bad)


@pytest.mark.parametrize(
    "value", [str(HUGE), "9" * 5000, "abc", "0"], ids=["25-digits", "5000-digits", "abc", "0"]
)
def test_a_certificate_list_api_session_filter_out_of_range_is_a_400(
    commander_client, value, english
):
    response = commander_client.get("/api/v1/certificates/", {"session": value})
    assert response.status_code == 400
    assert "session" in response.json()


@pytest.mark.parametrize(
    "value", [str(HUGE), "²", "9" * 5000], ids=["25-digits", "superscript", "5000-digits"]
)
def test_the_certificate_list_page_refuses_a_session_that_is_no_id(
    commander_client, value, english
):
    response = commander_client.get(reverse("certificates:list"), {"session": value})
    assert response.status_code == 400
    assert "is not a valid session" in response.content.decode()


def test_the_certificate_list_page_still_filters_by_session(commander_client, units):
    session = TrainingSessionFactory(host_unit=units["POLRES-SANGGAU"])
    ParticipantFactory(session=session)
    response = commander_client.get(reverse("certificates:list"), {"session": str(session.pk)})
    assert response.status_code == 200
    assert f'name="session" value="{session.pk}"' in response.content.decode()
    # Without a session the page links onward without one (not "?session=None").
    assert "session=None" not in commander_client.get(reverse("certificates:list")).content.decode()


@pytest.mark.parametrize(
    "value", [str(HUGE), "²", "9" * 5000], ids=["25-digits", "superscript", "5000-digits"]
)
def test_a_material_version_that_is_no_id_is_a_400(trainer_client, pdf, value, english):
    response = trainer_client.get(f"/api/v1/materials/{pdf.pk}/download/", {"version": value})
    assert response.status_code == 400
    assert "is not a valid version" in response.json()["detail"]


def test_a_range_header_with_thousands_of_digits_gets_the_whole_file(trainer_client, pdf):
    response = trainer_client.get(
        reverse("curriculum:material-open", kwargs={"pk": pdf.pk}),
        HTTP_RANGE=f"bytes={'9' * 5000}-",
    )
    assert response.status_code == 200


# --- Integers in bodies -------------------------------------------------------------------


def test_a_material_order_of_huge_ids_is_a_field_error(trainer_client, pdf, module):
    response = trainer_client.put(
        f"/api/v1/modules/{module.code}/materials/order/", {"order": [HUGE]}, format="json"
    )
    assert response.status_code == 400
    assert "order" in response.json()  # refused by the field, before the service


@pytest.mark.parametrize("hours", [HUGE, 40_000])
def test_module_hours_beyond_the_limit_are_a_field_error(trainer_client, hours):
    response = trainer_client.post(
        "/api/v1/modules/", {"code": "jam", "title": "Jam", "hours": hours}, format="json"
    )
    assert response.status_code == 400
    assert "hours" in response.json()


def test_module_hours_beyond_the_limit_are_a_form_error_on_the_page(trainer_client):
    response = trainer_client.post(
        reverse("curriculum:module-create"), {"code": "jam", "title": "Jam", "hours": str(HUGE)}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["hours"]


# --- The last line: OverflowError / DataError from a view ----------------------------------


@api_view(["GET"])
@permission_classes([AllowAny])
def _api_overflow(request):
    raise OverflowError("Python int too large to convert to SQLite INTEGER")


@api_view(["GET"])
@permission_classes([AllowAny])
def _api_data_error(request):
    raise DataError("integer out of range")


@api_view(["GET"])
@permission_classes([AllowAny])
def _api_parse_id(request):
    return HttpResponse(str(parse_id(request.GET.get("unit"), name="unit")))


def _page_overflow(request):
    raise OverflowError("Python int too large to convert to SQLite INTEGER")


def _page_data_error(request):
    raise DataError("numeric value out of range")


def _page_parse_id(request):
    return HttpResponse(str(parse_id(request.GET.get("unit"), name="unit")))


urlpatterns = [
    path("api/overflow/", _api_overflow),
    path("api/data-error/", _api_data_error),
    path("api/parse-id/", _api_parse_id),
    path("page/overflow/", _page_overflow),
    path("page/data-error/", _page_data_error),
    path("page/parse-id/", _page_parse_id),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/api/overflow/", "/api/data-error/"])
def test_an_out_of_range_error_in_an_api_view_is_a_logged_400(client, url, caplog, english):
    with caplog.at_level(logging.WARNING, logger="config.bad_input"):
        response = client.get(url)
    assert response.status_code == 400
    assert "out of range" in response.json()["detail"]
    assert [r.levelname for r in caplog.records if r.name == "config.bad_input"] == ["WARNING"]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/page/overflow/", "/page/data-error/"])
def test_an_out_of_range_error_in_a_page_is_a_logged_400(client, url, caplog, english):
    with caplog.at_level(logging.WARNING, logger="config.bad_input"):
        response = client.get(url)
    assert response.status_code == 400
    assert "out of range" in response.content.decode()
    assert [r.levelname for r in caplog.records if r.name == "config.bad_input"] == ["WARNING"]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/api/parse-id/", "/page/parse-id/"])
def test_parse_id_refusals_are_a_400_with_the_message(client, url, english):
    assert client.get(url, {"unit": "7"}).content == b"7"
    response = client.get(url, {"unit": str(HUGE)})
    assert response.status_code == 400
    assert "is not a valid unit" in response.content.decode()


def test_a_huge_id_in_a_path_is_never_a_500(peserta_client):
    """sessions' check-in looked the id up through a foreign key (no overflow guard in Django)."""
    response = peserta_client.post(f"/api/v1/sessions/{HUGE}/check-in/")
    assert response.status_code in (400, 404)
