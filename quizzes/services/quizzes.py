"""Quiz settings: create and update a session's post-test (or pre-test)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.models import TrainingSession
from sessions.selectors import session_can_manage
from training.errors import ApplicationError

from ..models import Attempt, Category, Question, Quiz
from ..selectors import categories_for_user
from .regrade import quiz_regrade_request

# Settings that decide participants' stored results: changing one recomputes them.
RESULT_SETTINGS = ("grading_method", "pass_mark")

# Upper bounds of the whole-number settings (the columns are small integers; no quiz needs more).
MAX_TIME_LIMIT_MINUTES = 7 * 24 * 60
MAX_ATTEMPTS_ALLOWED = 100
MAX_QUESTIONS_PER_ATTEMPT = 1000

EDITABLE = (
    "title", "open_at", "close_at", "time_limit_minutes", "attempts_allowed", "grading_method",
    "pass_mark", "questions_per_attempt", "shuffle_questions", "shuffle_choices",
    "review_after_submit", "review_after_close",
)  # fmt: skip


def _check_categories(*, user, categories: list[Category]) -> None:
    """Only categories the user may draw from (`categories_for_user`); another trainer's bank
    is refused as if it did not exist."""
    usable = set(
        categories_for_user(user=user)
        .filter(pk__in=[c.pk for c in categories])
        .values_list("pk", flat=True)
    )
    if any(c.pk not in usable for c in categories):
        raise ApplicationError(_("Unknown question category."))


def _validate(quiz: Quiz, categories: list[Category]) -> None:
    for moment in (quiz.open_at, quiz.close_at):
        if moment is None or timezone.is_naive(moment):
            raise ApplicationError(_("Opening and closing times must be given with a time zone."))
    if quiz.close_at <= quiz.open_at:
        raise ApplicationError(_("The quiz must close after it opens."))
    if not Decimal(0) <= Decimal(quiz.pass_mark) <= Decimal(100):
        raise ApplicationError(_("The pass mark is a percentage between 0 and 100."))
    if quiz.time_limit_minutes < 1:
        raise ApplicationError(_("The time limit is at least one minute."))
    if quiz.time_limit_minutes > MAX_TIME_LIMIT_MINUTES:
        raise ApplicationError(
            _("The time limit is at most %(n)s minutes.") % {"n": MAX_TIME_LIMIT_MINUTES}
        )
    if not 0 <= quiz.attempts_allowed <= MAX_ATTEMPTS_ALLOWED:
        raise ApplicationError(
            _("Attempts allowed is between 0 (unlimited) and %(n)s.") % {"n": MAX_ATTEMPTS_ALLOWED}
        )
    if not 0 <= quiz.questions_per_attempt <= MAX_QUESTIONS_PER_ATTEMPT:
        raise ApplicationError(
            _("Questions per attempt is between 0 (all) and %(n)s.")
            % {"n": MAX_QUESTIONS_PER_ATTEMPT}
        )
    if quiz.grading_method not in Quiz.GradingMethod.values:
        raise ApplicationError(_("Unknown grading method."))
    for field in ("review_after_submit", "review_after_close"):
        if getattr(quiz, field) not in Quiz.Review.values:
            raise ApplicationError(_("Unknown review option."))
    if not categories:
        raise ApplicationError(_("Choose at least one question category."))
    available = Question.objects.filter(category__in=categories, is_active=True).count()
    if available == 0:
        raise ApplicationError(_("The chosen categories hold no questions."))
    if quiz.questions_per_attempt > available:
        raise ApplicationError(
            _("Only %(n)s questions are available in the chosen categories.") % {"n": available}
        )


@transaction.atomic
def quiz_create(
    *,
    user,
    session: TrainingSession,
    title: str,
    open_at: datetime,
    close_at: datetime,
    categories: Iterable[Category],
    kind: str = Quiz.Kind.POST,
    **settings,
) -> Quiz:
    """Create the session's quiz of `kind` (one per kind). Requires managing the session
    (PermissionDenied otherwise, a 403 in the API) and categories the user may draw from
    (`categories_for_user`; ApplicationError otherwise)."""
    if not session_can_manage(user=user, session=session):
        raise PermissionDenied(_("You may not set up quizzes for this session."))
    unknown = set(settings) - set(EDITABLE)
    if unknown:
        raise ApplicationError(
            _("Unknown quiz settings: %(s)s") % {"s": ", ".join(sorted(unknown))}
        )
    if kind not in Quiz.Kind.values:
        raise ApplicationError(_("Unknown quiz kind."))
    categories = list(categories)
    _check_categories(user=user, categories=categories)
    quiz = Quiz(
        session=session, kind=kind, title=title, open_at=open_at, close_at=close_at,
        created_by=user, **settings,
    )  # fmt: skip
    _validate(quiz, categories)
    try:
        with transaction.atomic():
            quiz.save()
    except IntegrityError:
        raise ApplicationError(_("This session already has a quiz of that kind.")) from None
    quiz.categories.set(categories)
    return quiz


@transaction.atomic
def quiz_update(
    *, user, quiz: Quiz, categories: Iterable[Category] | None = None, **changes
) -> Quiz:
    """Change settings. Attempts already started keep the questions and deadline they were
    dealt. Changing the grading method or the pass mark of a post-test recomputes the results
    already recorded on participants, in the background (`services.regrade`).

    Refuses (PermissionDenied) who does not manage the session; bad settings, and categories
    given that the user may not draw from, are an ApplicationError."""
    if not session_can_manage(user=user, session=quiz.session):
        raise PermissionDenied(_("You may not change this quiz."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError(
            _("Unknown quiz settings: %(s)s") % {"s": ", ".join(sorted(unknown))}
        )
    if categories is not None:
        categories = list(categories)
        _check_categories(user=user, categories=categories)
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    before = {name: getattr(quiz, name) for name in RESULT_SETTINGS}
    for name, value in changes.items():
        setattr(quiz, name, value)
    chosen = categories if categories is not None else list(quiz.categories.all())
    _validate(quiz, chosen)
    quiz.save(update_fields=[*changes, "updated_at"])
    if categories is not None:
        quiz.categories.set(chosen)
    results_changed = any(
        str(getattr(quiz, name)) != str(before[name])
        if name != "pass_mark"
        else Decimal(getattr(quiz, name)) != Decimal(before[name])
        for name in RESULT_SETTINGS
    )
    if (
        results_changed
        and quiz.kind == Quiz.Kind.POST
        and quiz.attempts.exclude(status=Attempt.Status.IN_PROGRESS).exists()
    ):
        quiz_regrade_request(quiz=quiz)
        quiz.refresh_from_db(fields=["regrade_requested_at", "regrade_total", "regrade_done"])
    return quiz
