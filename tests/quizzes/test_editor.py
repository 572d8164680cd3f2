"""The question editor service: every type, its rules, versions of questions in use, hiding
instead of deleting, and the order within a category."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from quizzes.models import Answer, Attempt, Category, Choice, Question
from quizzes.services import (
    ChoiceInput,
    answer_save,
    attempt_start,
    attempt_submit,
    question_create,
    question_delete,
    question_move,
    question_update,
    questions_reorder,
)
from tests.factories import ModuleFactory, PersonnelFactory
from training.errors import ApplicationError
from training.models import Role

pytestmark = pytest.mark.django_db

C = ChoiceInput


def _mc(pelatih, module, **overrides):
    values = {
        "category": "Dasar", "qtype": "single", "text": "Apa kepanjangan ITE?",
        "choices": [
            C("Informasi dan Transaksi Elektronik", Decimal(100), "Tepat"),
            C("Internet Teknologi", Decimal(-50), "Bukan"),
        ],
    }  # fmt: skip
    values.update(overrides)
    return question_create(user=pelatih, module=module, **values)


def test_a_trainer_writes_each_question_type(module, pelatih):
    made = [
        _mc(pelatih, module),
        question_create(user=pelatih, module=module, category="Dasar", qtype="multi",
                        text="Barang bukti digital?",
                        choices=[C("Ponsel", 50), C("Laptop", 50), C("Kertas", -100)]),
        question_create(user=pelatih, module=module, category="Dasar", qtype="truefalse",
                        text="UU ITE mengatur transaksi elektronik.",
                        choices=[C("true", 100, "Benar."), C("false", 0, "Salah.")]),
        question_create(user=pelatih, module=module, category="Dasar", qtype="shortanswer",
                        text="Lembaga sandi negara?", choices=[C("BSSN", 100), C("Lemsaneg", 50)]),
        question_create(user=pelatih, module=module, category="Dasar", qtype="numerical",
                        text="Tahun UU ITE?",
                        choices=[C("2008", 100, tolerance=Decimal(1)), C("*", 0, "Bukan")]),
        question_create(user=pelatih, module=module, category="Dasar", qtype="matching",
                        text="Cocokkan.", choices=[C("Phishing", match_text="Pancingan"),
                                                   C("Malware", match_text="Jahat"),
                                                   C("", match_text="Distraktor")]),
    ]  # fmt: skip
    assert [q.qtype for q in made] == [t.value for t in Question.Type]
    assert [q.position for q in made] == [0, 1, 2, 3, 4, 5]
    assert all(q.category.name == "Dasar" and q.created_by == pelatih for q in made)
    single = made[0]
    assert [(c.text, c.fraction, c.feedback) for c in single.choices.all()] == [
        ("Informasi dan Transaksi Elektronik", Decimal(1), "Tepat"),
        ("Internet Teknologi", Decimal("-0.5"), "Bukan"),
    ]
    assert single.name == single.text  # an empty name takes the text
    numerical = made[4].choices.get(text="2008")
    assert numerical.tolerance == 1


@pytest.mark.parametrize(
    ("qtype", "choices", "message"),
    [
        ("single", [C("Satu", 100)], "at least two answers"),
        ("single", [C("Satu", 50), C("Dua", 50)], "100%"),
        ("single", [C("Satu", 100), C("Dua", -150)], "between -100 and 100"),
        ("single", [C("Satu", 100), C("", 0, "umpan balik saja")], "text is empty"),
        ("multi", [C("Satu", 50), C("Dua", 40)], "add up to 100%"),
        ("truefalse", [C("true", 100)], "true and false"),
        ("shortanswer", [C("BSSN", 90)], "100%"),
        ("numerical", [C("dua ribu", 100)], "not a number"),
        ("numerical", [C("2008", 100, tolerance=Decimal(-1))], "cannot be negative"),
        ("matching", [C("Phishing", match_text=""), C("Malware", match_text="Jahat")], "match"),
        ("matching", [C("Phishing", match_text="Pancingan")], "at least two pairs"),
    ],
)
def test_bad_questions_are_refused_with_the_reason(module, pelatih, english, qtype, choices,
                                                   message):  # fmt: skip
    with pytest.raises(ApplicationError) as refused:
        question_create(user=pelatih, module=module, category="Dasar", qtype=qtype,
                        text="Soal?", choices=choices)  # fmt: skip
    assert message in refused.value.message
    assert refused.value.extra["errors"]
    assert not Question.objects.exists() and not Choice.objects.exists()


def test_every_problem_is_listed_at_once(module, pelatih, english):
    with pytest.raises(ApplicationError) as refused:
        question_create(user=pelatih, module=module, category="Dasar", qtype="single", text=" ",
                        default_mark="0", choices=[C("Satu", 200)])  # fmt: skip
    assert len(refused.value.extra["errors"]) == 4  # text, mark, credit, too few answers


def test_only_who_keeps_the_bank_may_write(module, peserta, pimpinan, units, ranks):
    owner = PersonnelFactory(unit=units["POLDA-KALBAR"], roles=[Role.PELATIH])
    owned = ModuleFactory(code="milik-orang", owner=owner)
    other_trainer = PersonnelFactory(unit=units["POLDA-KALBAR"], roles=[Role.PELATIH])
    for user, target in ((peserta, module), (pimpinan, module), (other_trainer, owned)):
        with pytest.raises(PermissionDenied):
            _mc(user, target)
    assert _mc(owner, owned).module == owned


def test_editing_an_unused_question_changes_it_in_place(module, pelatih):
    question = _mc(pelatih, module)
    saved = question_update(user=pelatih, question=question, text="Kepanjangan ITE?",
                            choices=[C("Informasi dan Transaksi Elektronik", 100),
                                     C("Internet", 0), C("Intel", 0)])  # fmt: skip
    assert saved.pk == question.pk and saved.version == 1
    assert saved.text == "Kepanjangan ITE?" and saved.choices.count() == 3


def _answered(quiz, peserta, question, choice_text):
    attempt = attempt_start(user=peserta, quiz=quiz)
    choice = question.choices.get(text=choice_text)
    answer_save(user=peserta, attempt_id=attempt.pk, question_id=question.pk,
                response={"choice": choice.pk})  # fmt: skip
    return attempt_submit(user=peserta, attempt_id=attempt.pk)


def test_editing_a_question_in_use_makes_a_version_and_keeps_recorded_results(
    quiz, participant, peserta, pelatih
):
    question = Question.objects.get(name="MC")
    attempt = _answered(quiz, peserta, question, "Informasi dan Transaksi Elektronik")
    before = (attempt.score, Answer.objects.get(attempt=attempt, question=question).fraction)
    # The trainer now says the other answer is right.
    newer = question_update(user=pelatih, question=question, text=question.text,
                            choices=[C("Informasi dan Transaksi Elektronik", 0),
                                     C("Internet Teknologi", 100)])  # fmt: skip
    assert newer.pk != question.pk and newer.version == 2 and newer.is_active
    question.refresh_from_db()
    assert not question.is_active and question.replaced_by == newer
    # The old version still holds its key: the recorded attempt and its review do not move.
    assert question.choices.get(text="Informasi dan Transaksi Elektronik").fraction == 1
    attempt.refresh_from_db()
    assert (attempt.score, Answer.objects.get(attempt=attempt, question=question).fraction) == (
        before
    )
    # New attempts are dealt the new version only.
    second = attempt_start(user=peserta, quiz=quiz)
    assert newer.pk in second.question_ids and question.pk not in second.question_ids
    with pytest.raises(ApplicationError, match="(?i)old version|versi lama"):
        question_update(user=pelatih, question=question, text="x", choices=[])


def test_a_question_dealt_to_an_attempt_in_progress_is_versioned_too(quiz, participant, peserta,
                                                                     pelatih):  # fmt: skip
    attempt = attempt_start(user=peserta, quiz=quiz)  # dealt, nothing answered yet
    question = Question.objects.get(name="SA")
    newer = question_update(user=pelatih, question=question, text="Sandi?",
                            choices=[C("BSSN", 100)])  # fmt: skip
    assert newer.pk != question.pk
    # The attempt is graded against what it was shown.
    answer_save(user=peserta, attempt_id=attempt.pk, question_id=question.pk,
                response={"text": "Lemsaneg"})  # fmt: skip
    attempt_submit(user=peserta, attempt_id=attempt.pk)
    assert Answer.objects.get(attempt=attempt, question=question).fraction == Decimal("0.5")


def test_deleting_hides_a_question_in_use_and_deletes_one_that_is_not(quiz, participant, peserta,
                                                                      pelatih, module):  # fmt: skip
    used = Question.objects.get(name="MC")
    _answered(quiz, peserta, used, "Internet Teknologi")
    assert question_delete(user=pelatih, question=used) is False
    used.refresh_from_db()
    assert not used.is_active and Answer.objects.filter(question=used).exists()
    spare = _mc(pelatih, module, text="Soal cadangan?")
    assert question_delete(user=pelatih, question=spare) is True
    assert not Question.objects.filter(pk=spare.pk).exists()
    assert Attempt.objects.count() == 1


def test_reordering_sets_the_order_of_an_unshuffled_quiz(make_quiz, participant, peserta, pelatih):
    quiz = make_quiz(shuffle_questions=False)
    category = Category.objects.get(name="Dasar")
    ids = list(
        Question.objects.filter(category=category).order_by("position", "pk")
        .values_list("pk", flat=True)
    )  # fmt: skip
    questions_reorder(user=pelatih, category=category, question_ids=list(reversed(ids)))
    assert attempt_start(user=peserta, quiz=quiz).question_ids == list(reversed(ids))
    question_move(user=pelatih, question=Question.objects.get(pk=ids[0]), offset=-1)
    order = list(
        Question.objects.filter(category=category).order_by("position").values_list("pk", flat=True)
    )
    assert order[-2] == ids[0]
    for bad in (ids[:-1], [*ids, ids[0]], [*ids[:-1], 999999]):
        with pytest.raises(ApplicationError):
            questions_reorder(user=pelatih, category=category, question_ids=bad)
