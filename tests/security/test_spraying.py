"""Password spraying: one wrong password each against many NRPs from one address.

The per-(NRP, address) lockout never sees it, and NRPs are printed on every public certificate.
The address failure budget (config/lockout.py) refuses the address once it has failed
LOGIN_ADDRESS_FAILURE_LIMIT times, the right password included, for everyone else nothing
changes.
"""

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PersonnelFactory

LIMIT = 5
SPRAYER = "36.80.6.6"
ELSEWHERE = "36.80.7.7"
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 0
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = LIMIT
    settings.LOGIN_ADDRESS_WINDOW_MINUTES = 15
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(units):
    return [PersonnelFactory(unit=units["POLRES-SANGGAU"]) for _ in range(LIMIT + 2)]


def _login(client, username, password, ip=SPRAYER, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def _spray(people, ip=SPRAYER, **extra):
    """One wrong guess for each of the first LIMIT people: each is the ordinary error."""
    for person in people[:LIMIT]:
        response = _login(Client(), person.nrp, "Polri12345", ip=ip, **extra)
        assert response.status_code == 200
        assert "NRP/NIP atau kata sandi salah" in response.content.decode()


def test_spraying_spends_the_address_budget_and_the_page_says_how_long_to_wait(db, people):
    _spray(people)
    response = _login(Client(), people[LIMIT].nrp, "Polri12345")
    assert response.status_code == 429
    page = response.content.decode()
    assert 'name="password"' in page
    assert "Terlalu banyak percobaan masuk yang gagal dari alamat jaringan ini" in page
    assert "Tunggu 15 menit" in page


def test_the_right_password_is_refused_too_while_the_budget_is_spent(db, people, password):
    _spray(people)
    client = Client()
    # Otherwise spraying simply continues: the attacker cannot tell a hit from a miss.
    response = _login(client, people[LIMIT].nrp, password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logins_from_other_addresses_are_unaffected(db, people, password):
    _spray(people)
    client = Client()
    response = _login(client, people[0].nrp, password, ip=ELSEWHERE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people[0].pk)


def test_unknown_nrps_count_against_the_budget_too(db, people, password):
    for index in range(LIMIT):
        assert _login(Client(), f"9{index:07d}", "Polri12345").status_code == 200
    assert _login(Client(), people[0].nrp, password).status_code == 429


def test_below_the_budget_a_correct_login_from_the_address_works(db, people, password):
    for person in people[: LIMIT - 1]:
        assert _login(Client(), person.nrp, "Polri12345").status_code == 200
    client = Client()
    assert _login(client, people[LIMIT].nrp, password).status_code == 302


def test_the_address_may_try_again_once_the_window_has_passed(db, people, password, monkeypatch):
    _spray(people)
    assert _login(Client(), people[LIMIT].nrp, password).status_code == 429
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert _login(Client(), people[LIMIT].nrp, password).status_code == 302


def test_the_admin_login_is_refused_too(db, people, admin_user, password):
    _spray(people)
    response = Client().post(
        reverse("admin:login"),
        {"username": admin_user.nrp, "password": password, "next": "/admin/"},
        REMOTE_ADDR=SPRAYER,
    )
    assert response.status_code == 429


def test_the_message_is_translated_to_english(db, people):
    _spray(people)
    client = Client()
    client.cookies["django_language"] = "en"
    response = _login(client, people[LIMIT].nrp, "Polri12345")
    assert response.status_code == 429
    assert "Too many failed login attempts from this network address" in (response.content.decode())


def test_behind_the_proxy_each_client_has_its_own_budget(db, settings, people, password):
    settings.TRUSTED_PROXY_COUNT = 1
    _spray(people, ip=PROXY, HTTP_X_FORWARDED_FOR=SPRAYER)
    assert (
        _login(Client(), people[LIMIT].nrp, password, ip=PROXY, HTTP_X_FORWARDED_FOR=SPRAYER)
    ).status_code == 429
    # A colleague behind the same proxy, and the sprayer pretending to be them.
    colleague = Client()
    response = _login(colleague, people[0].nrp, password, ip=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 302
    spoofed = f"{ELSEWHERE}, {SPRAYER}"
    response = _login(Client(), people[1].nrp, password, ip=PROXY, HTTP_X_FORWARDED_FOR=spoofed)
    assert response.status_code == 429


def test_without_a_proxy_a_forged_forwarded_header_does_not_reset_the_budget(db, people, password):
    for index, person in enumerate(people[:LIMIT]):
        response = _login(Client(), person.nrp, "Polri12345", HTTP_X_FORWARDED_FOR=f"5.5.5.{index}")
        assert response.status_code == 200
    response = _login(Client(), people[LIMIT].nrp, password, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 429


def test_with_the_cache_down_logins_still_work_and_fail_normally(db, people, password, monkeypatch):
    from redis.exceptions import ConnectionError as RedisDown

    from config import lockout

    def down(*args, **kwargs):
        raise RedisDown("Connection refused")

    for method in ("add", "incr", "get", "set"):
        monkeypatch.setattr(lockout.cache, method, down)
    for person in people[: LIMIT + 1]:
        assert _login(Client(), person.nrp, "Polri12345").status_code == 200
    client = Client()
    assert _login(client, people[0].nrp, password).status_code == 302


def test_the_defaults_are_thirty_failures_in_fifteen_minutes():
    from config.settings import security

    assert security.LOGIN_ADDRESS_FAILURE_LIMIT == 30
    assert security.LOGIN_ADDRESS_WINDOW_MINUTES == 15
