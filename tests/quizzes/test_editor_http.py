"""The question editor over HTTP: the pages (forms, add-a-row, errors) and /api/v1/ (400 with
every problem, versions, hiding, order), with the refusals beside each happy path."""

import pytest

from quizzes.models import Answer, Category, Question
from quizzes.services import answer_save, attempt_start, attempt_submit
from tests.conftest import _client_for
from tests.factories import ModuleFactory, PersonnelFactory
from training.models import Role

pytestmark = pytest.mark.django_db


def _form(qtype, rows, **fields):
    data = {"qtype": qtype, "category": "Dasar", "name": "", "text": "Apa kepanjangan ITE?",
            "text_format": "moodle", "default_mark": "1", "general_feedback": "",
            "choices-TOTAL_FORMS": str(len(rows)), "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0", "choices-MAX_NUM_FORMS": "50"}  # fmt: skip
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"choices-{index}-{key}"] = value
    data.update(fields)
    return data


MC_ROWS = [
    {"text": "Informasi dan Transaksi Elektronik", "credit": "100", "feedback": "Tepat"},
    {"text": "Internet Teknologi", "credit": "-25", "feedback": "Bukan"},
    {"text": "", "credit": "0"},  # a blank row is ignored
]


def test_a_trainer_writes_a_question_on_the_page(module, trainer_client):
    url = f"/quizzes/bank/{module.code}/questions/new/"
    assert trainer_client.get(url).status_code == 200  # the type picker
    page = trainer_client.get(url + "?type=single")
    assert page.status_code == 200 and b"choices-TOTAL_FORMS" in page.content
    response = trainer_client.post(url + "?type=single", _form("single", MC_ROWS))
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get()
    assert question.qtype == "single" and question.category.name == "Dasar"
    assert [(c.text, c.fraction) for c in question.choices.all()] == [
        ("Informasi dan Transaksi Elektronik", 1),
        ("Internet Teknologi", -0.25),
    ]
    bank = trainer_client.get(f"/quizzes/bank/{module.code}/")
    assert f"/quizzes/questions/{question.pk}/edit/".encode() in bank.content


def test_true_false_is_written_with_its_two_fields(module, trainer_client):
    url = f"/quizzes/bank/{module.code}/questions/new/?type=truefalse"
    data = _form("truefalse", [], text="UU ITE mengatur transaksi elektronik.",
                 tf_correct="false", tf_feedback_true="Salah.",
                 tf_feedback_false="Benar.")  # fmt: skip
    assert trainer_client.post(url, data).status_code == 302
    question = Question.objects.get()
    assert {c.text: (c.fraction, c.feedback) for c in question.choices.all()} == {
        "true": (0, "Salah."),
        "false": (1, "Benar."),
    }


def test_adding_a_row_saves_nothing_and_keeps_what_was_typed(module, trainer_client):
    url = f"/quizzes/bank/{module.code}/questions/new/?type=single"
    response = trainer_client.post(url, _form("single", MC_ROWS[:2], add_row="1"))
    assert response.status_code == 200 and not Question.objects.exists()
    body = response.content.decode()
    assert 'name="choices-TOTAL_FORMS" value="3"' in body
    assert "Informasi dan Transaksi Elektronik" in body and "errorlist" not in body


def test_bad_input_is_a_400_with_the_reasons_and_writes_nothing(module, trainer_client, english):
    rows = [{"text": "Satu", "credit": "150"}]
    url = f"/quizzes/bank/{module.code}/questions/new/?type=single"
    response = trainer_client.post(url, _form("single", rows))
    assert response.status_code == 400
    assert b"between -100 and 100" in response.content
    assert b"at least two answers" in response.content
    assert not Question.objects.exists()


