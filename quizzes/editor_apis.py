"""`/api/v1/` question editor: a module's questions one at a time (list, create, read, change,
delete) and their order within a category. For whoever may keep the module's bank; others get
403 with the reason. Writes go through `services.editor` (the same rules as the HTML editor):
bad content is a 400 whose `errors` lists every problem. Changing a question that attempts
already use answers with a new version (a new `id`); deleting one hides it (`deleted: false`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from training.models import Module

from .fields import ScopedPrimaryKeyRelatedField
from .models import Category, Question
from .selectors import (
    bank_can_manage,
    question_for_editor,
    questions_for_module,
    questions_for_user,
)
from .services import (
    ChoiceInput,
    question_create,
    question_delete,
    question_update,
    questions_reorder,
)

# The longest order a client may send for one category.
MAX_CATEGORY_ORDER = 5000


class ChoiceInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, required=False, default="",
                                 help_text="The answer; numerical: the number or *; "
                                 "matching: the item (empty for a distractor).")  # fmt: skip
    credit = serializers.DecimalField(max_digits=8, decimal_places=3, required=False,
                                      default=0, help_text="Percent, -100..100.")  # fmt: skip
    feedback = serializers.CharField(allow_blank=True, required=False, default="")
    match_text = serializers.CharField(allow_blank=True, required=False, default="",
                                       help_text="Matching: the match.")  # fmt: skip
    tolerance = serializers.DecimalField(max_digits=24, decimal_places=10, required=False,
                                         allow_null=True, default=None,
                                         help_text="Numerical: ± margin, ≥ 0.")  # fmt: skip


class QuestionInputSerializer(serializers.Serializer):
    """A question as a trainer writes it. `type` is fixed once created (ignored on update)."""

    type = serializers.ChoiceField(choices=Question.Type.choices, required=False)
    category = serializers.CharField(max_length=255, allow_blank=True, required=False,
                                     help_text="Category path such as “A/B”; created if new. "
                                     "Default on update: unchanged.")  # fmt: skip
    name = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
    text = serializers.CharField()
    text_format = serializers.ChoiceField(choices=Question.TextFormat.choices, required=False)
    general_feedback = serializers.CharField(allow_blank=True, required=False, default="")
    default_mark = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    # A few more rows than the service's MAX_CHOICES, so it can name the problem itself.
    choices = ChoiceInputSerializer(many=True, required=False, default=list, max_length=60)


class ChoiceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    credit = serializers.SerializerMethodField()
    feedback = serializers.CharField()
    match_text = serializers.CharField()
    tolerance = serializers.DecimalField(max_digits=24, decimal_places=10, allow_null=True)

    def get_credit(self, choice) -> str:
        return f"{(choice.fraction * 100).normalize():f}"


class QuestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    module = serializers.CharField(source="module.code")
    category = serializers.CharField(source="category.name")
    category_id = serializers.IntegerField()
    type = serializers.CharField(source="qtype")
    name = serializers.CharField()
    text = serializers.CharField()
    text_format = serializers.CharField()
    general_feedback = serializers.CharField()
    default_mark = serializers.DecimalField(max_digits=5, decimal_places=2)
    position = serializers.IntegerField()
    version = serializers.IntegerField()
    is_active = serializers.BooleanField(help_text="False: hidden from new attempts.")
    replaced_by = serializers.IntegerField(source="replaced_by_id", allow_null=True,
                                           help_text="The newer version, if any.")  # fmt: skip
    choices = ChoiceOutputSerializer(many=True, source="choices.all")


def _choices(rows) -> list[ChoiceInput]:
    return [
        ChoiceInput(
            text=r["text"],
            credit=r["credit"],
            feedback=r["feedback"],
            match_text=r["match_text"],
            tolerance=r["tolerance"],
        )  # fmt: skip
        for r in rows
    ]


def _bank_module(request, code: str) -> Module:
    module = get_object_or_404(Module, code=code)
    if not bank_can_manage(user=request.user, module=module):
        raise PermissionDenied(_("You may not edit this module's questions."))
    return module


def _output(question: Question) -> dict:
    question = (
        Question.objects.select_related("module", "category")
        .prefetch_related("choices")
        .get(pk=question.pk)
    )
    return QuestionOutputSerializer(question).data


class QuestionListApi(APIView):
    """The module's current questions (hidden ones included, old versions not), in bank order;
    POST writes a new one at the end of its category."""

    @extend_schema(responses=QuestionOutputSerializer(many=True))
    def get(self, request, code: str):
        module = _bank_module(request, code)
        questions = questions_for_module(user=request.user, module=module)
        return Response(QuestionOutputSerializer(questions, many=True).data)

    @extend_schema(request=QuestionInputSerializer, responses={201: QuestionOutputSerializer})
    def post(self, request, code: str):
        module = _bank_module(request, code)
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "type" not in values:
            raise serializers.ValidationError({"type": [_("Choose the question type.")]})
        question = question_create(
            user=request.user, module=module, qtype=values.pop("type"),
            category=values.pop("category", ""), choices=_choices(values.pop("choices")),
            **values,
        )  # fmt: skip
        return Response(_output(question), status=status.HTTP_201_CREATED)


class QuestionDetailApi(APIView):
    """One question, with its answer key (editors only)."""

    @extend_schema(responses=QuestionOutputSerializer)
    def get(self, request, pk: int):
        question = question_for_editor(user=request.user, question_id=pk)
        return Response(QuestionOutputSerializer(question).data)

    @extend_schema(request=QuestionInputSerializer, responses=QuestionOutputSerializer)
    def put(self, request, pk: int):
        """Replace the content and answers. When attempts already use the question the response
        is its new version (a new `id`); the old one keeps grading those attempts."""
        question = question_for_editor(user=request.user, question_id=pk)
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("type", None)
        saved = question_update(
            user=request.user, question=question, category=values.pop("category", None) or None,
            choices=_choices(values.pop("choices")), **values,
        )  # fmt: skip
        return Response(_output(saved))

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "QuestionDeleted",
            {
                "deleted": serializers.BooleanField(
                    help_text="False: attempts use it, so it was hidden instead."
                ),
                "detail": serializers.CharField(),
            },
        ),
    )
    def delete(self, request, pk: int):
        question = question_for_editor(user=request.user, question_id=pk)
        if question_delete(user=request.user, question=question):
            return Response({"deleted": True, "detail": _("Question deleted.")})
        return Response({"deleted": False, "detail": _(
            "Attempts already use this question, so it was hidden instead of deleted: new "
            "attempts no longer get it, and earlier answers keep their marks."
        )})  # fmt: skip


class QuestionOrderInputSerializer(serializers.Serializer):
    questions = ScopedPrimaryKeyRelatedField(
        scope=questions_for_user, many=True, max_length=MAX_CATEGORY_ORDER,
        help_text="Every current question id of the category.",
    )  # fmt: skip


class QuestionReorderApi(APIView):
    """Put a category's questions in the given order (the order of an unshuffled quiz)."""

    @extend_schema(request=QuestionOrderInputSerializer, responses=QuestionOrderInputSerializer)
    def post(self, request, pk: int):
        category = get_object_or_404(Category.objects.select_related("module"), pk=pk)
        if not bank_can_manage(user=request.user, module=category.module):
            raise PermissionDenied(_("You may not edit this module's questions."))
        data = QuestionOrderInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        question_ids = [question.pk for question in data.validated_data["questions"]]
        questions_reorder(user=request.user, category=category,
                          question_ids=question_ids)  # fmt: skip
        order = list(
            Question.objects.filter(category=category, replaced_by__isnull=True)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        return Response({"questions": order})
