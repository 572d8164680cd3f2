"""`/api/v1/` for quizzes: list, start an attempt, save an answer, submit, result; import.

Before the review options allow it, no response carries credit, weights, feedback or which
answer is right: attempt output is built by `quizzes.presentation`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.nul import StrictFormParser, StrictMultiPartParser
from sessions.selectors import session_can_manage, sessions_visible_to
from training.models import Module

from . import presentation
from .fields import MAX_ID, ScopedPrimaryKeyRelatedField
from .models import Attempt, Quiz
from .selectors import (
    attempt_for_user,
    attempts_for_manager,
    bank_can_manage,
    categories_for_user,
    quiz_can_manage,
    quiz_can_view_results,
    quizzes_visible_to,
    statistics_visible_to,
)
from .services import (
    answer_save,
    attempt_start,
    attempt_submit,
    questions_import,
    quiz_create,
    quiz_statistics_compute,
    quiz_update,
)
from .services.quizzes import (
    MAX_ATTEMPTS_ALLOWED,
    MAX_QUESTIONS_PER_ATTEMPT,
    MAX_TIME_LIMIT_MINUTES,
)


class QuizSerializer(serializers.ModelSerializer):
    session_title = serializers.CharField(source="session.title", read_only=True)
    regrade_pending = serializers.BooleanField(
        read_only=True,
        help_text="Participants' results are being recomputed after a grading change "
        "(progress: regrade_done of regrade_total).",
    )

    class Meta:
        model = Quiz
        fields = [
            "id", "title", "kind", "session", "session_title", "open_at", "close_at",
            "time_limit_minutes", "attempts_allowed", "grading_method", "pass_mark",
            "questions_per_attempt", "regrade_pending", "regrade_done", "regrade_total",
        ]  # fmt: skip
        read_only_fields = fields  # output only: writes go through QuizSettingsSerializer


class QuizSettingsSerializer(serializers.Serializer):
    """Quiz settings as a trainer writes them; every field optional on update."""

    title = serializers.CharField(max_length=255)
    open_at = serializers.DateTimeField()
    close_at = serializers.DateTimeField()
    categories = ScopedPrimaryKeyRelatedField(
        scope=categories_for_user, many=True, max_length=200,
        help_text="Question category ids, of banks the user may use (others do not exist).",
    )  # fmt: skip
    time_limit_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_TIME_LIMIT_MINUTES, required=False
    )
    attempts_allowed = serializers.IntegerField(
        min_value=1, max_value=MAX_ATTEMPTS_ALLOWED, required=False
    )
    grading_method = serializers.ChoiceField(choices=Quiz.GradingMethod.choices, required=False)
    pass_mark = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    questions_per_attempt = serializers.IntegerField(
        min_value=1, max_value=MAX_QUESTIONS_PER_ATTEMPT, required=False
    )
    shuffle_questions = serializers.BooleanField(required=False)
    shuffle_choices = serializers.BooleanField(required=False)
    review_after_submit = serializers.ChoiceField(choices=Quiz.Review.choices, required=False)
    review_after_close = serializers.ChoiceField(choices=Quiz.Review.choices, required=False)


class QuizCreateSerializer(QuizSettingsSerializer):
    session = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Training session id (one the user can see)."
    )
    kind = serializers.ChoiceField(choices=Quiz.Kind.choices, default=Quiz.Kind.POST)

    def validate_session(self, pk: int):
        """The session, looked up among those the user can see. Judged before the other fields
        and answered as the pages answer: one out of sight is "not found" (404), exactly like
        one that does not exist; one seen but not managed is refused with the reason (403)."""
        user = self.context["request"].user
        session = sessions_visible_to(user=user).filter(pk=pk).first()
        if session is None:
            raise Http404
        if not session_can_manage(user=user, session=session):
            raise PermissionDenied(_("You may not set up quizzes for this session."))
        return session


class QuizListApi(generics.ListAPIView):
    """Quizzes of the sessions the user can see; trainers who manage a session create its quiz."""

    serializer_class = QuizSerializer

    def get_queryset(self):
        return quizzes_visible_to(user=self.request.user).order_by("-open_at")

    @extend_schema(request=QuizCreateSerializer, responses={201: QuizSerializer})
    def post(self, request):
        data = QuizCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        quiz = quiz_create(user=request.user, **data.validated_data)
        return Response(QuizSerializer(quiz).data, status=status.HTTP_201_CREATED)


class QuizDetailApi(generics.RetrieveAPIView):
    serializer_class = QuizSerializer

    def get_queryset(self):
        return quizzes_visible_to(user=self.request.user)

    @extend_schema(request=QuizSettingsSerializer, responses={200: QuizSerializer})
    def patch(self, request, pk: int):
        quiz = self.get_object()
        if not quiz_can_manage(user=request.user, quiz=quiz):
            raise PermissionDenied(_("You may not change this quiz."))
        data = QuizSettingsSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        quiz = quiz_update(user=request.user, quiz=quiz, **data.validated_data)
        return Response(QuizSerializer(quiz).data)


class DealtChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(help_text="HTML: the answer's plain text, escaped.")


class DealtItemSerializer(DealtChoiceSerializer):
    selected = serializers.CharField(allow_blank=True)


class DealtQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    type = serializers.CharField()
    text = serializers.CharField(help_text="Safe HTML (a small sanitised subset).")
    response = serializers.DictField()
    choices = DealtChoiceSerializer(many=True, required=False)
    items = DealtItemSerializer(many=True, required=False)
    options = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text="Matching: the matches as plain text (not HTML); a response sends one back.",
    )  # fmt: skip


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    server_now = serializers.DateTimeField()
    questions = DealtQuestionSerializer(many=True)


class ReviewQuestionSerializer(DealtQuestionSerializer):
    fraction = serializers.DecimalField(max_digits=6, decimal_places=5, allow_null=True)
    feedback = serializers.ListField(child=serializers.CharField(), help_text="Safe HTML.")
    general_feedback = serializers.CharField(help_text="Safe HTML.")
    correct = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text="HTML: each right answer's plain text, escaped.",
    )  # fmt: skip


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    review = serializers.CharField(help_text="nothing, score, feedback or answers")
    score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    passed = serializers.BooleanField(required=False)
    questions = ReviewQuestionSerializer(many=True, required=False)


class AttemptStartApi(APIView):
    """Start (or resume) the requesting participant's attempt."""

    @extend_schema(request=None, responses={201: AttemptSerializer})
    def post(self, request, pk: int):
        quiz = get_object_or_404(quizzes_visible_to(user=request.user), pk=pk)
        attempt = attempt_start(user=request.user, quiz=quiz)
        payload = presentation.attempt_payload(attempt)
        return Response(AttemptSerializer(payload).data, status=status.HTTP_201_CREATED)


