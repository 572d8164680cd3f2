"""Every id a client sends to quizzes/ is looked up in what the requesting user may use.

The case that started it: a Pelatih of Polda Metro Jaya built a quiz through the API on a
category of Polda Kalbar's private bank (a module another trainer owns), attempted it with the
review showing answers and read Kalbar's answer key. Out of scope must read exactly like an id
that does not exist, on the pages and in the API, on create and on update; numbers far beyond
any id or setting are a 400 with a reason, never a database overflow.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.forms import QuizForm
from quizzes.models import Category, Question, Quiz
from quizzes.services import questions_import
from tests.conftest import _client_for
from tests.factories import ModuleFactory, PersonnelFactory, TrainingSessionFactory
from training.models import Role

pytestmark = pytest.mark.django_db

HUGE = 10**25  # 25 digits: past every integer column of SQLite and PostgreSQL

BANK = """\
$CATEGORY: {name}

::MC-{name}::Apa kepanjangan ITE?{{=Informasi dan Transaksi Elektronik ~Internet Teknologi}}

::SA-{name}::Lembaga sandi negara?{{=BSSN}}
"""


def _bank(module, name: str) -> Category:
    report = questions_import(module=module, content=BANK.format(name=name), fmt="gift")
    assert report.written, report.problems
    return Category.objects.get(module=module, name=name)


@pytest.fixture
def metro_pelatih(units, ranks):
    return PersonnelFactory(unit=units["POLDA-METRO-JAYA"], rank=ranks["KOMPOL"],
                            name="Rudi Hartono", roles=[Role.PELATIH])  # fmt: skip


@pytest.fixture
def metro_client(metro_pelatih):
    return _client_for(metro_pelatih)


@pytest.fixture
def kalbar_private(pelatih) -> Category:
    """Polda Kalbar's private bank: a module its trainer owns."""
    return _bank(ModuleFactory(code="siber-kalbar", owner=pelatih), "Kalbar")


@pytest.fixture
def metro_category(metro_pelatih) -> Category:
    return _bank(ModuleFactory(code="siber-metro", owner=metro_pelatih), "Metro")


@pytest.fixture
def metro_session(units, metro_pelatih):
    now = timezone.now()
    return TrainingSessionFactory(
        title="Siber Metro",
        host_unit=units["POLDA-METRO-JAYA"],
        start_at=now - timedelta(hours=2),
        end_at=now - timedelta(hours=1),
        led_by=metro_pelatih,
    )


@pytest.fixture
def kalbar_session(units, pelatih):
    now = timezone.now()
    return TrainingSessionFactory(
        title="Siber Kalbar",
        host_unit=units["POLDA-KALBAR"],
        start_at=now - timedelta(hours=2),
        end_at=now - timedelta(hours=1),
        led_by=pelatih,
    )


def _body(session, categories, **overrides) -> dict:
    now = timezone.now()
    body = {
        "session": session.pk, "title": "Post-test", "categories": categories,
        "open_at": (now - timedelta(minutes=5)).isoformat(),
        "close_at": (now + timedelta(days=1)).isoformat(), "review_after_submit": "answers",
    }  # fmt: skip
    body.update(overrides)
    return body


def _missing_id() -> int:
    return max(Category.objects.values_list("pk", flat=True), default=0) + 1000


def _message(response, field: str, pk) -> str:
    assert response.status_code == 400, response.content
    (message,) = response.json()[field]
    return message.replace(f'"{pk}"', '"ID"')


def test_a_quiz_on_another_polda_private_bank_is_refused_like_a_missing_category(
    metro_client, metro_session, metro_category, kalbar_private
):
    url = "/api/v1/quizzes/"
    foreign = metro_client.post(url, _body(metro_session, [kalbar_private.pk]), format="json")
    missing_pk = _missing_id()
    missing = metro_client.post(url, _body(metro_session, [missing_pk]), format="json")
    # Same words as for an id that does not exist, only the id differs.
    assert _message(foreign, "categories", kalbar_private.pk) == _message(
        missing, "categories", missing_pk
    )
    mixed = _body(metro_session, [metro_category.pk, kalbar_private.pk])
    assert metro_client.post(url, mixed, format="json").status_code == 400
    assert not Quiz.objects.exists()
    mine = metro_client.post(url, _body(metro_session, [metro_category.pk]), format="json")
    assert mine.status_code == 201, mine.json()


def test_changing_a_quiz_to_another_polda_private_bank_is_refused(
    metro_client, metro_session, metro_category, kalbar_private
):
    created = metro_client.post(
        "/api/v1/quizzes/", _body(metro_session, [metro_category.pk]), format="json"
    )
    quiz = Quiz.objects.get(pk=created.json()["id"])
    response = metro_client.patch(
        f"/api/v1/quizzes/{quiz.pk}/", {"categories": [kalbar_private.pk]}, format="json"
    )
    missing = metro_client.patch(
        f"/api/v1/quizzes/{quiz.pk}/", {"categories": [HUGE]}, format="json"
    )
    assert _message(response, "categories", kalbar_private.pk) == _message(
        missing, "categories", HUGE
    )
    assert list(quiz.categories.all()) == [metro_category]