def test_editing_on_the_page_replaces_the_answers(module, trainer_client):
    trainer_client.post(f"/quizzes/bank/{module.code}/questions/new/?type=single",
                        _form("single", MC_ROWS))  # fmt: skip
    question = Question.objects.get()
    url = f"/quizzes/questions/{question.pk}/edit/"
    page = trainer_client.get(url)
    assert page.status_code == 200 and b"Internet Teknologi" in page.content
    rows = [{"text": "Benar", "credit": "100"}, {"text": "Salah", "credit": "0", "DELETE": ""},
            {"text": "Dihapus", "credit": "0", "DELETE": "on"}]  # fmt: skip
    assert trainer_client.post(url, _form("single", rows, text="Baru?")).status_code == 302
    question.refresh_from_db()
    assert question.text == "Baru?"
    assert list(question.choices.values_list("text", flat=True)) == ["Benar", "Salah"]


def test_the_pages_refuse_who_does_not_keep_the_bank(
    module, bank, peserta_client, commander_client
):
    question = Question.objects.filter(module=module).first()
    for client in (peserta_client, commander_client):
        assert client.get(f"/quizzes/bank/{module.code}/questions/new/").status_code == 403
        assert client.get(f"/quizzes/questions/{question.pk}/edit/").status_code == 403
        for action in ("delete", "restore", "move"):
            response = client.post(f"/quizzes/questions/{question.pk}/{action}/")
            assert response.status_code == 403, action
    assert Question.objects.get(pk=question.pk).is_active


def test_delete_and_move_on_the_bank_page(bank, trainer_client):
    first, second = Question.objects.filter(module=bank).order_by("position", "pk")[:2]
    assert trainer_client.post(f"/quizzes/questions/{second.pk}/move/",
                               {"direction": "up"}).status_code == 302  # fmt: skip
    order = list(Question.objects.filter(module=bank).order_by("position", "pk")[:2])
    assert order == [second, first]
    assert trainer_client.post(f"/quizzes/questions/{first.pk}/delete/").status_code == 302
    assert not Question.objects.filter(pk=first.pk).exists()


# --- API -----------------------------------------------------------------------------------
MC_JSON = {
    "type": "single", "category": "Dasar", "text": "Apa kepanjangan ITE?",
    "choices": [
        {"text": "Informasi dan Transaksi Elektronik", "credit": "100", "feedback": "Tepat"},
        {"text": "Internet Teknologi", "credit": "0", "feedback": "Bukan"},
    ],
}  # fmt: skip


