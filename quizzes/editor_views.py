"""HTML question editor: one question at a time, in a module's bank. Thin: the rules (who,
what makes a valid question, versions of questions in use) live in `services.editor`."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.errors import ApplicationError
from training.models import Module

from .forms import ChoiceFormSet, QuestionForm
from .models import Question
from .selectors import bank_can_manage, question_for_editor, question_versions
from .services import (
    ChoiceInput,
    question_create,
    question_delete,
    question_in_use,
    question_move,
    question_restore,
    question_update,
)

PREFIX = "choices"
# Blank answer rows a new question starts with, per type (true/false has its own fields).
STARTING_ROWS = {"single": 4, "multi": 4, "shortanswer": 2, "numerical": 2, "matching": 3}


def _question(request, pk) -> Question:
    return question_for_editor(user=request.user, question_id=pk)


def _percent(fraction: Decimal) -> str:
    value = (Decimal(fraction) * 100).normalize()
    return f"{value:f}"


def _initial(question: Question) -> tuple[dict, list[dict]]:
    choices = list(question.choices.all())
    initial = {
        "category": question.category.name, "name": question.name, "text": question.text,
        "text_format": question.text_format, "general_feedback": question.general_feedback,
        "default_mark": f"{question.default_mark.normalize():f}",
    }  # fmt: skip
    if question.qtype == "truefalse":
        right = next((c for c in choices if c.fraction == 1), None)
        initial["tf_correct"] = right.text if right else "true"
        for choice in choices:
            initial[f"tf_feedback_{choice.text}"] = choice.feedback
        return initial, []
    rows = [
        {
            "text": c.text,
            "match_text": c.match_text,
            "credit": _percent(c.fraction),
            "tolerance": "" if c.tolerance is None else f"{c.tolerance.normalize():f}",
            "feedback": c.feedback,
        }  # fmt: skip
        for c in choices
    ]
    return initial, rows


def _rows_from_post(post) -> list[dict]:
    """The answer rows as posted (removed ones left out), unvalidated: for redisplay."""
    try:
        total = min(int(post.get(f"{PREFIX}-TOTAL_FORMS", 0)), 60)
    except ValueError:
        total = 0
    rows = []
    for index in range(total):
        if post.get(f"{PREFIX}-{index}-DELETE"):
            continue
        rows.append(
            {
                name: post.get(f"{PREFIX}-{index}-{name}", "")
                for name in ("text", "match_text", "credit", "tolerance", "feedback")
            }
        )
    return rows


def _choice_inputs(qtype: str, form: QuestionForm, formset) -> list[ChoiceInput]:
    if qtype == "truefalse":
        right = form.cleaned_data.get("tf_correct") or ""
        return [
            ChoiceInput(
                text=value,
                credit=Decimal(100) if value == right else Decimal(0),
                feedback=form.cleaned_data.get(f"tf_feedback_{value}", ""),
            )
            for value in ("true", "false")
        ]
    inputs = []
    for row in formset.cleaned_data:
        if not row or row.get("DELETE"):
            continue
        inputs.append(
            ChoiceInput(
                text=row.get("text", ""),
                credit=row.get("credit") or "0",
                feedback=row.get("feedback", ""),
                match_text=row.get("match_text", ""),
                tolerance=row.get("tolerance") or None,
            )  # fmt: skip
        )
    return inputs


def _editor(request, *, module: Module, qtype: str, question: Question | None) -> HttpResponse:
    if request.method == "POST" and "add_row" in request.POST:
        # "Add an answer": show what was typed plus one empty row; nothing is saved.
        rows = _rows_from_post(request.POST)
        form = QuestionForm(initial=request.POST.dict(), user=request.user)
        formset = ChoiceFormSet(prefix=PREFIX, initial=[*rows, {"credit": "0"}])
    elif request.method == "POST":
        form = QuestionForm(request.POST, user=request.user)
        formset = ChoiceFormSet(request.POST, prefix=PREFIX)
        if form.is_valid() and (qtype == "truefalse" or formset.is_valid()):
            data = form.cleaned_data
            values = {
                "category": data["category"] or (question.category if question else ""),
                "name": data["name"], "text": data["text"], "text_format": data["text_format"],
                "general_feedback": data["general_feedback"],
                "default_mark": data["default_mark"],
                "choices": _choice_inputs(qtype, form, formset),
            }  # fmt: skip
            try:
                if question is None:
                    saved = question_create(user=request.user, module=module, qtype=qtype,
                                            **values)  # fmt: skip
                    messages.success(request, _("Question created."))
                else:
                    saved = question_update(user=request.user, question=question, **values)
                    if saved.pk != question.pk:
                        messages.success(request, _(
                            "Attempts already use this question, so version %(n)s was saved: "
                            "new attempts get it, earlier attempts keep the version they answered."
                        ) % {"n": saved.version})  # fmt: skip
                    else:
                        messages.success(request, _("Question saved."))
            except ApplicationError as error:
                for problem in error.extra.get("errors") or [error.message]:
                    form.add_error(None, problem)
            else:
                return redirect("quizzes:bank", code=module.code)
    elif question is not None:
        initial, rows = _initial(question)
        form = QuestionForm(initial=initial, user=request.user)
        formset = ChoiceFormSet(prefix=PREFIX, initial=rows)
    else:
        form = QuestionForm(
            initial={"category": request.GET.get("category", "")}, user=request.user
        )
        rows = [{"credit": "0"} for _i in range(STARTING_ROWS.get(qtype, 0))]
        formset = ChoiceFormSet(prefix=PREFIX, initial=rows)
    context = {
        "module": module, "question": question, "qtype": qtype, "form": form,
        "formset": formset, "type_label": Question.Type(qtype).label,
        "in_use": question is not None and question_in_use(question=question),
        "versions": question_versions(question=question) if question is not None else [],
    }  # fmt: skip
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "quizzes/question_form.html", context, status=status)


@login_required
def question_new(request: HttpRequest, code: str) -> HttpResponse:
    module = get_object_or_404(Module, code=code)
    if not bank_can_manage(user=request.user, module=module):
        raise PermissionDenied(_("You may not edit this module's questions."))
    qtype = request.GET.get("type") or request.POST.get("qtype") or ""
    if qtype not in Question.Type.values:
        return render(request, "quizzes/question_type.html",
                      {"module": module, "types": Question.Type.choices})  # fmt: skip
    return _editor(request, module=module, qtype=qtype, question=None)


@login_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    if question.replaced_by_id is not None:
        messages.info(request, _("That was an old version; this is the latest."))
        latest = question
        while latest.replaced_by_id is not None:
            latest = Question.objects.get(pk=latest.replaced_by_id)
        return redirect("quizzes:question-edit", pk=latest.pk)
    return _editor(request, module=question.module, qtype=question.qtype, question=question)


@login_required
@require_POST
def question_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    if question_delete(user=request.user, question=question):
        messages.success(request, _("Question deleted."))
    else:
        messages.warning(request, _(
            "Attempts already use this question, so it was hidden instead of deleted: new "
            "attempts no longer get it, and earlier answers keep their marks."
        ))  # fmt: skip
    return redirect("quizzes:bank", code=question.module.code)


@login_required
@require_POST
def question_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    try:
        question_restore(user=request.user, question=question)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The question is offered to new attempts again."))
    return redirect("quizzes:bank", code=question.module.code)


@login_required
@require_POST
def question_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        question_move(user=request.user, question=question, offset=offset)
    except ApplicationError as error:
        messages.error(request, error.message)
    bank_url = reverse("quizzes:bank", kwargs={"code": question.module.code})
    return redirect(f"{bank_url}#q{question.pk}")
