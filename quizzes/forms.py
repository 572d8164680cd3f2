from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Quiz


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
