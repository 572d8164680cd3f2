from django import forms
from django.utils.translation import gettext_lazy as _

from sessions.models import Participant

from .services.issuing import REASON_MAX_LENGTH


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompletionRuleForm(forms.Form):
    attendance_statuses = forms.MultipleChoiceField(
        label=_("Attendance statuses that count"),
        choices=Participant.AttendanceStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_minutes = forms.IntegerField(
        label=_("Minimum minutes attended"), required=False, min_value=0, max_value=24 * 60
    )
    require_quiz = forms.BooleanField(
        label=_("Quiz must be passed (when the session has a quiz)"), required=False
    )
    require_material_read = forms.BooleanField(
        label=_("Every material of the session's modules must have been opened"), required=False
    )
    auto_issue = forms.BooleanField(
        label=_("Issue automatically when a participant completes"), required=False
    )
