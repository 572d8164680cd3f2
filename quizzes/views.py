"""HTML pages for quizzes. Thin: selectors for reads, services for writes, presentation for
what a participant may see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.enqueue import task_enqueue
from sessions.selectors import session_can_manage, sessions_visible_to
from training.errors import ApplicationError
from training.models import Module

from . import presentation
from .forms import ImportForm, QuizForm
from .models import Attempt, Quiz
from .selectors import (
    attempt_for_user,
    attempts_for_manager,
    attempts_of_participant,
    bank_can_manage,
    bank_modules_for_quiz,
    questions_for_module,
    quiz_can_manage,
    quiz_can_view_results,
    quiz_participant,
    quizzes_visible_to,
    statistics_visible_to,
)
from .services import (
    answer_save,
    attempt_deal_preview,
    attempt_start,
    attempt_submit,
    questions_export,
    questions_file_text,
    questions_import,
    quiz_create,
    quiz_statistics_compute,
    quiz_update,
)
from .tasks import quiz_statistics_compute_task

INLINE_STATS_LIMIT = 300


def _quiz(request, pk) -> Quiz:
    return get_object_or_404(quizzes_visible_to(user=request.user), pk=pk)


@login_required
def quiz_list(request: HttpRequest) -> HttpResponse:
    quizzes = quizzes_visible_to(user=request.user).order_by("-open_at")[:100]
    return render(request, "quizzes/quiz_list.html", {"quizzes": quizzes})


@login_required
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz(request, pk)
    context = {
        "quiz": quiz,
        "participant": quiz_participant(user=request.user, quiz=quiz),
        "attempts": attempts_of_participant(user=request.user, quiz=quiz),
        "can_manage": quiz_can_manage(user=request.user, quiz=quiz),
        "can_view_results": quiz_can_view_results(user=request.user, quiz=quiz),
        "is_open": quiz.is_open(),
        "bank_modules": bank_modules_for_quiz(user=request.user, quiz=quiz),
    }
    return render(request, "quizzes/quiz_detail.html", context)


@login_required
def quiz_edit(request: HttpRequest, pk: int | None = None, session_pk: int | None = None):
    if pk is not None:
        quiz = _quiz(request, pk)
        session = quiz.session
    else:
        quiz = None
        session = get_object_or_404(sessions_visible_to(user=request.user), pk=session_pk)
    if not session_can_manage(user=request.user, session=session):
        raise PermissionDenied
    form = QuizForm(request.POST or None, instance=quiz, user=request.user)
    if quiz is not None and not request.POST:
        form.initial["categories"] = list(quiz.categories.values_list("pk", flat=True))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        categories = data.pop("categories")
        try:
            if quiz is None:
                quiz = quiz_create(
                    user=request.user, session=session, categories=categories, **data
                )
            else:
                quiz = quiz_update(user=request.user, quiz=quiz, categories=categories, **data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Quiz saved."))
            return redirect("quizzes:detail", pk=quiz.pk)
    return render(
        request, "quizzes/quiz_form.html", {"form": form, "quiz": quiz, "session": session}
    )


@login_required
def quiz_new(request: HttpRequest, session_pk: int):
    return quiz_edit(request, session_pk=session_pk)


@login_required
def quiz_preview(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz(request, pk)
    try:
        dealt = attempt_deal_preview(user=request.user, quiz=quiz)
    except ApplicationError as error:
        raise PermissionDenied(error.message) from None
    questions = [presentation.question_payload(d) for d in dealt]
    return render(request, "quizzes/attempt.html", {"quiz": quiz, "questions": questions,
                                                    "preview": True})  # fmt: skip


@login_required
@require_POST
def attempt_begin(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz(request, pk)
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, str(error))
        return redirect("quizzes:detail", pk=quiz.pk)
    return redirect("quizzes:attempt", pk=attempt.pk)


def _own_attempt(request, pk) -> Attempt:
    attempt = attempt_for_user(user=request.user, attempt_id=pk)
    if attempt is None:
        raise Http404
    return attempt


@login_required
def attempt_page(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _own_attempt(request, pk)
    if attempt.status != Attempt.Status.IN_PROGRESS or not attempt.accepts_answers():
        return redirect("quizzes:result", pk=attempt.pk)
    payload = presentation.attempt_payload(attempt)
    # The payload's own "quiz" is the id (for the API); the page needs the quiz itself.
    context = {**payload, "quiz": attempt.quiz, "attempt": attempt}
    return render(request, "quizzes/attempt.html", context)


def _response_from_post(request, qtype: str) -> dict:
    post = request.POST
    if qtype in ("single", "truefalse"):
        return {"choice": post.get("choice", "")}
    if qtype == "multi":
        return {"choices": post.getlist("choices")}
    if qtype == "shortanswer":
        return {"text": post.get("text", "")}
    if qtype == "numerical":
        return {"value": post.get("value", "")}
    if qtype == "matching":
        prefix = "match-"
        return {"matches": {k[len(prefix) :]: v for k, v in post.items() if k.startswith(prefix)}}
    return {}


@login_required
@require_POST
def answer_save_view(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    """htmx: save one answer; returns a tiny status fragment."""
    qtype = request.POST.get("qtype", "")
    try:
        answer = answer_save(user=request.user, attempt_id=pk, question_id=question_id,
                             response=_response_from_post(request, qtype))  # fmt: skip
    except ApplicationError as error:
        return render(request, "quizzes/_saved.html", {"error": error.message}, status=400)
    return render(request, "quizzes/_saved.html", {"saved_at": answer.saved_at})


@login_required
@require_POST
def attempt_finish(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        attempt = attempt_submit(user=request.user, attempt_id=pk)
    except ApplicationError as error:
        messages.error(request, error.message)
        raise Http404 from None
    return redirect("quizzes:result", pk=attempt.pk)


@login_required
def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _own_attempt(request, pk)
    if attempt.status == Attempt.Status.IN_PROGRESS and attempt.accepts_answers():
        return redirect("quizzes:attempt", pk=attempt.pk)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        attempt = attempt_submit(user=request.user, attempt_id=attempt.pk)
    review = presentation.review_payload(attempt)
    return render(request, "quizzes/result.html", {"quiz": attempt.quiz, "review": review})


@login_required
def quiz_results(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz(request, pk)
    if not quiz_can_view_results(user=request.user, quiz=quiz):
        raise PermissionDenied
    attempts = attempts_for_manager(user=request.user, quiz=quiz)
    return render(request, "quizzes/results.html", {"quiz": quiz, "attempts": attempts})


@login_required
def quiz_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz(request, pk)
    if not quiz_can_view_results(user=request.user, quiz=quiz):
        raise PermissionDenied
    finished = quiz.attempts.exclude(status=Attempt.Status.IN_PROGRESS)
    refreshing = False
    if finished.count() <= INLINE_STATS_LIMIT:
        stats = quiz_statistics_compute(quiz_id=quiz.pk)
    else:
        stats = quiz.stats
        stale = (
            quiz.stats_computed_at is None
            or (timezone.now() - quiz.stats_computed_at).total_seconds() > 300
        )
        if stale:
            task_enqueue(quiz_statistics_compute_task, quiz.pk)  # next view asks again
            refreshing = True
    stats = statistics_visible_to(user=request.user, quiz=quiz, stats=stats)
    peak = max([band["count"] for band in stats.get("distribution", [])] or [0]) or 1
    context = {"quiz": quiz, "stats": stats, "peak": peak, "refreshing": refreshing}
    return render(request, "quizzes/statistics.html", context)


# --- question bank -----------------------------------------------------------------------
def _bank_module(request, code) -> Module:
    module = get_object_or_404(Module, code=code)
    if not bank_can_manage(user=request.user, module=module):
        raise PermissionDenied
    return module


@login_required
def bank(request: HttpRequest, code: str) -> HttpResponse:
    module = _bank_module(request, code)
    questions = questions_for_module(user=request.user, module=module)
    return render(request, "quizzes/bank.html", {"module": module, "questions": questions})


@login_required
def bank_export(request: HttpRequest, code: str) -> HttpResponse:
    module = _bank_module(request, code)
    response = HttpResponse(
        questions_export(module=module), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{module.code}.gift.txt"'
    return response


@login_required
def bank_import(request: HttpRequest, code: str) -> HttpResponse:
    """Upload → preview (nothing written) → confirm (the same text, written all or nothing)."""
    module = _bank_module(request, code)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    content = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        confirm = "confirm" in request.POST
        try:
            if upload is not None:
                content = questions_file_text(upload.read())
            else:
                content = form.cleaned_data.get("content") or ""
            if not content.strip():
                raise ApplicationError(_("Choose a file to import."))
            report = questions_import(module=module, content=content,
                                      fmt=form.cleaned_data["format"],
                                      dry_run=not confirm, user=request.user)  # fmt: skip
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if report.written:
                messages.success(request, _("%(n)s questions imported.") % {"n": report.created})
                return redirect("quizzes:bank", code=module.code)
    # A refused file (a form error, a refusal or a problem in the file) is a 400, as in the API.
    refused = request.method == "POST" and (report is None or not report.ok)
    status = 400 if refused else 200
    return render(request, "quizzes/import.html",
                  {"module": module, "form": form, "report": report, "content": content},
                  status=status)  # fmt: skip


@login_required
def session_quizzes(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = get_object_or_404(sessions_visible_to(user=request.user), pk=session_pk)
    quizzes = quizzes_visible_to(user=request.user).filter(session=session)
    return render(request, "quizzes/quiz_list.html", {"quizzes": quizzes, "session": session,
        "can_manage": session_can_manage(user=request.user, session=session)})  # fmt: skip
