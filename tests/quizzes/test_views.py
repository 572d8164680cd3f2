"""HTML pages: taking a quiz, trainer pages, import preview → confirm, refusals."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.models import Attempt, Question

pytestmark = pytest.mark.django_db


def test_participant_flow_through_the_pages(quiz, participant, peserta_client):
    detail = peserta_client.get(f"/quizzes/{quiz.pk}/")
    assert detail.status_code == 200
    started = peserta_client.post(f"/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    assert started.status_code == 302 and started["Location"].endswith(f"/attempts/{attempt.pk}/")
    page = peserta_client.get(f"/quizzes/attempts/{attempt.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"<title>{quiz.title}" in body  # the page names the quiz it is for
    assert 'id="countdown"' in body and attempt.deadline.isoformat() in body
    assert "js/quiz.js" in body and "<script>" not in body  # no inline script
    for secret in ("Tepat", "Lemsaneg", "BSSN", "2008", "Salah."):
        assert secret not in body
    mc = Question.objects.get(name="MC")
    right = mc.choices.get(fraction=1)
    saved = peserta_client.post(
        f"/quizzes/attempts/{attempt.pk}/answers/{mc.pk}/",
        {"qtype": "single", "choice": right.pk},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200 and "✓" in saved.content.decode()
    assert "Tepat" not in saved.content.decode()
    bad = peserta_client.post(f"/quizzes/attempts/{attempt.pk}/answers/{mc.pk}/",
                              {"qtype": "single", "choice": "999999"})  # fmt: skip
    assert bad.status_code == 400
    done = peserta_client.post(f"/quizzes/attempts/{attempt.pk}/submit/")
    assert done.status_code == 302
    result = peserta_client.get(done["Location"])
    assert result.status_code == 200
    assert re.search(r"16[.,]67%", result.content.decode())  # 1 of 6 questions
    assert "Tepat" not in result.content.decode()  # score only right after submitting


def test_attempt_pages_are_404_for_anyone_else(quiz, participant, peserta, trainer_client,
                                               outsider_client):  # fmt: skip
    from quizzes.services import attempt_start

    attempt = attempt_start(user=peserta, quiz=quiz)
    for client in (trainer_client, outsider_client):
        assert client.get(f"/quizzes/attempts/{attempt.pk}/").status_code == 404
        assert client.get(f"/quizzes/attempts/{attempt.pk}/result/").status_code == 404
    assert outsider_client.get(f"/quizzes/{quiz.pk}/").status_code == 404


def test_anonymous_is_sent_to_login(quiz, anon_client):
    response = anon_client.get(f"/quizzes/{quiz.pk}/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_trainer_pages(quiz, participant, peserta, trainer_client):
    from quizzes.services import attempt_start, attempt_submit

    attempt = attempt_start(user=peserta, quiz=quiz)
    attempt_submit(user=peserta, attempt_id=attempt.pk)
    for url in (f"/quizzes/{quiz.pk}/settings/", f"/quizzes/{quiz.pk}/preview/",
                f"/quizzes/{quiz.pk}/results/", f"/quizzes/{quiz.pk}/statistics/",
                f"/quizzes/session/{quiz.session_id}/"):  # fmt: skip
        assert trainer_client.get(url).status_code == 200, url
    assert Attempt.objects.count() == 1  # the preview created nothing
    stats = trainer_client.get(f"/quizzes/{quiz.pk}/statistics/").content.decode()
    assert "Polsek Kapuas" in stats


def test_trainer_pages_refuse_participants_and_outsiders(
    quiz, participant, peserta_client, outsider_client
):
    for url in (f"/quizzes/{quiz.pk}/settings/", f"/quizzes/{quiz.pk}/preview/",
                f"/quizzes/{quiz.pk}/results/", f"/quizzes/{quiz.pk}/statistics/"):  # fmt: skip
        assert peserta_client.get(url).status_code == 403, url
        assert outsider_client.get(url).status_code == 404, url


def test_quiz_settings_form_creates_a_quiz(session, bank, trainer_client, peserta_client):
    from quizzes.models import Category, Quiz

    category = Category.objects.get(module=bank)
    data = {
        "kind": "post", "title": "Post-test", "open_at": "2030-01-01T08:00",
        "close_at": "2030-01-01T10:00", "time_limit_minutes": 20, "attempts_allowed": 1,
        "grading_method": "highest", "pass_mark": "75", "questions_per_attempt": 4,
        "shuffle_questions": "on", "shuffle_choices": "on", "review_after_submit": "score",
        "review_after_close": "answers", "categories": [category.pk],
    }  # fmt: skip
    response = trainer_client.post(f"/quizzes/session/{session.pk}/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    quiz = Quiz.objects.get()
    assert quiz.questions_per_attempt == 4 and quiz.pass_mark == 75
    too_many = {**data, "kind": "pre", "questions_per_attempt": 50}
    refused = trainer_client.post(f"/quizzes/session/{session.pk}/new/", too_many)
    assert refused.status_code == 200 and Quiz.objects.count() == 1
    assert peserta_client.post(f"/quizzes/session/{session.pk}/new/", data).status_code in (
        403,
        404,
    )


def test_import_page_previews_then_confirms(module, trainer_client, peserta_client):
    text = "::A::Soal satu?{=ya}\n\n::B::Soal dua?{T}\n"
    preview = trainer_client.post(f"/quizzes/bank/{module.code}/import/",
                                  {"file": SimpleUploadedFile("q.gift", text.encode()),
                                   "format": "gift"})  # fmt: skip
    assert preview.status_code == 200
    assert not Question.objects.exists()  # preview writes nothing
    assert "Soal dua" in preview.content.decode()
    confirmed = trainer_client.post(
        f"/quizzes/bank/{module.code}/import/", {"content": text, "format": "gift", "confirm": "1"}
    )
    assert confirmed.status_code == 302 and Question.objects.count() == 2
    export = trainer_client.get(f"/quizzes/bank/{module.code}/export/")
    assert export.status_code == 200 and "::A::" in export.content.decode()
    assert trainer_client.get(f"/quizzes/bank/{module.code}/").status_code == 200
    assert peserta_client.get(f"/quizzes/bank/{module.code}/").status_code == 403
    assert peserta_client.get(f"/quizzes/bank/{module.code}/export/").status_code == 403


def test_import_page_lists_errors_and_writes_nothing(module, trainer_client):
    text = "::A::Ok?{=ya}\n\n::B::Rusak {#abc}\n"
    response = trainer_client.post(f"/quizzes/bank/{module.code}/import/",
                                   {"file": SimpleUploadedFile("q.gift", text.encode()),
                                    "format": "gift", "confirm": "1"})  # fmt: skip
    assert response.status_code == 400
    assert not Question.objects.exists()
    assert "3" in response.content.decode()
