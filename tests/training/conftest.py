"""Fixtures shared by the training app's tests."""

import pytest
from django.utils import translation

from training.access import register_module_access_provider, unregister_module_access_provider
from training.models import Module


@pytest.fixture
def english(settings):
    """Refusal messages are asserted in English (msgids); people get them in Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def invite():
    """Stands in for the sessions app: `invite(person, module)` lets the person read the module
    through the registered access provider, as an invitation to a session would."""
    granted: dict[int, set[int]] = {}

    def provider(user):
        return Module.objects.filter(pk__in=granted.get(user.pk, set()))

    register_module_access_provider(provider)
    yield lambda person, module: granted.setdefault(person.pk, set()).add(module.pk)
    unregister_module_access_provider(provider)
