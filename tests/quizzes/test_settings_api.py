"""Trainers set up and change a session's quiz through /api/v1/quizzes/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Category, Quiz

pytestmark = pytest.mark.django_db


def _payload(session, bank, **overrides):
    now = timezone.now()
    body = {
        "session": session.pk,
        "title": "Post-test Cyber Crime",
        "open_at": (now - timedelta(minutes=5)).isoformat(),
        "close_at": (now + timedelta(days=1)).isoformat(),
        "categories": list(Category.objects.filter(module=bank).values_list("pk", flat=True)),
        "pass_mark": "70.00",
        "questions_per_attempt": 3,
    }
    body.update(overrides)
    return body


def test_a_trainer_creates_and_changes_the_quiz(trainer_client, session, bank):
    created = trainer_client.post("/api/v1/quizzes/", _payload(session, bank), format="json")
    assert created.status_code == 201, created.json()
    quiz = Quiz.objects.get(pk=created.json()["id"])
    assert quiz.session == session and quiz.questions_per_attempt == 3
    changed = trainer_client.patch(
        f"/api/v1/quizzes/{quiz.pk}/", {"pass_mark": "80", "grading_method": "last"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    quiz.refresh_from_db()
    assert quiz.pass_mark == 80 and quiz.grading_method == "last"


def test_bad_settings_are_a_400_with_a_reason(trainer_client, session, bank):
    now = timezone.now()
    response = trainer_client.post(
        "/api/v1/quizzes/",
        _payload(session, bank, close_at=(now - timedelta(days=1)).isoformat()),
        format="json",
    )
    assert response.status_code == 400
    assert "close" in response.json()["detail"].lower() or "tutup" in response.json()["detail"]
    assert not Quiz.objects.exists()


def test_a_participant_creating_a_quiz_gets_403_with_the_reason(
    peserta_client, participant, session, bank, english
):
    response = peserta_client.post("/api/v1/quizzes/", _payload(session, bank), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not set up quizzes for this session."
    assert not Quiz.objects.exists()


def test_a_participant_changing_a_quiz_gets_403(peserta_client, quiz, english):
    url = f"/api/v1/quizzes/{quiz.pk}/"
    response = peserta_client.patch(url, {"pass_mark": "1"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not change this quiz."
    quiz.refresh_from_db()
    assert quiz.pass_mark == 70


def test_a_trainer_changing_a_quiz_twice_keeps_one_quiz(trainer_client, quiz):
    for mark in ("60", "65"):
        response = trainer_client.patch(
            f"/api/v1/quizzes/{quiz.pk}/", {"pass_mark": mark}, format="json"
        )
        assert response.status_code == 200
    assert Quiz.objects.count() == 1


def test_an_outsider_cannot_see_the_session_to_set_its_quiz(outsider_client, session, bank):
    """A session id out of sight is refused exactly like one that does not exist."""
    response = outsider_client.post("/api/v1/quizzes/", _payload(session, bank), format="json")
    missing = outsider_client.post(
        "/api/v1/quizzes/", {**_payload(session, bank), "session": session.pk + 1000}, format="json"
    )
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert not Quiz.objects.exists()


def test_anonymous_is_refused(anon_client, session, bank):
    response = anon_client.post("/api/v1/quizzes/", _payload(session, bank), format="json")
    assert response.status_code in (401, 403)


def test_a_participant_changing_the_banks_gets_403_not_a_list_of_missing_banks(
    peserta_client, quiz, english
):
    categories = list(quiz.categories.values_list("pk", flat=True))
    url = f"/api/v1/quizzes/{quiz.pk}/"
    response = peserta_client.patch(url, {"categories": categories}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not change this quiz."
