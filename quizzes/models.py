"""Question bank, quizzes, attempts and answers.

A `Question` belongs to a training `Module` and a `Category` (a path like "Cyber Crime/Dasar",
unique per module) and has `Choice` rows whose meaning depends on the type (see
`quizzes.grading`). A `Quiz` belongs to a session; an `Attempt` is one participant's go at it,
with the questions and choice order it was dealt and a server-side deadline. A submitted attempt
is never changed again: `Attempt.status` moves in_progress → submitted/overdue once, by a
conditional UPDATE (see services.attempt_submit).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.models import Module

from .importers.base import ParsedChoice, ParsedQuestion


class Category(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="question_categories")
    name = models.CharField(_("name"), max_length=255, help_text=_("A path such as “A/B”."))

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["module", "name"]
        constraints = [
            models.UniqueConstraint(fields=["module", "name"], name="quiz_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name or str(_("(default)"))


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTI = "multi", _("Multiple response")
        TRUEFALSE = "truefalse", _("True/false")
        SHORTANSWER = "shortanswer", _("Short answer")
        NUMERICAL = "numerical", _("Numerical")
        MATCHING = "matching", _("Matching")

    class TextFormat(models.TextChoices):
        MOODLE = "moodle", _("Simple formatting")
        HTML = "html", _("HTML (safe subset)")
        PLAIN = "plain", _("Plain text")
        MARKDOWN = "markdown", _("Markdown")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="questions")
    qtype = models.CharField(_("type"), max_length=16, choices=Type.choices)
    name = models.CharField(_("name"), max_length=255)
    text = models.TextField(_("text"))
    text_format = models.CharField(
        _("text format"), max_length=16, choices=TextFormat.choices, default=TextFormat.MOODLE
    )
    general_feedback = models.TextField(_("general feedback"), blank=True)
    default_mark = models.DecimalField(
        _("mark"), max_digits=5, decimal_places=2, default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )  # fmt: skip
    # False: hidden from new attempts (a deleted question still in use, or an old version).
    is_active = models.BooleanField(_("active"), default=True)
    # Order within the category (bank listing, and dealing when questions are not shuffled).
    position = models.PositiveIntegerField(_("position"), default=0)
    # Editing a question that attempts already use makes a new row (version + 1) and points the
    # old one at it; the old row keeps grading and reviewing those attempts (see services.editor).
    version = models.PositiveIntegerField(_("version"), default=1)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("replaced by"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category__name", "position", "id"]
        indexes = [models.Index(fields=["category", "is_active"], name="quiz_question_cat_active")]

    def __str__(self) -> str:
        return self.name

    def as_parsed(self) -> ParsedQuestion:
        """The question as importer/exporter data (choices must be prefetched)."""
        return ParsedQuestion(
            qtype=self.qtype,
            text=self.text,
            name=self.name,
            category=self.category.name,
            text_format=self.text_format,
            general_feedback=self.general_feedback,
            choices=[
                ParsedChoice(
                    text=c.text,
                    fraction=c.fraction.normalize(),
                    feedback=c.feedback,
                    match_text=c.match_text,
                    tolerance=None if c.tolerance is None else c.tolerance.normalize(),
                )
                for c in self.choices.all()
            ],
        )


class Choice(models.Model):
    """One answer line; see `importers.base.ParsedChoice` for its meaning per type."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("text"), blank=True)
    match_text = models.TextField(_("match"), blank=True)
    fraction = models.DecimalField(_("credit"), max_digits=6, decimal_places=5, default=0)
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=24, decimal_places=10, null=True, blank=True
    )
    feedback = models.TextField(_("feedback"), blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__gte=-1) & Q(fraction__lte=1),
                name="quiz_choice_fraction_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text or self.match_text


class Quiz(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("Post-test")
        PRE = "pre", _("Pre-test")

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")
        FIRST = "first", _("First attempt")
        AVERAGE = "average", _("Average of attempts")

    class Review(models.TextChoices):
        NOTHING = "nothing", _("Nothing")
        SCORE = "score", _("Score only")
        FEEDBACK = "feedback", _("Score and feedback")
        ANSWERS = "answers", _("Score, feedback and correct answers")

    session = models.ForeignKey(
        "training_sessions.TrainingSession", on_delete=models.CASCADE, related_name="quizzes"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.POST)
    title = models.CharField(_("title"), max_length=255)
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), related_name="+")
    open_at = models.DateTimeField(_("opens at"))
    close_at = models.DateTimeField(_("closes at"))
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, help_text=_("0 means unlimited.")
    )
    grading_method = models.CharField(
        _("grading method"), max_length=8, choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )  # fmt: skip
    pass_mark = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal(70),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"), default=0, help_text=_("0 means every question.")
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    review_after_submit = models.CharField(
        _("review right after submitting"), max_length=8, choices=Review.choices,
        default=Review.SCORE,
    )  # fmt: skip
    review_after_close = models.CharField(
        _("review after the quiz closes"), max_length=8, choices=Review.choices,
        default=Review.ANSWERS,
    )  # fmt: skip
    stats = models.JSONField(default=dict, blank=True, editable=False)
    # Recomputing participants' results after the grading method or pass mark changed: the row
    # is the truth. A run stamps `regrade_finished_at` with the request it served, so a request
    # made during a run leaves the quiz due again; the sweeper re-enqueues due quizzes.
    regrade_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    regrade_finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    regrade_total = models.PositiveIntegerField(default=0, editable=False)
    regrade_done = models.PositiveIntegerField(default=0, editable=False)
    # The last participant id a run of the current request finished (runs resume after it).
    regrade_cursor = models.PositiveBigIntegerField(default=0, editable=False)
    stats_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["session", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="quiz_one_per_kind"),
            models.CheckConstraint(
                condition=Q(close_at__gt=models.F("open_at")), name="quiz_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=100), name="quiz_pass_mark_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.open_at <= now < self.close_at

    def is_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.close_at

    @property
    def regrade_pending(self) -> bool:
        """Participants' results are being recomputed (or wait for it)."""
        return self.regrade_requested_at is not None and (
            self.regrade_finished_at != self.regrade_requested_at
        )

    def review_level(self, now=None) -> str:
        """What a participant may see of a submitted attempt right now."""
        return self.review_after_close if self.is_closed(now) else self.review_after_submit


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        OVERDUE = "overdue", _("Closed at the deadline")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    participant = models.ForeignKey(
        "training_sessions.Participant", on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    # The questions dealt, in the order shown, and per question the order of its choices
    # (choice ids; for matching, the order of the offered match texts).
    question_ids = models.JSONField(default=list)
    choice_order = models.JSONField(default=dict)
    earned = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    possible = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["quiz", "participant", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "participant", "number"], name="quiz_attempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "participant"],
                condition=Q(status="in_progress"),
                name="quiz_attempt_one_in_progress",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="quiz_attempt_status_due")]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} ({self.participant_id})"

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.IN_PROGRESS

    @staticmethod
    def grace() -> timedelta:
        return timedelta(seconds=getattr(settings, "QUIZ_GRACE_SECONDS", 30))

    def accepts_answers(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.IN_PROGRESS and now <= self.deadline + self.grace()

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.IN_PROGRESS and now > self.deadline + self.grace()


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(default=dict, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    # Credit 0..1, set once when the attempt is graded.
    fraction = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="quiz_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}"
