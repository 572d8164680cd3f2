"""Markup a trainer or an import writes never becomes active on a participant's pages.

Question text and feedback keep a small sanitised subset of HTML; answers (short answer,
numerical, matching items, choice texts) are plain text. Payloads go in through the editor API
and through a GIFT import, into every field a participant later sees; the attempt page and the
result page (review level "answers", which shows everything) must carry none of them active.
Escaped, they may be read as text.
"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Category, Question, Quiz
from quizzes.services import questions_import, quiz_create
from tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db

REFRESH = '<meta http-equiv="refresh" content="0;url=http://evil">'
SCRIPT = "<script>alert('skrip')</script>"
IMAGE = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">klik</a>'
PAYLOAD = REFRESH + SCRIPT + IMAGE + LINK


class _ActiveMarkup(HTMLParser):
    """What in a page would act on its own or on a click: refreshes, scripts, event handlers,
    javascript: addresses, and the payload's image."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "http-equiv" in attrs:
            self.found.append(f"meta http-equiv={attrs['http-equiv']}")
        if tag == "script":
            self._in_script = True
            if attrs.get("src", "").startswith("/static/"):
                self._in_script = False  # the platform's own scripts
            else:
                self.found.append(f"script {attrs}")
        if tag == "img" and attrs.get("src") == "x":
            self.found.append("img src=x")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if (
                name in ("href", "src", "action", "formaction")
                and value
                and (value.strip().lower().startswith(("javascript:", "data:", "vbscript:")))
            ):
                self.found.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline script {data.strip()[:40]}")


