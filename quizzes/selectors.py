"""Read queries for quizzes, always scoped by the requesting user.

- A quiz is visible when its session is (sessions.selectors.sessions_visible_to).
- Managing a quiz (settings, results, statistics, preview) follows managing its session:
  a Pelatih whose subtree holds the host unit, or an admin. A Pimpinan who can see the session
  may read its results and statistics, limited to the participants of their own subtree (by the
  unit frozen at invitation): a Polda-wide quiz does not show Kapolres Sanggau the people of
  Polres Sintang.
- The question bank of a module is kept by whoever may edit the module (training's rule).
- Attempts: a participant sees their own; managers see all of the quiz.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.scope import subtree_q
from sessions.models import Participant
from sessions.selectors import participant_for, session_can_manage, sessions_visible_to
from training.models import Module, Role, Unit
from training.selectors.curriculum import module_can_edit, user_is_trainer

from .models import Attempt, Category, Question, Quiz


def quizzes_visible_to(*, user) -> QuerySet[Quiz]:
    return Quiz.objects.select_related("session", "session__host_unit").filter(
        session__in=sessions_visible_to(user=user).values("pk")
    )


def quiz_can_manage(*, user, quiz: Quiz) -> bool:
    return session_can_manage(user=user, session=quiz.session)


def quiz_can_view_results(*, user, quiz: Quiz) -> bool:
    if quiz_can_manage(user=user, quiz=quiz):
        return True
    return (
        user.is_authenticated
        and user.has_role(Role.PIMPINAN)
        and quizzes_visible_to(user=user).filter(pk=quiz.pk).exists()
    )


def quiz_participant(*, user, quiz: Quiz) -> Participant | None:
    return participant_for(session=quiz.session, user=user)


def bank_can_manage(*, user, module: Module) -> bool:
    return bool(user.is_authenticated) and module_can_edit(user=user, module=module)


def questions_for_module(*, user, module: Module) -> QuerySet[Question]:
    """The module's current questions (hidden ones included, old versions left out), in bank
    order: category, then position."""
    if not bank_can_manage(user=user, module=module):
        return Question.objects.none()
    return (
        Question.objects.filter(module=module, replaced_by__isnull=True)
        .select_related("category")
        .prefetch_related("choices")
        .order_by("category__name", "position", "id")
    )


def question_for_editor(*, user, question_id: int) -> Question:
    """A question (any version) of a module the user may keep. Raises Http404 when there is no
    such question and PermissionDenied when the user may not edit its module (as the bank,
    import and export pages do: modules are no secret to trainers, their keys are)."""
    question = (
        Question.objects.select_related("module", "category")
        .prefetch_related("choices")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise Http404
    if not bank_can_manage(user=user, module=question.module):
        raise PermissionDenied(_("You may not edit this module's questions."))
    return question


def question_versions(*, question: Question) -> list[Question]:
    """Older versions of `question`, newest first (each replaced by the next)."""
    older, current = [], question
    while True:
        previous = Question.objects.filter(replaced_by=current).first()
        if previous is None:
            return older
        older.append(previous)
        current = previous


def bank_modules_for_quiz(*, user, quiz: Quiz) -> list[Module]:
    """Modules the quiz draws questions from whose bank the user may keep."""
    modules = Module.objects.filter(pk__in=quiz.categories.values("module_id")).order_by("title")
    return [m for m in modules if bank_can_manage(user=user, module=m)]


def _banks_kept_q(*, user) -> Q:
    """`bank_can_manage` as a filter on rows with a `module`: every bank for an admin, a
    Pelatih's own and unowned ones, nothing for anyone else (training's `module_can_edit`)."""
    if not user_is_trainer(user=user):
        return Q(pk__in=[])
    if user.is_admin:
        return Q()
    return Q(module__owner__isnull=True) | Q(module__owner=user)


def categories_for_user(*, user) -> QuerySet[Category]:
    """Categories a quiz manager may draw from: those of modules they may edit. Every category
    id a client sends (quiz settings, page and API) is looked up here."""
    return Category.objects.select_related("module").filter(_banks_kept_q(user=user))


def questions_for_user(*, user) -> QuerySet[Question]:
    """Questions (any version) of the banks the user keeps. Every question id a client sends
    to the editor (the order of a category) is looked up here."""
    return Question.objects.filter(_banks_kept_q(user=user))


def attempts_of_participant(*, user, quiz: Quiz) -> QuerySet[Attempt]:
    return Attempt.objects.filter(quiz=quiz, participant__personnel=user).order_by("number")


def attempt_for_user(*, user, attempt_id: int) -> Attempt | None:
    """The user's own attempt (None for anyone else's: it is not theirs to see or change)."""
    if not user.is_authenticated:
        return None
    return (
        Attempt.objects.select_related("quiz", "quiz__session", "participant")
        .filter(pk=attempt_id, participant__personnel=user)
        .first()
    )


def attempts_for_manager(*, user, quiz: Quiz) -> QuerySet[Attempt]:
    """Every attempt for the quiz's managers; a commander's own subtree for a Pimpinan."""
    if not quiz_can_view_results(user=user, quiz=quiz):
        return Attempt.objects.none()
    qs = Attempt.objects.filter(quiz=quiz)
    if not quiz_can_manage(user=user, quiz=quiz):
        qs = qs.filter(subtree_q(user.unit, via="participant__unit"))
    return qs.select_related("participant__personnel__rank", "participant__unit").order_by(
        "participant__unit__path", "participant__personnel__name", "number"
    )


def statistics_visible_to(*, user, quiz: Quiz, stats: dict) -> dict:
    """`stats` (quizzes.services.quiz_statistics_compute) as `user` may see them: the per-unit
    rows of a commander are those of their own subtree. The quiz-wide figures name no unit and
    stay whole."""
    if quiz_can_manage(user=user, quiz=quiz) or not stats.get("units"):
        return stats
    codes = [row["code"] for row in stats["units"]]
    mine = set(
        Unit.objects.subtree_of(user.unit).filter(code__in=codes).values_list("code", flat=True)
    )
    return {**stats, "units": [row for row in stats["units"] if row["code"] in mine]}
