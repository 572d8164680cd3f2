"""Indonesian by default, English on request; the catalogues ship compiled and complete."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

CATALOGUES = [
    Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po",
    Path(settings.BASE_DIR) / "training" / "locale" / "id" / "LC_MESSAGES" / "django.po",
]


def test_login_page_is_indonesian_by_default(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="id">' in html
    assert "Masuk" in html
    assert "Log in" not in html


def test_login_page_is_english_when_the_language_cookie_says_so(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Masuk" not in html


def test_switching_language_sets_the_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in" in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        ("Log in", "Masuk"),
        ("Log out", "Keluar"),
        ("Home", "Beranda"),
        ("unit", "satuan"),
        ("rank", "pangkat"),
        ("position (jabatan)", "jabatan"),
        ("Trainer", "Pelatih"),
        ("Commander", "Pimpinan"),
        ("Participant", "Peserta"),
        ("Unit operator", "Operator satuan"),
        ("Wrong NRP/NIP or password.", "NRP/NIP atau kata sandi salah."),
    ],
)
def test_the_compiled_catalogues_carry_the_domain_words(english, indonesian):
    with translation.override("id"):
        assert gettext(english) == indonesian
    with translation.override("en"):
        assert gettext(english) == english


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_catalogues_have_no_untranslated_or_fuzzy_entries(path):
    entries = path.read_text(encoding="utf-8").split("\n\n")[1:]  # the first block is the header
    assert entries
    problems = []
    for entry in entries:
        lines = [line for line in entry.splitlines() if not line.startswith("#~")]
        if not lines:
            continue
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            problems.append(entry)
        body = "\n".join(line for line in lines if not line.startswith("#"))
        translated = body.split("msgstr", 1)[1] if "msgstr" in body else ""
        if not translated.replace('""', "").replace("[0]", "").strip():
            problems.append(entry)
    assert not problems, "\n\n".join(problems)
    assert path.with_suffix(".mo").exists()