def active_markup(html: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def _gift(text: str) -> str:
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text


def _api_questions(client, module) -> None:
    """One question of every type through the editor API, the payload in every field."""
    url = f"/api/v1/modules/{module.code}/questions/"
    common = {"category": "API", "text": f"Soal {PAYLOAD}", "general_feedback": PAYLOAD}
    bodies = [
        {"type": "single", "name": "API-MC", "text_format": "html", "choices": [
            {"text": PAYLOAD, "credit": "100", "feedback": PAYLOAD},
            {"text": "Bukan", "credit": "0", "feedback": PAYLOAD},
        ]},
        {"type": "multi", "name": "API-MULTI", "choices": [
            {"text": PAYLOAD, "credit": "50", "feedback": PAYLOAD},
            {"text": f"{IMAGE} dua", "credit": "50", "feedback": PAYLOAD},
            {"text": "Kertas", "credit": "-100"},
        ]},
        {"type": "truefalse", "name": "API-TF", "choices": [
            {"text": "true", "credit": "100", "feedback": PAYLOAD},
            {"text": "false", "credit": "0", "feedback": PAYLOAD},
        ]},
        {"type": "shortanswer", "name": "API-SA", "choices": [
            {"text": PAYLOAD, "credit": "100", "feedback": PAYLOAD},
        ]},
        {"type": "numerical", "name": "API-NUM", "choices": [
            {"text": "2008", "credit": "100", "tolerance": "1", "feedback": PAYLOAD},
        ]},
        {"type": "matching", "name": "API-MATCH", "text_format": "html", "choices": [
            {"text": PAYLOAD, "match_text": f"{SCRIPT} cocok"},
            {"text": IMAGE, "match_text": REFRESH},
            {"text": "", "match_text": LINK},
        ]},
    ]  # fmt: skip
    for body in bodies:
        response = client.post(url, {**common, **body}, format="json")
        assert response.status_code == 201, response.json()


def _gift_questions(module) -> None:
    e = _gift(PAYLOAD)
    content = "\n\n".join(
        [
            "$CATEGORY: GIFT",
            f"::G-MC::[html]Soal {e}{{={e}#{e} ~Bukan#{e}####{e}}}",
            f"::G-SA::Soal {e}{{={e}#{e}}}",
            f"::G-NUM::Tahun {e}?{{#2008:1#{e}}}",
            f"::G-MATCH::Cocokkan {e}{{={e} -> {_gift(SCRIPT)} =B -> {_gift(REFRESH)}}}",
            f"::G-TF::{e}{{TRUE#{e}#{e}}}",
        ]
    )
    report = questions_import(module=module, content=content, fmt="gift")
    assert report.written, report.problems


def _right_response(question: Question) -> dict:
    choices = list(question.choices.all())
    if question.qtype in ("single", "truefalse"):
        return {"choice": next(c.pk for c in choices if c.fraction == 1)}
    if question.qtype == "multi":
        return {"choices": [c.pk for c in choices if c.fraction > 0]}
    if question.qtype == "shortanswer":
        return {"text": choices[0].text}
    if question.qtype == "numerical":
        return {"value": "2008"}
    return {"matches": {str(c.pk): c.match_text for c in choices if c.text}}


@pytest.fixture
def tainted_quiz(session, participant, pelatih, trainer_client):
    module = ModuleFactory(code="modul-bertanda", title="Modul bertanda")
    _api_questions(trainer_client, module)
    _gift_questions(module)
    assert Question.objects.filter(module=module).count() == 11
    now = timezone.now()
    return quiz_create(
        user=pelatih, session=session, title="Post-test", open_at=now - timedelta(minutes=5),
        close_at=now + timedelta(days=1), categories=Category.objects.filter(module=module),
        shuffle_questions=False, review_after_submit=Quiz.Review.ANSWERS,
    )  # fmt: skip


def test_no_payload_is_active_on_the_attempt_or_the_result_page(tainted_quiz, peserta_client):
    assert peserta_client.post(f"/quizzes/{tainted_quiz.pk}/start/").status_code == 302
    attempt = Attempt.objects.get()
    page = peserta_client.get(f"/quizzes/attempts/{attempt.pk}/")
    assert page.status_code == 200
    assert active_markup(page.content.decode()) == []
    assert "klik" in page.content.decode()  # the link's text is kept, without the link

    for question in Question.objects.filter(pk__in=attempt.question_ids):
        saved = peserta_client.put(
            f"/api/v1/attempts/{attempt.pk}/answers/{question.pk}/",
            {"response": _right_response(question)},
            format="json",
        )
        assert saved.status_code == 200, (question.name, saved.json())
    assert peserta_client.post(f"/quizzes/attempts/{attempt.pk}/submit/").status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100  # every feedback and correct answer is on the result page

    result = peserta_client.get(f"/quizzes/attempts/{attempt.pk}/result/")
    body = result.content.decode()
    assert result.status_code == 200
    assert active_markup(body) == []
    # Answers are shown as the text they are, escaped.
    assert "&lt;meta http-equiv=&quot;refresh&quot;" in body


def test_the_api_carries_the_answers_escaped(tainted_quiz, peserta_client):
    started = peserta_client.post(f"/api/v1/quizzes/{tainted_quiz.pk}/attempts/").json()
    attempt = Attempt.objects.get()
    sa = Question.objects.get(name="API-SA")
    peserta_client.put(f"/api/v1/attempts/{attempt.pk}/answers/{sa.pk}/",
                       {"response": _right_response(sa)}, format="json")  # fmt: skip
    review = peserta_client.post(f"/api/v1/attempts/{attempt.pk}/submit/").json()
    for question in [*started["questions"], *review["questions"]]:
        fields = [question["text"], *(c["text"] for c in question.get("choices", []))]
        fields += [i["text"] for i in question.get("items", [])]
        fields += [*question.get("feedback", []), question.get("general_feedback", "")]
        fields += question.get("correct", [])
        for html in fields:
            assert active_markup(html) == [], (question["id"], html)
    correct = next(q["correct"] for q in review["questions"] if q["id"] == sa.pk)
    assert correct == [PAYLOAD.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                       .replace('"', "&quot;").replace("'", "&#x27;")]  # fmt: skip