def _own_attempt_or_404(request, pk: int) -> None:
    """404 for an attempt that is not the user's, exactly as for one that does not exist (the
    pages answer the same); the service checks ownership again under its lock."""
    if attempt_for_user(user=request.user, attempt_id=pk) is None:
        raise Http404


class AttemptDetailApi(APIView):
    @extend_schema(responses=AttemptSerializer)
    def get(self, request, pk: int):
        attempt = attempt_for_user(user=request.user, attempt_id=pk)
        if attempt is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(AttemptSerializer(presentation.attempt_payload(attempt)).data)


class AnswerInputSerializer(serializers.Serializer):
    response = serializers.DictField(help_text="See quizzes.grading for the shape per type.")


class AnswerSaveApi(APIView):
    """Save one answer (insert or replace). Refused after the deadline plus grace."""

    @extend_schema(
        request=AnswerInputSerializer,
        responses=inline_serializer(
            "AnswerSaved",
            {"question": serializers.IntegerField(), "saved_at": serializers.DateTimeField()},
        ),
    )
    def put(self, request, pk: int, question_id: int):
        _own_attempt_or_404(request, pk)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = answer_save(
            user=request.user,
            attempt_id=pk,
            question_id=question_id,
            response=data.validated_data["response"],
        )
        return Response({"question": answer.question_id, "saved_at": answer.saved_at})


class AttemptSubmitApi(APIView):
    """Submit the attempt; repeating it returns the same result."""

    @extend_schema(request=None, responses=ReviewSerializer)
    def post(self, request, pk: int):
        _own_attempt_or_404(request, pk)
        attempt = attempt_submit(user=request.user, attempt_id=pk)
        return Response(ReviewSerializer(presentation.review_payload(attempt)).data)


class AttemptResultApi(APIView):
    @extend_schema(responses=ReviewSerializer)
    def get(self, request, pk: int):
        attempt = attempt_for_user(user=request.user, attempt_id=pk)
        if attempt is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(ReviewSerializer(presentation.review_payload(attempt)).data)


class QuestionImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=["gift", "aiken"], default="gift")
    dry_run = serializers.BooleanField(default=False)


class QuestionImportApi(APIView):
    """Import GIFT/Aiken questions into a module (its editors only). A file with errors writes
    nothing; the response lists every problem with its line number."""

    parser_classes = [StrictMultiPartParser, StrictFormParser]

    @extend_schema(
        request=QuestionImportInputSerializer,
        responses=inline_serializer("ImportReport", {"ok": serializers.BooleanField()}),
    )
    def post(self, request, code: str):
        module = get_object_or_404(Module, code=code)
        if not bank_can_manage(user=request.user, module=module):
            raise PermissionDenied(_("You may not edit this module's questions."))
        data = QuestionImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = questions_import(
            module=module,
            content=data.validated_data["file"].read(),
            fmt=data.validated_data["format"],
            dry_run=data.validated_data["dry_run"],
            user=request.user,
        )
        return Response(report.as_dict(), status=200 if report.ok else 400)


class AttemptRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    nrp = serializers.CharField(source="participant.personnel.nrp")
    name = serializers.CharField(source="participant.personnel.name")
    unit = serializers.CharField(source="participant.unit.code")


def _results_quiz(request, pk: int) -> Quiz:
    quiz = get_object_or_404(quizzes_visible_to(user=request.user), pk=pk)
    if not quiz_can_view_results(user=request.user, quiz=quiz):
        raise PermissionDenied
    return quiz


class QuizResultsApi(generics.ListAPIView):
    """Every attempt at the quiz (trainers of the session, commanders who can see it)."""

    serializer_class = AttemptRowSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Attempt.objects.none()
        quiz = _results_quiz(self.request, self.kwargs["pk"])
        return attempts_for_manager(user=self.request.user, quiz=quiz)


class QuizStatisticsApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "QuizStatistics",
            {
                "attempts": serializers.IntegerField(),
                "pass_rate": serializers.FloatField(allow_null=True),
                "average": serializers.FloatField(allow_null=True),
                "distribution": serializers.ListField(child=serializers.DictField()),
                "units": serializers.ListField(child=serializers.DictField()),
                "questions": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def get(self, request, pk: int):
        quiz = _results_quiz(request, pk)
        stats = quiz_statistics_compute(quiz_id=quiz.pk)
        return Response(statistics_visible_to(user=request.user, quiz=quiz, stats=stats))
