"""/api/v1/ quizzes: happy paths, refusals and answer secrecy in every response."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Answer, Attempt, Question, Quiz

from .conftest import right_response

pytestmark = pytest.mark.django_db

# Strings of the answer key that must never reach a participant before review allows it.
SECRETS = ["Tepat", "Bukan", "Salah.", "Benar.", "Lemsaneg", "BSSN", "2008", "fraction",
           "feedback", "correct", "tolerance", "match_text"]  # fmt: skip


def _without_own_responses(data):
    """The person's own saved responses are echoed back to them; everything else is checked."""
    if isinstance(data, dict):
        return {k: _without_own_responses(v) for k, v in data.items() if k != "response"}
    if isinstance(data, list):
        return [_without_own_responses(v) for v in data]
    return data


# Timestamps are blanked first: the numerical answer 2008 can turn up in their microseconds.
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def assert_no_secrets(response):
    body = json.dumps(_without_own_responses(response.json()), ensure_ascii=False)
    body = TIMESTAMP.sub("<time>", body)
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked in {response.request['PATH_INFO']}"


def _start(client, quiz):
    return client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")


def _save(client, attempt_id, question_id, response):
    return client.put(
        f"/api/v1/attempts/{attempt_id}/answers/{question_id}/",
        data=json.dumps({"response": response}),
        content_type="application/json",
    )


def test_participant_takes_the_quiz_without_ever_seeing_the_key(quiz, peserta_client, participant):
    listing = peserta_client.get("/api/v1/quizzes/")
    assert listing.status_code == 200 and listing.json()["results"][0]["id"] == quiz.pk
    assert_no_secrets(listing)
    assert_no_secrets(peserta_client.get(f"/api/v1/quizzes/{quiz.pk}/"))

    started = _start(peserta_client, quiz)
    assert started.status_code == 201
    assert_no_secrets(started)
    payload = started.json()
    assert len(payload["questions"]) == 6 and payload["deadline"]
    attempt_id = payload["id"]
    for question in Question.objects.filter(pk__in=[q["id"] for q in payload["questions"]]):
        saved = _save(peserta_client, attempt_id, question.pk, right_response(question))
        assert saved.status_code == 200, saved.content
        assert_no_secrets(saved)
    detail = peserta_client.get(f"/api/v1/attempts/{attempt_id}/")
    assert detail.status_code == 200
    assert_no_secrets(detail)  # own responses are echoed, but not whether they are right
    assert_no_secrets(peserta_client.get(f"/api/v1/attempts/{attempt_id}/result/"))

    submitted = peserta_client.post(f"/api/v1/attempts/{attempt_id}/submit/")
    assert submitted.status_code == 200
    body = submitted.json()
    # review_after_submit = score only
    assert body["review"] == "score" and body["score"] == "100.00" and body["passed"] is True
    assert "questions" not in body
    assert_no_secrets(submitted)
    again = peserta_client.post(f"/api/v1/attempts/{attempt_id}/submit/")
    assert again.json() == body


def test_review_after_close_shows_feedback_and_correct_answers(
    quiz, peserta, peserta_client, participant
):
    attempt_id = _start(peserta_client, quiz).json()["id"]
    peserta_client.post(f"/api/v1/attempts/{attempt_id}/submit/")
    Quiz.objects.filter(pk=quiz.pk).update(
        open_at=timezone.now() - timedelta(days=2), close_at=timezone.now() - timedelta(days=1)
    )
    result = peserta_client.get(f"/api/v1/attempts/{attempt_id}/result/").json()
    assert result["review"] == "answers"
    numerical = next(q for q in result["questions"] if q["type"] == "numerical")
    assert numerical["correct"] == ["2008 ± 1"]


def test_feedback_level_shows_feedback_but_not_correct_answers(
    make_quiz, participant, peserta_client
):
    quiz = make_quiz(review_after_submit=Quiz.Review.FEEDBACK)
    attempt_id = _start(peserta_client, quiz).json()["id"]
    mc = Question.objects.get(name="MC")
    _save(peserta_client, attempt_id, mc.pk, {"choice": mc.choices.get(fraction=0).pk})
    result = peserta_client.post(f"/api/v1/attempts/{attempt_id}/submit/").json()
    item = next(q for q in result["questions"] if q["id"] == mc.pk)
    assert item["feedback"] == ["Bukan"] and "correct" not in item


def test_nothing_level_hides_the_score(make_quiz, participant, peserta_client):
    quiz = make_quiz(review_after_submit=Quiz.Review.NOTHING)
    attempt_id = _start(peserta_client, quiz).json()["id"]
    result = peserta_client.post(f"/api/v1/attempts/{attempt_id}/submit/")
    assert "score" not in result.json()
    assert_no_secrets(result)


