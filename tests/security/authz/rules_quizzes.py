"""quizzes: a quiz is seen with its session; settings and preview are for the session's
managers; results and statistics also for a Pimpinan who sees the session (each commander only
their subtree's people); attempts only by their owner (404 for everyone else); the question
bank by the module's editors (403 for everyone else, the module list being public to trainers).
"""

from __future__ import annotations

import io

from .matrix import (
    ALLOWED,
    ANY_REDIRECT,
    both,
    count,
    get,
    login_api,
    pk,
    roles_api,
    roles_html,
    row,
    rule,
    tiers,
    write,
)
from .rules_sessions import MANAGERS, SEE_KALBAR, SEE_SINTANG, manages, sees

KALBAR_QUIZ = {"pk": pk("kalbar_quiz")}
SINTANG_QUIZ = {"pk": pk("sintang_quiz")}
PESERTA_ATTEMPT = {"pk": pk("attempt_peserta")}
SINTANG_ATTEMPT = {"pk": pk("attempt_sintang")}
SANGGAU_BANK = {"code": "modul-sanggau"}
SINTANG_BANK = {"code": "modul-sintang"}

RESULT_READERS = ("pimpinan", "outsider", *MANAGERS)


def results(seen, *, api=False):
    """Managers and commanders who see the quiz; others who see it 403; the rest 404."""
    base = sees(*seen, api=api)
    return {
        role: (200 if role in RESULT_READERS else 403) if base[role] == 200 else base[role]
        for role in base
    }


def own_attempt(status=200, *, api=False, refused=404):
    """Only the peserta's own attempt: everyone else 404, the same answer as for an attempt that
    does not exist (the htmx answer fragment alone answers the service's 400 "This attempt is
    not yours")."""
    return (roles_api if api else roles_html)("peserta", refused=refused, ok=status)


BANK_EDITORS_HTML = roles_html("pelatih", "admin")
BANK_EDITORS_API = roles_api("pelatih", "admin", refused=403, ok=ALLOWED)
SINTANG_BANK_EDITORS_HTML = roles_html("stranger", "admin")
QUESTIONS = count("quizzes.Question", module__code="modul-sanggau")
ANSWERS = both(
    count("quizzes.Answer", attempt=pk("attempt_peserta")),
    row("attempt_peserta", "status", "score"),
)


def _gift(world):
    upload = io.BytesIO(b"::Q::Baru?{TRUE}\n")
    upload.name = "soal.gift"
    return {"file": upload, "format": "gift", "dry_run": "false"}


def _answer(world) -> dict:
    return {"qtype": "truefalse", "choice": ""}


def _new_quiz(world) -> dict:
    from quizzes.models import Category

    session = world["sintang_session"]
    return {
        "session": session.pk,
        "kind": "pre",
        "title": "Pre-test",
        "open_at": session.start_at.isoformat(),
        "close_at": session.end_at.isoformat(),
        "categories": list(Category.objects.values_list("pk", flat=True)),
    }


def _bank_state(world):
    """The Sanggau bank as rows: a refused write must leave every question as it was."""
    from quizzes.models import Question

    return tuple(
        Question.objects.filter(module__code="modul-sanggau")
        .order_by("pk")
        .values_list("pk", "text", "is_active", "position", "version")
    )


def _sanggau_category(world) -> int:
    from quizzes.models import Category

    return Category.objects.filter(module=world["mod_sanggau"]).order_by("pk").first().pk


# The question in the peserta's attempt: in use, so an edit versions it and a delete hides it.
QUESTION = {"pk": lambda world: world["question_id"]}
BANK_WRITERS_HTML = roles_html("pelatih", "admin", ok=ALLOWED)


