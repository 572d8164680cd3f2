"""One client address for every budget: `core.client.client_address` under TRUSTED_PROXY_COUNT.

Behind the proxy (TRUSTED_PROXY_COUNT=1) every request arrives from the proxy's REMOTE_ADDR, so
a budget keyed on REMOTE_ADDR is one budget for everyone: one person guessing codes made another
person's valid verification answer 429. Without a proxy (0), X-Forwarded-For is whatever the
client wrote and must change nothing.
"""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from certificates.services import certificate_issue
from config.lockout import lockout_client_ip
from core.client import client_address
from tests.certificates.conftest import add_participant, make_finished_session

PROXY = "10.0.0.5"  # the reverse proxy, as gunicorn sees it
CLIENT_A = "36.80.1.1"
CLIENT_B = "36.80.2.2"
MISSES = 20  # CERTIFICATES_VERIFY_MAX_MISSES


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _request(remote="192.0.2.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# --- The function ---------------------------------------------------------------------------


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("192.0.2.1", "203.0.113.9")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        # The client prepended addresses; only the proxy's own (rightmost) entry counts.
        ("1.1.1.1, 8.8.8.8, 203.0.113.9", "203.0.113.9"),
        ("   203.0.113.9  ", "203.0.113.9"),
        ("2001:DB8:0::1", "2001:db8::1"),
        # Not the proxy's work: too short, or the chosen entry is not an address.
        ("", "192.0.2.1"),
        ("1.1.1.1, not-an-ip", "192.0.2.1"),
        ("1.1.1.1,", "192.0.2.1"),
        ("203.0.113.9:443", "192.0.2.1"),
    ],
)
def test_behind_one_proxy_the_entry_it_appended_is_the_client(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("192.0.2.1", forwarded)) == expected


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(PROXY, "6.6.6.6, 203.0.113.9, 10.0.0.9")) == "203.0.113.9"
    # One entry where two proxies should have written two: fall back.
    assert client_address(_request(PROXY, "203.0.113.9")) == PROXY


def test_a_missing_or_malformed_remote_addr_is_no_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("")) is None
    assert client_address(_request("unix:/run/gunicorn.sock")) is None


def test_the_login_lockout_asks_the_same_function(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request(PROXY, f"9.9.9.9, {CLIENT_A}")
    assert lockout_client_ip(request) == client_address(request) == CLIENT_A


# --- Certificate verification: page and API -------------------------------------------------


@pytest.fixture
def certificate(units, pelatih, peserta):
    session = make_finished_session(units, pelatih)
    return certificate_issue(participant=add_participant(session, peserta, "HADIR", 120))


def _verify(client, code, *, api=False, remote=PROXY, forwarded=None):
    name = "api-certificate-verify" if api else "certificate-verify"
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.get(reverse(name, args=[code]), **extra)


def _guess(client, times, **kwargs):
    for index in range(times):
        assert _verify(client, f"{index:020d}", **kwargs).status_code == 404


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_behind_the_proxy_one_clients_guesses_leave_anothers_budget_alone(
    settings, anon_client, certificate, api
):
    settings.TRUSTED_PROXY_COUNT = 1
    _guess(anon_client, MISSES, api=api, forwarded=CLIENT_A)
    assert _verify(anon_client, certificate.code, api=api, forwarded=CLIENT_A).status_code == 429
    # Same proxy, another client: its own budget.
    response = _verify(anon_client, certificate.code, api=api, forwarded=CLIENT_B)
    assert response.status_code == 200


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_behind_the_proxy_prepending_addresses_does_not_buy_a_new_budget(
    settings, anon_client, certificate, api
):
    settings.TRUSTED_PROXY_COUNT = 1
    _guess(anon_client, MISSES, api=api, forwarded=CLIENT_A)
    spoofed = f"{CLIENT_B}, {CLIENT_A}"
    assert _verify(anon_client, certificate.code, api=api, forwarded=spoofed).status_code == 429


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_without_a_proxy_a_forged_forwarded_header_does_not_buy_a_new_budget(
    settings, anon_client, certificate, api
):
    settings.TRUSTED_PROXY_COUNT = 0
    for index in range(MISSES):
        response = _verify(
            anon_client, f"{index:020d}", api=api, remote=CLIENT_A, forwarded=f"5.5.5.{index}"
        )
        assert response.status_code == 404
    response = _verify(anon_client, certificate.code, api=api, remote=CLIENT_A, forwarded=CLIENT_B)
    assert response.status_code == 429


# --- DRF throttles --------------------------------------------------------------------------


@pytest.fixture
def anon_rate(settings):
    """Three anonymous API requests per minute per client (the suite turns throttles off)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None},
    }


def _api_three_times(client, code, forwarded):
    for _ in range(3):
        assert _verify(client, code, api=True, forwarded=forwarded).status_code == 200


def test_api_throttle_gives_each_client_behind_the_proxy_its_own_budget(
    settings, anon_rate, anon_client, certificate
):
    settings.TRUSTED_PROXY_COUNT = 1
    _api_three_times(anon_client, certificate.code, CLIENT_A)
    assert _verify(anon_client, certificate.code, api=True, forwarded=CLIENT_A).status_code == 429
    assert _verify(anon_client, certificate.code, api=True, forwarded=CLIENT_B).status_code == 200


def test_api_throttle_cannot_be_escaped_by_prepending_addresses(
    settings, anon_rate, anon_client, certificate
):
    settings.TRUSTED_PROXY_COUNT = 1
    _api_three_times(anon_client, certificate.code, CLIENT_A)
    spoofed = f"{CLIENT_B}, {CLIENT_A}"
    assert _verify(anon_client, certificate.code, api=True, forwarded=spoofed).status_code == 429


def test_api_throttle_ignores_the_forwarded_header_without_a_proxy(
    settings, anon_rate, anon_client, certificate
):
    settings.TRUSTED_PROXY_COUNT = 0
    for index in range(3):
        response = _verify(
            anon_client, certificate.code, api=True, remote=CLIENT_A, forwarded=f"5.5.5.{index}"
        )
        assert response.status_code == 200
    response = _verify(
        anon_client, certificate.code, api=True, remote=CLIENT_A, forwarded="5.5.5.99"
    )
    assert response.status_code == 429


def test_api_throttle_lets_requests_through_when_the_cache_is_down(
    settings, anon_rate, anon_client, certificate, monkeypatch
):
    from redis.exceptions import ConnectionError as RedisDown

    from certificates import ratelimit
    from core import throttling

    def down(*args, **kwargs):
        raise RedisDown("Connection refused")

    for method in ("add", "incr", "get", "set"):
        monkeypatch.setattr(ratelimit.cache, method, down)
        monkeypatch.setattr(throttling.throttling.SimpleRateThrottle.cache, method, down)
    for _ in range(5):
        assert _verify(anon_client, certificate.code, api=True, remote=CLIENT_A).status_code == 200
