"""Login lockout: repeated failures for one NRP from one address lock that pair out."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

LIMIT = 3


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.TRUSTED_PROXY_COUNT = 0
    # The per-address budget (tests/security/test_spraying.py) counts in the cache: start empty,
    # so failures from earlier tests at the same address never add up to it.
    cache.clear()
    yield
    cache.clear()


def _login(client: Client, username: str, password: str, ip: str = "10.1.1.1", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def _fail(client, username, times, ip="10.1.1.1"):
    for _ in range(times):
        response = _login(client, username, "salah-sandi", ip=ip)
        assert response.status_code in (200, 429)
    return response


def test_wrong_password_below_the_limit_shows_the_ordinary_error(db, peserta):
    response = _fail(Client(), peserta.nrp, LIMIT - 1)
    assert response.status_code == 200
    assert "NRP/NIP atau kata sandi salah" in response.content.decode() or (
        "Wrong NRP/NIP or password" in response.content.decode()
    )


def test_it_locks_out_after_repeated_failures_with_a_clear_message(db, peserta, password):
    client = Client()
    response = _fail(client, peserta.nrp, LIMIT)
    assert response.status_code == 429
    page = response.content.decode()
    # The login page again, explaining the lockout in the default language (Indonesian).
    assert 'name="password"' in page
    assert "Terlalu banyak percobaan masuk yang gagal" in page
    assert "30 menit" in page
    # Even the right password is refused while locked out.
    response = _login(client, peserta.nrp, password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_translated_to_english(db, peserta):
    client = Client(headers={"accept-language": "en"})
    client.cookies["django_language"] = "en"
    response = _fail(client, peserta.nrp, LIMIT)
    assert response.status_code == 429
    assert "Too many failed login attempts for this NRP/NIP" in response.content.decode()


def test_spacing_variants_of_one_nrp_count_as_one(db, peserta):
    client = Client()
    nrp = peserta.nrp
    variants = [nrp, f"{nrp[:4]} {nrp[4:]}", f"{nrp[:4]}-{nrp[4:]}"]
    for variant in variants[: LIMIT - 1]:
        assert _login(client, variant, "salah").status_code == 200
    assert _login(client, variants[-1], "salah").status_code == 429
    assert AccessAttempt.objects.filter(username=nrp).count() == 1


def test_lockout_is_per_address_so_one_terminal_cannot_lock_out_a_person_everywhere(
    db, peserta, password
):
    _fail(Client(), peserta.nrp, LIMIT, ip="10.9.9.9")
    client = Client()
    response = _login(client, peserta.nrp, password, ip="10.1.1.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(peserta.pk)


def test_lockout_is_per_nrp_so_colleagues_at_the_same_terminal_can_still_log_in(
    db, peserta, operator, password
):
    _fail(Client(), peserta.nrp, LIMIT)
    client = Client()
    assert _login(client, operator.nrp, password).status_code == 302


def test_a_successful_login_resets_the_failure_count(db, peserta, password):
    client = Client()
    _fail(client, peserta.nrp, LIMIT - 1)
    assert _login(client, peserta.nrp, password).status_code == 302
    client.logout()
    # Had the count not been reset, the first of these would lock the pair out.
    response = _fail(client, peserta.nrp, LIMIT - 1)
    assert response.status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_used(db, settings, peserta):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(LIMIT):
        # A spoofed left-hand entry changes on every try; the proxy-appended one does not.
        response = _login(
            Client(),
            peserta.nrp,
            "salah",
            ip="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{_}, 36.80.10.20",
        )
    assert response.status_code == 429
    attempt = AccessAttempt.objects.get(username=peserta.nrp)
    assert attempt.ip_address == "36.80.10.20"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(db, peserta):
    for i in range(LIMIT):
        response = _login(
            Client(), peserta.nrp, "salah", ip="10.2.2.2", HTTP_X_FORWARDED_FOR=f"5.5.5.{i}"
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username=peserta.nrp).ip_address == "10.2.2.2"


def test_the_admin_login_is_locked_out_too(db, admin_user):
    client = Client()
    for _ in range(LIMIT):
        response = client.post(
            reverse("admin:login"),
            {"username": admin_user.nrp, "password": "salah", "next": "/admin/"},
            REMOTE_ADDR="10.3.3.3",
        )
    assert response.status_code == 429


def test_api_token_and_session_authentication_still_work_with_lockout_on(
    db, peserta, peserta_client
):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    assert peserta_client.get("/api/v1/me/").status_code == 200
    token = Token.objects.create(user=peserta)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["nrp"] == peserta.nrp


def test_behind_a_trusted_proxy_a_malformed_forwarded_header_falls_back_to_the_connection(
    db, settings, peserta
):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(LIMIT):
        response = _login(
            Client(), peserta.nrp, "salah", ip="10.4.4.4", HTTP_X_FORWARDED_FOR="not-an-address"
        )
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username=peserta.nrp).ip_address == "10.4.4.4"


def test_the_pair_lockout_and_the_address_budget_hold_together(db, settings, peserta, password):
    # The pair locks first (LIMIT < budget); the message is the pair's, not the address's.
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = LIMIT + 1
    response = _fail(Client(), peserta.nrp, LIMIT)
    assert response.status_code == 429
    assert "untuk NRP/NIP ini" in response.content.decode()
