"""The HTML surface of the training app: login, logout, home, health check, admin."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, PersonnelFactory
from training.models import Role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def bripda(units, ranks):
    # Born in 2001: the NRP starts with a zero, which must survive the login form.
    return PersonnelFactory(
        nrp="01050123",
        name="Rizky Ramadhan",
        rank=ranks["BRIPDA"],
        unit=units["POLSEK-KAPUAS-SANGGAU"],
        position="Banit Samapta",
        roles=[Role.PESERTA],
    )


@pytest.mark.parametrize("typed", ["01050123", "0105 0123", "01.05.01.23", " 0105-0123 "])
def test_login_by_nrp_as_people_type_it(client, bripda, typed):
    response = client.post(LOGIN, {"username": typed, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == bripda


def test_login_by_nip_for_civil_staff(client, units, ranks):
    pns = PersonnelFactory(nrp="198503122009122001", rank=ranks["PNS-III-A"], unit=units["MABES"])
    response = client.post(
        LOGIN, {"username": "19850312 200912 2 001", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == pns.pk


def test_a_wrong_password_says_so_without_saying_which(client, bripda):
    response = client.post(LOGIN, {"username": bripda.nrp, "password": "salah-sandi"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "NRP/NIP atau kata sandi salah." in html
    assert "_auth_user_id" not in client.session
    # An unknown NRP gets the very same message: nobody learns which NRPs exist.
    other = client.post(LOGIN, {"username": "99999999", "password": "salah-sandi"})
    assert "NRP/NIP atau kata sandi salah." in other.content.decode()


def test_a_deactivated_account_cannot_log_in(client, bripda):
    bripda.is_active = False
    bripda.save(update_fields=["is_active"])
    response = client.post(LOGIN, {"username": bripda.nrp, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_does_not_redirect_to_another_site(client, bripda):
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": bripda.nrp, "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_logged_in_user_visiting_login_goes_home(client, bripda):
    client.force_login(bripda)
    assert client.get(LOGIN)["Location"] == reverse("home")


def test_logout_is_a_post(client, bripda):
    client.force_login(bripda)
    # A GET (a link, an image tag on another site) must not log anyone out.
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_logout_button_is_a_form_with_csrf(client, bripda):
    client.force_login(bripda)
    html = client.get(reverse("home")).content.decode()
    assert f'method="post" action="{reverse("logout")}"' in html
    assert "csrfmiddlewaretoken" in html


def test_home_shows_name_rank_unit_chain_and_role(client, bripda):
    client.force_login(bripda)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rizky Ramadhan" in html
    assert "Bripda" in html
    assert "Banit Samapta" in html
    assert "Mabes Polri › Polda Kalimantan Barat › Polres Sanggau › Polsek Kapuas" in html
    assert '<span class="badge">Peserta</span>' in html


def test_home_shows_the_commanders_role(client, pimpinan):
    client.force_login(pimpinan)
    html = client.get(reverse("home")).content.decode()
    assert '<span class="badge">Pimpinan</span>' in html
    assert "AKBP" in html and "Polres Sanggau" in html


def test_home_of_a_person_without_a_unit(client):
    person = PersonnelFactory(unit=None, name="Tanpa Satuan")
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Tanpa Satuan" in response.content.decode()


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_healthz_reports_ok_without_login(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/healthz/").status_code == 405


# --- Django admin ----------------------------------------------------------------------------


@pytest.fixture
def back_office(admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    return admin_user


def test_admin_finds_personnel_by_nrp(client, back_office, bripda, peserta):
    client.force_login(back_office)
    response = client.get("/admin/training/personnel/", {"q": "01050123"})
    assert response.status_code == 200
    found = list(response.context["cl"].result_list)
    assert found == [bripda]
    assert peserta.name not in response.content.decode()


def test_admin_filters_personnel_by_unit_and_searches_units(client, back_office, bripda, units):
    client.force_login(back_office)
    response = client.get(
        "/admin/training/personnel/", {"unit__id__exact": units["POLSEK-KAPUAS-SANGGAU"].pk}
    )
    assert bripda in response.context["cl"].result_list
    units_page = client.get("/admin/training/unit/", {"q": "Kapuas"})
    codes = {u.code for u in units_page.context["cl"].result_list}
    assert "POLSEK-KAPUAS-SANGGAU" in codes and "POLRES-KAPUAS-HULU" in codes


def test_admin_person_page_opens(client, back_office, bripda):
    client.force_login(back_office)
    response = client.get(f"/admin/training/personnel/{bripda.pk}/change/")
    assert response.status_code == 200
    assert "01050123" in response.content.decode()


def test_a_peserta_is_sent_to_the_admin_login(client, bripda):
    client.force_login(bripda)
    response = client.get("/admin/training/personnel/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