def test_refusals(
    quiz, participant, peserta_client, anon_client, outsider_client, trainer_client, english
):
    assert anon_client.get("/api/v1/quizzes/").status_code in (401, 403)
    assert anon_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").status_code in (401, 403)
    # Outside the session's reach: the quiz does not exist for them.
    assert outsider_client.get(f"/api/v1/quizzes/{quiz.pk}/").status_code == 404
    assert outsider_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").status_code == 404
    # The trainer sees the quiz but is no participant: a wrong role is a 403 with the reason.
    refused = trainer_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert refused.status_code == 403 and "participant" in refused.json()["detail"].lower()
    attempt_id = _start(peserta_client, quiz).json()["id"]
    question_id = Attempt.objects.get(pk=attempt_id).question_ids[0]
    missing = Attempt.objects.order_by("-pk").first().pk + 1000
    for client in (trainer_client, outsider_client):
        assert client.get(f"/api/v1/attempts/{attempt_id}/").status_code == 404
        assert client.get(f"/api/v1/attempts/{attempt_id}/result/").status_code == 404
        # Answering or submitting another's attempt: the same 404 as an attempt that does not
        # exist, so the answer does not tell whether it does.
        saved = _save(client, attempt_id, question_id, {})
        submitted = client.post(f"/api/v1/attempts/{attempt_id}/submit/")
        assert saved.status_code == submitted.status_code == 404
        assert _save(client, missing, question_id, {}).json() == saved.json()
        assert client.post(f"/api/v1/attempts/{missing}/submit/").json() == submitted.json()
    assert _save(peserta_client, missing, question_id, {}).status_code == 404
    assert peserta_client.post(f"/api/v1/attempts/{missing}/submit/").status_code == 404
    assert Attempt.objects.get(pk=attempt_id).status == "in_progress"
    assert not Answer.objects.filter(attempt_id=attempt_id).exists()


def test_answer_after_deadline_is_refused_with_a_message(quiz, participant, peserta_client):
    attempt_id = _start(peserta_client, quiz).json()["id"]
    Attempt.objects.filter(pk=attempt_id).update(deadline=timezone.now() - timedelta(minutes=5))
    question_id = Attempt.objects.get(pk=attempt_id).question_ids[0]
    refused = _save(peserta_client, attempt_id, question_id, {"text": "x"})
    assert refused.status_code == 400 and refused.json()["detail"]


def test_bad_answer_shapes_are_400(quiz, participant, peserta_client):
    attempt_id = _start(peserta_client, quiz).json()["id"]
    num = Question.objects.get(name="NUM")
    assert _save(peserta_client, attempt_id, num.pk, {"value": "dua ribu"}).status_code == 400
    bad = peserta_client.put(f"/api/v1/attempts/{attempt_id}/answers/{num.pk}/",
                             data="not json", content_type="application/json")  # fmt: skip
    assert bad.status_code == 400


def test_import_api_dry_run_then_write_and_refusals(module, trainer_client, peserta_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(client, text, dry_run):
        return client.post(
            f"/api/v1/modules/{module.code}/questions/import/",
            {"file": SimpleUploadedFile("q.gift", text.encode()), "format": "gift",
             "dry_run": dry_run},
        )  # fmt: skip

    dry = upload(trainer_client, "::A::Q?{=a}\n", True)
    assert dry.status_code == 200 and dry.json()["written"] is False
    assert not Question.objects.exists()
    assert upload(trainer_client, "::A::Q?{=a}\n", False).json()["created"] == 1
    bad = upload(trainer_client, "::B::Q?{=b}\n\n::C::Broken {#x}\n", False)
    assert bad.status_code == 400
    assert bad.json()["problems"][0]["line"] == 3
    assert Question.objects.count() == 1  # nothing from the broken file
    assert upload(peserta_client, "::A::Q?{=a}\n", False).status_code == 403


def test_the_api_is_in_the_openapi_schema(admin_client_):
    schema = admin_client_.get("/api/schema/?format=json").json()
    for path in ("/api/v1/quizzes/", "/api/v1/quizzes/{id}/attempts/",
                 "/api/v1/attempts/{id}/answers/{question_id}/", "/api/v1/attempts/{id}/submit/",
                 "/api/v1/attempts/{id}/result/"):  # fmt: skip
        assert path in schema["paths"], path


def test_results_and_statistics_for_trainers_only(
    quiz, participant, peserta, trainer_client, peserta_client, outsider_client
):
    from quizzes.services import attempt_start, attempt_submit

    attempt_submit(user=peserta, attempt_id=attempt_start(user=peserta, quiz=quiz).pk)
    results = trainer_client.get(f"/api/v1/quizzes/{quiz.pk}/results/")
    assert results.status_code == 200
    (row,) = results.json()["results"]
    assert row["nrp"] == peserta.nrp and row["unit"] == "POLSEK-KAPUAS-SANGGAU"
    stats = trainer_client.get(f"/api/v1/quizzes/{quiz.pk}/statistics/")
    assert stats.status_code == 200 and stats.json()["attempts"] == 1
    assert peserta_client.get(f"/api/v1/quizzes/{quiz.pk}/results/").status_code == 403
    assert peserta_client.get(f"/api/v1/quizzes/{quiz.pk}/statistics/").status_code == 403
    assert outsider_client.get(f"/api/v1/quizzes/{quiz.pk}/results/").status_code == 404
    assert outsider_client.get(f"/api/v1/quizzes/{quiz.pk}/statistics/").status_code == 404