def test_the_settings_page_neither_offers_nor_accepts_another_polda_private_bank(
    metro_client, metro_session, metro_category, kalbar_private
):
    url = f"/quizzes/session/{metro_session.pk}/new/"
    page = metro_client.get(url)
    assert f'value="{metro_category.pk}"'.encode() in page.content
    assert f'value="{kalbar_private.pk}"'.encode() not in page.content
    form = _body(metro_session, [kalbar_private.pk], kind="post", time_limit_minutes="30",
                 attempts_allowed="1", grading_method="highest", pass_mark="70",
                 questions_per_attempt="0", review_after_close="answers")  # fmt: skip
    for key in ("open_at", "close_at"):
        form[key] = timezone.localtime(timezone.now() + timedelta(days=-1 if key == "open_at"
                                       else 1)).strftime("%Y-%m-%dT%H:%M")  # fmt: skip
    response = metro_client.post(url, form)
    assert response.status_code == 200 and not Quiz.objects.exists()
    assert response.context["form"].errors["categories"]
    form["categories"] = [metro_category.pk]
    assert metro_client.post(url, form).status_code == 302


def test_the_quiz_form_draws_categories_for_its_user_only(metro_pelatih, pelatih, kalbar_private,
                                                          metro_category):  # fmt: skip
    assert list(QuizForm(user=metro_pelatih).fields["categories"].queryset) == [metro_category]
    assert kalbar_private in QuizForm(user=pelatih).fields["categories"].queryset
    assert not QuizForm().fields["categories"].queryset.exists()  # no user, no bank


def test_a_session_out_of_sight_reads_like_a_missing_one(
    metro_client, kalbar_session, metro_category
):
    # The session is judged first, as on the pages: not found (404), whatever else is sent.
    url = "/api/v1/quizzes/"
    body = _body(kalbar_session, [metro_category.pk])
    foreign = metro_client.post(url, body, format="json")
    missing = metro_client.post(url, {**body, "session": kalbar_session.pk + 1000}, format="json")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    huge = metro_client.post(url, {**body, "session": HUGE}, format="json")
    assert huge.status_code == 400 and huge.json()["session"]
    assert not Quiz.objects.exists()


def test_ordering_a_category_with_another_bank_question_ids_reads_like_missing_ids(
    metro_client, metro_category, kalbar_private
):
    mine = list(Question.objects.filter(category=metro_category).values_list("pk", flat=True))
    theirs = list(Question.objects.filter(category=kalbar_private).values_list("pk", flat=True))
    url = f"/api/v1/question-categories/{metro_category.pk}/order/"
    foreign = metro_client.post(url, {"questions": [mine[0], theirs[0]]}, format="json")
    missing = metro_client.post(url, {"questions": [mine[0], HUGE]}, format="json")
    assert _message(foreign, "questions", theirs[0]) == _message(missing, "questions", HUGE)
    ordered = metro_client.post(url, {"questions": mine[::-1]}, format="json")
    assert ordered.status_code == 200 and ordered.json()["questions"] == mine[::-1]


@pytest.mark.parametrize(
    "field", ["time_limit_minutes", "attempts_allowed", "questions_per_attempt", "pass_mark"]
)
@pytest.mark.parametrize("value", [HUGE, 40000])
def test_numbers_past_any_setting_are_a_400_with_a_reason(
    metro_client, metro_session, metro_category, field, value
):
    created = metro_client.post(
        "/api/v1/quizzes/", _body(metro_session, [metro_category.pk], **{field: value}),
        format="json",
    )  # fmt: skip
    assert created.status_code == 400 and created.json()[field]
    quiz = metro_client.post(
        "/api/v1/quizzes/", _body(metro_session, [metro_category.pk]), format="json"
    ).json()
    changed = metro_client.patch(f"/api/v1/quizzes/{quiz['id']}/", {field: value}, format="json")
    assert changed.status_code == 400 and changed.json()[field]


@pytest.mark.parametrize("ids", [[HUGE], [-1], [0], [str(HUGE)], ["1" * 2000]])
def test_ids_past_any_row_are_a_400(metro_client, metro_session, metro_category, ids):
    response = metro_client.post("/api/v1/quizzes/", _body(metro_session, ids), format="json")
    assert response.status_code == 400 and response.json()["categories"]


def test_the_settings_page_answers_huge_numbers_with_a_form_error(
    metro_client, metro_session, metro_category
):
    url = f"/quizzes/session/{metro_session.pk}/new/"
    form = _body(metro_session, [metro_category.pk, HUGE], kind="post", grading_method="highest",
                 time_limit_minutes=str(HUGE), attempts_allowed=str(HUGE), pass_mark="70",
                 questions_per_attempt=str(HUGE), review_after_close="answers")  # fmt: skip
    response = metro_client.post(url, form)
    assert response.status_code == 200 and not Quiz.objects.exists()
    errors = response.context["form"].errors
    assert {"categories", "time_limit_minutes", "attempts_allowed",
            "questions_per_attempt"} <= set(errors)  # fmt: skip


def test_a_list_of_ids_is_bounded(metro_client, metro_category):
    url = f"/api/v1/question-categories/{metro_category.pk}/order/"
    response = metro_client.post(url, {"questions": list(range(1, 6000))}, format="json")
    assert response.status_code == 400 and response.json()["questions"]