def test_the_api_creates_reads_changes_and_deletes_a_question(module, trainer_client):
    url = f"/api/v1/modules/{module.code}/questions/"
    created = trainer_client.post(url, MC_JSON, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["type"] == "single" and body["version"] == 1
    assert [c["credit"] for c in body["choices"]] == ["100", "0"]
    detail = f"/api/v1/questions/{body['id']}/"
    assert trainer_client.get(detail).json()["text"] == "Apa kepanjangan ITE?"
    listed = trainer_client.get(url).json()
    assert [q["id"] for q in listed] == [body["id"]]
    changed = trainer_client.put(detail, {**MC_JSON, "text": "Kepanjangan ITE?"}, format="json")
    assert changed.status_code == 200 and changed.json()["id"] == body["id"]  # not in use
    deleted = trainer_client.delete(detail)
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert not Question.objects.exists()


def test_the_api_answers_bad_questions_with_400_and_every_problem(module, trainer_client, english):
    bad = {**MC_JSON, "text": "", "choices": [{"text": "Satu", "credit": "101"}]}
    response = trainer_client.post(f"/api/v1/modules/{module.code}/questions/", bad, format="json")
    assert response.status_code == 400
    numeric = {**MC_JSON, "type": "numerical",
               "choices": [{"text": "2008", "credit": "100", "tolerance": "-1"}]}  # fmt: skip
    response = trainer_client.post(f"/api/v1/modules/{module.code}/questions/", numeric,
                                   format="json")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"] == ["Answer 1: the tolerance cannot be negative."]
    assert not Question.objects.exists()


def test_the_api_versions_a_question_in_use_and_hides_it_on_delete(
    quiz, participant, peserta, trainer_client
):
    question = Question.objects.get(name="MC")
    attempt = attempt_start(user=peserta, quiz=quiz)
    right = question.choices.get(fraction=1)
    answer_save(user=peserta, attempt_id=attempt.pk, question_id=question.pk,
                response={"choice": right.pk})  # fmt: skip
    attempt_submit(user=peserta, attempt_id=attempt.pk)
    body = {"text": "Kepanjangan ITE?", "choices": [
        {"text": "Informasi dan Transaksi Elektronik", "credit": "0"},
        {"text": "Internet Teknologi", "credit": "100"}]}  # fmt: skip
    changed = trainer_client.put(f"/api/v1/questions/{question.pk}/", body, format="json")
    assert changed.status_code == 200, changed.json()
    newer = changed.json()
    assert newer["id"] != question.pk and newer["version"] == 2
    old = trainer_client.get(f"/api/v1/questions/{question.pk}/").json()
    assert old["replaced_by"] == newer["id"] and old["is_active"] is False
    assert Answer.objects.get(attempt=attempt, question=question).fraction == 1
    # Another question the submitted attempt was dealt: hidden, not deleted.
    dealt = Question.objects.get(name="TF")
    hidden = trainer_client.delete(f"/api/v1/questions/{dealt.pk}/")
    assert hidden.status_code == 200 and hidden.json()["deleted"] is False
    assert Question.objects.filter(pk=dealt.pk, is_active=False).exists()
    # The new version was dealt to nobody: it goes, and the hidden old one is the bank's again.
    gone = trainer_client.delete(f"/api/v1/questions/{newer['id']}/")
    assert gone.json()["deleted"] is True
    assert Question.objects.get(pk=question.pk).replaced_by is None


def test_the_api_reorders_a_category(bank, trainer_client):
    category = Category.objects.get(module=bank)
    ids = list(
        Question.objects.filter(category=category).order_by("position", "pk")
        .values_list("pk", flat=True)
    )  # fmt: skip
    url = f"/api/v1/question-categories/{category.pk}/order/"
    response = trainer_client.post(url, {"questions": ids[::-1]}, format="json")
    assert response.status_code == 200 and response.json()["questions"] == ids[::-1]
    assert trainer_client.post(url, {"questions": ids[1:]}, format="json").status_code == 400


def test_the_api_refuses_other_roles_with_403_and_the_reason(
    bank, peserta_client, commander_client, anon_client, units, english
):
    question = Question.objects.filter(module=bank).first()
    category = question.category
    owner = PersonnelFactory(unit=units["POLDA-KALBAR"], roles=[Role.PELATIH])
    owned = ModuleFactory(code="milik-orang", owner=owner)
    for client in (peserta_client, commander_client):
        for method, url, data in (
            ("get", f"/api/v1/modules/{bank.code}/questions/", None),
            ("post", f"/api/v1/modules/{bank.code}/questions/", MC_JSON),
            ("get", f"/api/v1/questions/{question.pk}/", None),
            ("put", f"/api/v1/questions/{question.pk}/", MC_JSON),
            ("delete", f"/api/v1/questions/{question.pk}/", None),
            ("post", f"/api/v1/question-categories/{category.pk}/order/", {"questions": []}),
        ):
            response = getattr(client, method)(url, data, format="json")
            assert response.status_code == 403, (method, url)
            assert response.json()["detail"] == "You may not edit this module's questions."
    assert anon_client.get(f"/api/v1/questions/{question.pk}/").status_code in (401, 403)
    # Another trainer's module: a trainer who does not own it is refused too.
    other = PersonnelFactory(unit=units["POLDA-KALBAR"], roles=[Role.PELATIH])
    response = _client_for(other).post(
        f"/api/v1/modules/{owned.code}/questions/", MC_JSON, format="json"
    )
    assert response.status_code == 403
    assert Question.objects.filter(module=owned).count() == 0
    assert _client_for(owner).get("/api/v1/questions/999999/").status_code == 404
