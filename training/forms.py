from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import normalize_nrp


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("NRP / NIP"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "username"}
        ),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong NRP/NIP or password."),
        "inactive": _("This account is no longer active."),
    }

    def clean_username(self) -> str:
        return normalize_nrp(self.cleaned_data["username"])
