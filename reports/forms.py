from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import IdFormField
from training.errors import ApplicationError

from .selectors import ReportFilter, report_filter_clean


class ReportFilterForm(forms.Form):
    """The dashboard's filters; `clean()` asks the selector, so HTML and API agree."""

    unit = forms.CharField(label=_("Unit"), required=False, max_length=64)
    # Integer fields with a select widget: a drill-down may carry a session that is not among
    # the recent ones offered, and that is fine.
    session = IdFormField(label=_("Session"), required=False, widget=forms.Select)
    module = IdFormField(label=_("Module"), required=False, widget=forms.Select)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, sessions=(), modules=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["session"].widget.choices = [("", _("All sessions in the period"))] + [
            (session.pk, f"{session.title} ({session.start_at:%d/%m/%Y})") for session in sessions
        ]
        self.fields["module"].widget.choices = [("", _("All modules"))] + [
            (module.pk, module.title) for module in modules
        ]
        self.report_filter: ReportFilter | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.report_filter = report_filter_clean(
                user=self.user,
                session_id=data.get("session"),
                module_id=data.get("module"),
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            )
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc
        return data
