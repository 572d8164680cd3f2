from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Question, Quiz


class QuizForm(forms.ModelForm):
    categories = forms.ModelMultipleChoiceField(
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

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = (
            categories if categories is not None else (Category.objects.none())
        )
        self.fields["categories"].label_from_instance = lambda c: f"{c.module.title} — {c}"
        if self.instance.pk:
            self.fields.pop("kind")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("GIFT or Aiken file"), required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("gift", "GIFT"), ("aiken", "Aiken")], initial="gift"
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)


class QuestionForm(forms.Form):
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


class ChoiceForm(forms.Form):
    text = forms.CharField(label=_("Answer"), required=False,
                           widget=forms.Textarea(attrs={"rows": 1}))  # fmt: skip
    match_text = forms.CharField(label=_("Match"), required=False, max_length=1000)
    credit = forms.CharField(label=_("Credit (%)"), required=False, max_length=12, initial="0")
    tolerance = forms.CharField(label=_("Tolerance (±)"), required=False, max_length=30)
    feedback = forms.CharField(label=_("Feedback"), required=False)


ChoiceFormSet = forms.formset_factory(ChoiceForm, extra=0, can_delete=True, max_num=50,
                                      absolute_max=60)  # fmt: skip
