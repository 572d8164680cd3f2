import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_indonesian_pages(client):
    # Phones are often set to English; the platform speaks Indonesian unless the person chooses.
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "Masuk" in response.content.decode()


def test_choosing_english_with_the_switch_gives_english_pages(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="id")
    assert "Log in" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "Masuk" in client.get("/accounts/login/").content.decode()
