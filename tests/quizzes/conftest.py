"""Quiz fixtures: a published session hosted by Polda Kalbar with `peserta` invited, a module
with a small question bank of every type, and an open post-test over it."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from quizzes.models import Category, Quiz
from quizzes.services import questions_import, quiz_create
from tests.factories import ModuleFactory, ParticipantFactory, TrainingSessionFactory

BANK = """\
$CATEGORY: Dasar

::TF::UU ITE mengatur transaksi elektronik.{TRUE#Salah.#Benar.}

::MC::Apa kepanjangan ITE?{=Informasi dan Transaksi Elektronik#Tepat ~Internet Teknologi#Bukan}

::MULTI::Barang bukti digital? {~%50%Ponsel ~%50%Laptop ~%-100%Kertas}

::SA::Lembaga sandi negara?{=BSSN =%50%Lemsaneg}

::NUM::Tahun UU ITE?{#2008:1}

::MATCH::Cocokkan.{=Phishing -> Pancingan =Malware -> Jahat = -> Distraktor}
"""


# A response that earns full credit, per question name, given the question's choices.
def right_response(question):
    choices = list(question.choices.all())
    qtype = question.qtype
    if qtype in ("single", "truefalse"):
        return {"choice": next(c.pk for c in choices if c.fraction == 1)}
    if qtype == "multi":
        return {"choices": [c.pk for c in choices if c.fraction > 0]}
    if qtype == "shortanswer":
        return {"text": " bssn "}
    if qtype == "numerical":
        return {"value": "2008"}
    if qtype == "matching":
        return {"matches": {str(c.pk): c.match_text for c in choices if c.text}}
    raise AssertionError(qtype)


def wrong_response(question):
    choices = list(question.choices.all())
    qtype = question.qtype
    if qtype in ("single", "truefalse"):
        return {"choice": next(c.pk for c in choices if c.fraction <= 0)}
    if qtype == "multi":
        return {"choices": [c.pk for c in choices if c.fraction < 0]}
    if qtype == "shortanswer":
        return {"text": "Kominfo"}
    if qtype == "numerical":
        return {"value": "1999"}
    if qtype == "matching":
        return {"matches": {str(c.pk): "Distraktor" for c in choices if c.text}}
    raise AssertionError(qtype)


@pytest.fixture
def module(db):
    return ModuleFactory(code="cyber-crime", title="Cyber Crime")


@pytest.fixture
def bank(module):
    report = questions_import(module=module, content=BANK, fmt="gift")
    assert report.written, report.problems
    return module


@pytest.fixture
def session(units, pelatih):
    now = timezone.now()
    return TrainingSessionFactory(
        title="Pencegahan Cyber Crime",
        host_unit=units["POLDA-KALBAR"],
        start_at=now - timedelta(hours=2),
        end_at=now - timedelta(hours=1),
        status="finished",
        led_by=pelatih,
    )


@pytest.fixture
def participant(session, peserta):
    return ParticipantFactory(session=session, personnel=peserta, unit=peserta.unit)


@pytest.fixture
def make_quiz(session, bank, pelatih):
    def make(**overrides):
        now = timezone.now()
        settings = {
            "title": "Post-test Cyber Crime",
            "open_at": now - timedelta(minutes=5),
            "close_at": now + timedelta(days=1),
            "categories": Category.objects.filter(module=bank),
            "shuffle_questions": True,
            "shuffle_choices": True,
            "review_after_submit": Quiz.Review.SCORE,
            "review_after_close": Quiz.Review.ANSWERS,
            "time_limit_minutes": 30,
            "attempts_allowed": 2,
        }
        settings.update(overrides)
        return quiz_create(user=pelatih, session=session, **settings)

    return make


@pytest.fixture
def quiz(make_quiz, participant):
    return make_quiz()


@pytest.fixture
def english(settings):
    """Refusal messages are asserted in English (msgids); people get them in Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
