"""Forms of the quiz pages. A form with a related field takes the requesting `user=` and
draws the field's choices from a scoped selector for them (nothing without a user): an id out
of scope is refused like one that does not exist."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .fields import MAX_ID
from .models import Category, Question, Quiz
from .selectors import categories_for_user
from .services.quizzes import (
    MAX_ATTEMPTS_ALLOWED,
    MAX_QUESTIONS_PER_ATTEMPT,
    MAX_TIME_LIMIT_MINUTES,
)

# Whole-number settings and their upper bounds (the service checks them again).
UPPER_BOUNDS = {
    "time_limit_minutes": MAX_TIME_LIMIT_MINUTES,
    "attempts_allowed": MAX_ATTEMPTS_ALLOWED,
    "questions_per_attempt": MAX_QUESTIONS_PER_ATTEMPT,
}


class UserForm(forms.Form):
    """A form of the quiz pages: it takes the requesting `user=` (those without related fields
    have nothing to scope by it, but every form is built the same way)."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices by id, where an id outside 1..2**63-1 is simply not one of the choices: it is
    refused before it reaches the database, whose driver cannot even hold it."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: the parent says so
            if not 1 <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class QuizForm(forms.ModelForm):
    categories = BoundedModelMultipleChoiceField(
        queryset=Category.objects.none(), widget=forms.CheckboxSelectMultiple,
        label=_("Draw questions from"),
    )  # fmt: skip

    class Meta:
        model = Quiz
        fields = [
            "kind", "title", "open_at", "close_at", "time_limit_minutes", "attempts_allowed",
            "grading_method", "pass_mark", "questions_per_attempt", "shuffle_questions",
            "shuffle_choices", "review_after_submit", "review_after_close", "categories",
        ]  # fmt: skip
        widgets = {
            "open_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "close_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        categories = self.fields["categories"]
        categories.queryset = (
            categories_for_user(user=user) if user is not None else Category.objects.none()
        )
        categories.label_from_instance = lambda c: f"{c.module.title} — {c}"
        for name, upper in UPPER_BOUNDS.items():
            field = self.fields[name]
            field.max_value = upper
            field.validators.append(MaxValueValidator(upper))
            field.widget.attrs["max"] = upper
        if self.instance.pk:
            self.fields.pop("kind")


class ImportForm(UserForm):
    file = forms.FileField(label=_("GIFT or Aiken file"), required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("gift", "GIFT"), ("aiken", "Aiken")], initial="gift"
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)


class QuestionForm(UserForm):
    """The question itself; its answers are `ChoiceFormSet` rows (true/false: the two fields
    below). Only typing happens here: the rules live in `services.editor`."""

    category = forms.CharField(label=_("Category"), max_length=255, required=False,
                               help_text=_("A path such as “A/B”; created when new."))  # fmt: skip
    name = forms.CharField(label=_("Name"), max_length=255, required=False,
                           help_text=_("Left empty: the start of the text."))  # fmt: skip
    text = forms.CharField(label=_("Question text"), widget=forms.Textarea(attrs={"rows": 4}))
    text_format = forms.ChoiceField(
        label=_("Text format"), choices=Question.TextFormat.choices,
        initial=Question.TextFormat.MOODLE,
    )  # fmt: skip
    default_mark = forms.CharField(label=_("Mark"), initial="1", max_length=12)
    general_feedback = forms.CharField(
        label=_("General feedback"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to everyone after the attempt, whatever they answered."),
    )  # fmt: skip
    tf_correct = forms.ChoiceField(
        label=_("The statement is"), required=False, widget=forms.RadioSelect,
        choices=[("true", _("True")), ("false", _("False"))],
    )  # fmt: skip
    tf_feedback_true = forms.CharField(label=_("Feedback for “true”"), required=False)
    tf_feedback_false = forms.CharField(label=_("Feedback for “false”"), required=False)


class ChoiceForm(UserForm):
    text = forms.CharField(label=_("Answer"), required=False,
                           widget=forms.Textarea(attrs={"rows": 1}))  # fmt: skip
    match_text = forms.CharField(label=_("Match"), required=False, max_length=1000)
    credit = forms.CharField(label=_("Credit (%)"), required=False, max_length=12, initial="0")
    tolerance = forms.CharField(label=_("Tolerance (±)"), required=False, max_length=30)
    feedback = forms.CharField(label=_("Feedback"), required=False)


ChoiceFormSet = forms.formset_factory(ChoiceForm, extra=0, can_delete=True, max_num=50,
                                      absolute_max=60)  # fmt: skip