RULES = {
    "api-quiz-list": rule(
        "login",
        "GET POST",
        get("api-quiz-list", login_api()),
        write(
            "api-quiz-list",
            "POST",
            # Sessions one cannot see are not found; who sees but may not manage gets 403.
            manages(SEE_SINTANG, api=True, refused=403, ok=ALLOWED),
            "a pre-test for the Sintang session",
            data=_new_quiz,
            state=count("quizzes.Quiz"),
            api=True,
        ),
    ),
    "quizzes:session": rule(
        "scoped",
        "GET",
        get(
            "quizzes:session",
            sees(*SEE_KALBAR),
            "the Polda-wide session",
            session_pk=pk("kalbar_finished"),
        ),
        get(
            "quizzes:session",
            sees(*SEE_SINTANG),
            "the Sintang session",
            session_pk=pk("sintang_session"),
        ),
    ),
    "quizzes:new": rule(
        "role",
        "GET POST",
        get(
            "quizzes:new",
            manages(SEE_KALBAR),
            "the Polda-wide session",
            session_pk=pk("kalbar_finished"),
        ),
        write(
            "quizzes:new",
            "POST",
            manages(SEE_SINTANG, ok=ALLOWED),
            "a quiz for the Sintang session (an incomplete form)",
            data={"title": "Kuis Dibajak", "kind": "pre"},
            state=count("quizzes.Quiz"),
            unchanged_for=MANAGERS,
            session_pk=pk("sintang_session"),
        ),
    ),
    "quizzes:detail": rule(
        "scoped",
        "GET",
        get("quizzes:detail", sees(*SEE_KALBAR), "the Polda-wide quiz", **KALBAR_QUIZ),
        get("quizzes:detail", sees(*SEE_SINTANG), "the Sintang quiz", **SINTANG_QUIZ),
    ),
    "quizzes:edit": rule(
        "role",
        "GET POST",
        get("quizzes:edit", manages(SEE_KALBAR), "the Polda-wide quiz", **KALBAR_QUIZ),
        get("quizzes:edit", manages(SEE_SINTANG), "the Sintang quiz", **SINTANG_QUIZ),
        write(
            "quizzes:edit",
            "POST",
            manages(SEE_KALBAR, ok=ALLOWED),
            "retitle the Polda-wide quiz (an incomplete form)",
            data={"title": "Diubah lewat halaman"},
            state=row("kalbar_quiz", "title", "close_at"),
            unchanged_for=MANAGERS,
            **KALBAR_QUIZ,
        ),
    ),
    "quizzes:preview": rule(
        "role",
        "GET",
        get("quizzes:preview", manages(SEE_KALBAR), "the Polda-wide quiz", **KALBAR_QUIZ),
        get("quizzes:preview", manages(SEE_SINTANG), "the Sintang quiz", **SINTANG_QUIZ),
    ),
    "quizzes:start": rule(
        "login",
        "POST",
        # Who sees the quiz but is not invited is sent back with a message; the peserta resumes
        # their attempt.
        write(
            "quizzes:start",
            "POST",
            sees(*SEE_KALBAR, status=ANY_REDIRECT),
            "the Polda-wide quiz",
            state=count("quizzes.Attempt", quiz=pk("kalbar_quiz")),
            unchanged_for=SEE_KALBAR,
            **KALBAR_QUIZ,
        ),
        write(
            "quizzes:start",
            "POST",
            sees(*SEE_SINTANG, status=ANY_REDIRECT),
            "the Sintang quiz (not open yet)",
            state=count("quizzes.Attempt", quiz=pk("sintang_quiz")),
            unchanged_for=SEE_SINTANG,
            **SINTANG_QUIZ,
        ),
    ),
    "quizzes:results": rule(
        "role",
        "GET",
        get("quizzes:results", results(SEE_KALBAR), "the Polda-wide quiz", **KALBAR_QUIZ),
        get("quizzes:results", results(SEE_SINTANG), "the Sintang quiz", **SINTANG_QUIZ),
    ),
    "quizzes:statistics": rule(
        "role",
        "GET",
        get("quizzes:statistics", results(SEE_KALBAR), "the Polda-wide quiz", **KALBAR_QUIZ),
        get("quizzes:statistics", results(SEE_SINTANG), "the Sintang quiz", **SINTANG_QUIZ),
    ),
    "quizzes:attempt": rule(
        "login",
        "GET",
        get("quizzes:attempt", own_attempt(), "the peserta's attempt", **PESERTA_ATTEMPT),
        get("quizzes:attempt", own_attempt(404), "a Sintang person's attempt", **SINTANG_ATTEMPT),
    ),
    "quizzes:answer": rule(
        "login",
        "POST",
        # answer_save refuses another's attempt with ApplicationError: a 400 fragment.
        write(
            "quizzes:answer",
            "POST",
            own_attempt(ALLOWED, refused=400),
            "answer in the peserta's attempt",
            data=_answer,
            state=ANSWERS,
            pk=pk("attempt_peserta"),
            question_id=lambda w: w["question_id"],
        ),
    ),
    "quizzes:result": rule(
        "login",
        "GET",
        get("quizzes:result", own_attempt(404), "a Sintang person's attempt", **SINTANG_ATTEMPT),
        get(
            "quizzes:result",
            own_attempt(ANY_REDIRECT),
            "the peserta's attempt in progress (back to it)",
            **PESERTA_ATTEMPT,
        ),
    ),
    "quizzes:bank": rule(
        "role",
        "GET",
        get("quizzes:bank", BANK_EDITORS_HTML, "pelatih's module", **SANGGAU_BANK),
        get("quizzes:bank", SINTANG_BANK_EDITORS_HTML, "the stranger's module", **SINTANG_BANK),
    ),
    "quizzes:import": rule(
        "role",
        "GET POST",
        get("quizzes:import", BANK_EDITORS_HTML, "pelatih's module", **SANGGAU_BANK),
        write(
            "quizzes:import",
            "POST",
            roles_html("pelatih", "admin", ok=ALLOWED),
            "import into pelatih's module",
            data={"format": "gift", "content": "::Q::Baru?{TRUE}\n", "confirm": "1"},
            state=QUESTIONS,
            **SANGGAU_BANK,
        ),
    ),
    "quizzes:export": rule(
        "role",
        "GET",
        get("quizzes:export", BANK_EDITORS_HTML, "pelatih's module", **SANGGAU_BANK),
        get("quizzes:export", SINTANG_BANK_EDITORS_HTML, "the stranger's module", **SINTANG_BANK),
    ),
    "api-quiz-detail": rule(
        "scoped",
        "GET PATCH",
        get("api-quiz-detail", sees(*SEE_KALBAR, api=True), "the Polda-wide quiz", **KALBAR_QUIZ),
        get("api-quiz-detail", sees(*SEE_SINTANG, api=True), "the Sintang quiz", **SINTANG_QUIZ),
        write(
            "api-quiz-detail",
            "PATCH",
            manages(SEE_KALBAR, api=True, refused=403, ok=200),
            "retitle the Polda-wide quiz",
            data={"title": "Diubah lewat API"},
            state=row("kalbar_quiz", "title"),
            api=True,
            **KALBAR_QUIZ,
        ),
    ),
    "api-quiz-results": rule(
        "role",
        "GET",
        get(
            "api-quiz-results", results(SEE_KALBAR, api=True), "the Polda-wide quiz", **KALBAR_QUIZ
        ),
        get("api-quiz-results", results(SEE_SINTANG, api=True), "the Sintang quiz", **SINTANG_QUIZ),
    ),
    "api-quiz-statistics": rule(
        "role",
        "GET",
        get(
            "api-quiz-statistics",
            results(SEE_KALBAR, api=True),
            "the Polda-wide quiz",
            **KALBAR_QUIZ,
        ),
        get(
            "api-quiz-statistics",
            results(SEE_SINTANG, api=True),
            "the Sintang quiz",
            **SINTANG_QUIZ,
        ),
    ),
    "api-attempt-start": rule(
        "login",
        "POST",
        write(
            "api-attempt-start",
            "POST",
            tiers(sees(*SEE_KALBAR, api=True, status=403), peserta=201),
            "the Polda-wide quiz (only participants start)",
            state=count("quizzes.Attempt", quiz=pk("kalbar_quiz")),
            api=True,
            unchanged_for=SEE_KALBAR,
            **KALBAR_QUIZ,
        ),
    ),
    "api-attempt-detail": rule(
        "login",
        "GET",
        get(
            "api-attempt-detail", own_attempt(api=True), "the peserta's attempt", **PESERTA_ATTEMPT
        ),
        get(
            "api-attempt-detail", own_attempt(404, api=True), "a Sintang attempt", **SINTANG_ATTEMPT
        ),
    ),
    "api-answer-save": rule(
        "login",
        "PUT",
        write(
            "api-answer-save",
            "PUT",
            own_attempt(ALLOWED, api=True),
            "answer in the peserta's attempt",
            data={"response": {"choice": 0}},
            state=ANSWERS,
            api=True,
            pk=pk("attempt_peserta"),
            question_id=lambda w: w["question_id"],
        ),
    ),
    "api-attempt-submit": rule(
        "login",
        "POST",
        # The peserta really submits (last of the attempt writes).
        write(
            "api-attempt-submit",
            "POST",
            own_attempt(200, api=True),
            "submit the peserta's attempt",
            state=row("attempt_peserta", "status", "score", "submitted_at"),
            api=True,
            **PESERTA_ATTEMPT,
        ),
    ),
    "quizzes:submit": rule(
        "login",
        "POST",
        write(
            "quizzes:submit",
            "POST",
            tiers(own_attempt(404), peserta=ANY_REDIRECT),
            "submit the peserta's attempt",
            state=row("attempt_peserta", "status", "score", "submitted_at"),
            **PESERTA_ATTEMPT,
        ),
    ),
    "api-attempt-result": rule(
        "login",
        "GET",
        get(
            "api-attempt-result", own_attempt(404, api=True), "a Sintang attempt", **SINTANG_ATTEMPT
        ),
        get(
            "api-attempt-result",
            own_attempt(api=True),
            "the peserta's attempt (in progress: nothing revealed)",
            **PESERTA_ATTEMPT,
        ),
    ),
    "api-question-import": rule(
        "role",
        "POST",
        write(
            "api-question-import",
            "POST",
            BANK_EDITORS_API,
            "import into pelatih's module",
            data=_gift,
            state=QUESTIONS,
            api=True,
            **SANGGAU_BANK,
        ),
    ),
    # The question editor: the bank's editors (the owning Pelatih, Admin); 403 for the others.
    "quizzes:question-new": rule(
        "role",
        "GET POST",
        get("quizzes:question-new", BANK_EDITORS_HTML, "pelatih's module", **SANGGAU_BANK),
        get(
            "quizzes:question-new",
            SINTANG_BANK_EDITORS_HTML,
            "the stranger's module",
            **SINTANG_BANK,
        ),  # fmt: skip
        write(
            "quizzes:question-new",
            "POST",
            BANK_WRITERS_HTML,
            "a true/false question with no text (a form error for the editors)",
            data={"qtype": "truefalse", "text": ""},
            state=_bank_state,
            **SANGGAU_BANK,
        ),
    ),
    "quizzes:question-edit": rule(
        "role",
        "GET POST",
        get("quizzes:question-edit", BANK_EDITORS_HTML, "a question in use", **QUESTION),
        write(
            "quizzes:question-edit",
            "POST",
            BANK_WRITERS_HTML,
            "an edit with no text (a form error for the editors)",
            data={"text": ""},
            state=_bank_state,
            **QUESTION,
        ),
    ),
    "quizzes:question-delete": rule(
        "role",
        "POST",
        write(
            "quizzes:question-delete",
            "POST",
            BANK_WRITERS_HTML,
            "delete a question in use (hidden instead)",
            state=_bank_state,
            **QUESTION,
        ),
    ),
    "quizzes:question-restore": rule(
        "role",
        "POST",
        write(
            "quizzes:question-restore",
            "POST",
            BANK_WRITERS_HTML,
            "show a question again",
            state=_bank_state,
            **QUESTION,
        ),
    ),
    "quizzes:question-move": rule(
        "role",
        "POST",
        write(
            "quizzes:question-move",
            "POST",
            BANK_WRITERS_HTML,
            "move a question down",
            data={"direction": "down"},
            state=_bank_state,
            **QUESTION,
        ),
    ),
    "api-question-list": rule(
        "role",
        "GET POST",
        get(
            "api-question-list",
            roles_api("pelatih", "admin", refused=403),
            "pelatih's module",
            **SANGGAU_BANK,
        ),  # fmt: skip
        write(
            "api-question-list",
            "POST",
            BANK_EDITORS_API,
            "a question with no answers (400 for the editors)",
            data={"type": "single", "text": "Soal baru?", "choices": []},
            state=_bank_state,
            api=True,
            **SANGGAU_BANK,
        ),
    ),
    "api-question-detail": rule(
        "role",
        "GET PUT DELETE",
        get(
            "api-question-detail",
            roles_api("pelatih", "admin", refused=403),
            "a question in use",
            **QUESTION,
        ),  # fmt: skip
        write(
            "api-question-detail",
            "PUT",
            BANK_EDITORS_API,
            "an edit with no text (400 for the editors)",
            data={"text": ""},
            state=_bank_state,
            api=True,
            **QUESTION,
        ),
        write(
            "api-question-detail",
            "DELETE",
            BANK_EDITORS_API,
            "delete a question in use (hidden instead)",
            state=_bank_state,
            api=True,
            **QUESTION,
        ),
    ),
    "api-question-reorder": rule(
        "role",
        "POST",
        write(
            "api-question-reorder",
            "POST",
            BANK_EDITORS_API,
            "an order naming no question (400 for the editors)",
            data={"question_ids": []},
            state=_bank_state,
            api=True,
            pk=_sanggau_category,
        ),
    ),
}
