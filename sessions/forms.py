"""HTML forms for scheduling. Times are typed in the viewer's unit time zone.

Every form takes the requesting user (`user=`): units, modules, leaders and presenters are
looked up in that user's scope, so anything outside it reads exactly like something that does
not exist.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.models import Module, Personnel, Unit, normalize_nrp
from training.selectors import modules_visible_to, personnel_visible_to, units_visible_to

from .selectors import viewer_timezone
from .services import PresenterInput

MAX_PRESENTERS = 50


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    host_unit = forms.ModelChoiceField(label=_("Host unit"), queryset=Unit.objects.none())
    start_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    led_by = forms.CharField(label=_("Led by (NRP)"), required=False, max_length=32)
    presenters = forms.CharField(
        label=_("Presenters"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: an NRP, or a guest as 'Name | Title'."),
    )
    modules = forms.ModelMultipleChoiceField(
        label=_("Modules"), queryset=Module.objects.none(), required=False
    )
    invited_units = forms.ModelMultipleChoiceField(
        label=_("Invited units (each with its subtree)"), queryset=Unit.objects.none()
    )
    zoom_join_url = forms.CharField(label=_("Zoom join link"), required=False, max_length=500)
    zoom_meeting_id = forms.CharField(label=_("Zoom meeting ID"), required=False, max_length=20)
    zoom_passcode = forms.CharField(label=_("Zoom passcode"), required=False, max_length=32)
    checkin_opens_before = forms.IntegerField(
        label=_("Check-in opens (minutes before start)"), min_value=0, max_value=1440, initial=30
    )
    checkin_grace = forms.IntegerField(
        label=_("Grace period (minutes) before TERLAMBAT"), min_value=0, max_value=1440, initial=15
    )
    min_attendance_percent = forms.IntegerField(
        label=_("Minimum attendance for Zoom import (%)"), min_value=0, max_value=100, initial=50
    )
    reminder_minutes_before = forms.IntegerField(
        label=_("Reminder (minutes before start)"), min_value=0, max_value=1440, initial=60
    )

    def __init__(self, *args, user, session=None, tz_name: str | None = None, **kwargs):
        """`user` is the person scheduling: units (host and invited) come from
        `units_visible_to`, modules from `modules_visible_to` (active ones), leaders and
        presenters from `personnel_visible_to`. Editing `session`, the people and modules
        already on it stay accepted even when someone with a wider scope chose them. Whether
        the user may schedule in the host unit is the service's decision."""
        super().__init__(*args, **kwargs)
        self.tz = ZoneInfo(tz_name or viewer_timezone(user=user))
        units = units_visible_to(user=user).order_by("path")
        self.fields["host_unit"].queryset = units
        self.fields["invited_units"].queryset = units
        modules = Q(is_active=True)
        people = Q(pk__in=personnel_visible_to(user=user).values("pk"))
        if session is not None:
            modules |= Q(pk__in=session.session_modules.values("module_id"))
            people |= Q(pk=session.led_by_id) if session.led_by_id else Q(pk__in=[])
            people |= Q(
                pk__in=session.presenters.filter(personnel__isnull=False).values("personnel_id")
            )
        self.fields["modules"].queryset = modules_visible_to(user=user).filter(modules)
        self.people = Personnel.objects.filter(people)

    def _aware(self, value: datetime) -> datetime:
        return value.replace(tzinfo=self.tz) if value.tzinfo is None else value

    def clean_start_at(self):
        return self._aware(self.cleaned_data["start_at"])

    def clean_end_at(self):
        return self._aware(self.cleaned_data["end_at"])

    def clean_led_by(self) -> Personnel | None:
        nrp = normalize_nrp(self.cleaned_data["led_by"])
        if not nrp:
            return None
        person = self.people.filter(nrp=nrp, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("No active personnel with this NRP."))
        return person

    def clean_presenters(self) -> list[PresenterInput]:
        result = []
        lines = [line.strip() for line in self.cleaned_data["presenters"].splitlines()]
        if sum(1 for line in lines if line) > MAX_PRESENTERS:
            raise forms.ValidationError(
                _("A session has at most %(max)d presenters.") % {"max": MAX_PRESENTERS}
            )
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            if "|" in line:
                name, title = (part.strip() for part in line.split("|", 1))
                if not name:
                    raise forms.ValidationError(
                        _("Line %(n)d: the guest needs a name.") % {"n": number}
                    )
                if len(name) > 200 or len(title) > 200:
                    raise forms.ValidationError(
                        _("Line %(n)d: a guest's name and title have at most 200 characters.")
                        % {"n": number}
                    )
                result.append(PresenterInput(guest_name=name, guest_title=title))
                continue
            nrp = normalize_nrp(line)
            person = self.people.filter(nrp=nrp).first() if nrp.isdigit() else None
            if person is None:
                raise forms.ValidationError(
                    _("Line %(n)d: no personnel with NRP %(nrp)s (write guests as 'Name | Title').")
                    % {"n": number, "nrp": line}
                )
            result.append(PresenterInput(personnel=person))
        return result

    @staticmethod
    def initial_for(session, tz_name: str) -> dict:
        tz = ZoneInfo(tz_name)
        presenters = [
            p.personnel.nrp if p.personnel_id else f"{p.guest_name} | {p.guest_title}"
            for p in session.presenters.select_related("personnel")
        ]
        return {
            "title": session.title,
            "description": session.description,
            "host_unit": session.host_unit_id,
            "start_at": session.start_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            "end_at": session.end_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            "led_by": session.led_by.nrp if session.led_by_id else "",
            "presenters": "\n".join(presenters),
            "modules": [sm.module_id for sm in session.session_modules.all()],
            "invited_units": list(session.invited_units.values_list("pk", flat=True)),
            "zoom_join_url": session.zoom_join_url,
            "zoom_meeting_id": session.zoom_meeting_id,
            "zoom_passcode": session.zoom_passcode,
            "checkin_opens_before": session.checkin_opens_before,
            "checkin_grace": session.checkin_grace,
            "min_attendance_percent": session.min_attendance_percent,
            "reminder_minutes_before": session.reminder_minutes_before,
        }


class ZoomUploadForm(forms.Form):
    file = forms.FileField(label=_("Zoom participant report (CSV)"))

    def __init__(self, *args, user=None, **kwargs):
        """`user` is accepted like every form here; an upload names no related rows."""
        super().__init__(*args, **kwargs)
