"""Every related field of every input form and serializer takes its choices from the user's scope.

The walk imports the URLconf and every module of the apps, then finds each `Form` and DRF
`Serializer` the project defines. Built for a user of Polda Metro Jaya (one per role) in a world
whose other objects sit in Polda Kalbar, each writable related field (`PrimaryKeyRelatedField`,
`SlugRelatedField`, `ModelChoiceField`, `ModelMultipleChoiceField`, and lists of ids) must offer
nothing that the scoped selector for its model does not give that user. A field built on
`Model.objects.all()` offers Kalbar's rows and fails here, naming the class and the field.

Conventions the walk relies on: a form with related fields takes `user=` (and only optional
other arguments); a serializer reads the user from `context["request"]`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from tests.factories import (
    ModuleFactory,
    ParticipantFactory,
    PersonnelFactory,
    TrainingSessionFactory,
    ViconPointFactory,
)
from training.models import Role

APPS = ("core", "config", "training", "sessions", "quizzes", "certificates", "reports")
SKIPPED_MODULES = (".admin", ".migrations", ".management", ".tests", "config.settings")

# Models any signed-in user may name: reference data, the same for everyone.
PUBLIC_MODELS = {
    "training.Rank": "Ranks and PNS grades are reference data (shared/data), not anyone's.",
}

# (class, field) pairs whose ids are checked in the service instead of by the field, each with
# the reason it is safe.
ALLOWED_FIELDS: dict[tuple[str, str], str] = {
    (
        "training.apis.curriculum.MaterialOrderInputSerializer",
        "order",
    ): "training.services.curriculum.material_reorder reads the ids against the module's own "
    "active materials (a module the user may edit) and refuses any other id with the same "
    "message as an unknown one.",
}


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(units, ranks, peserta, operator, pelatih, pimpinan):
    """Kalbar's objects, and one Metro user per role."""
    from quizzes.models import Category

    kalbar, sanggau = units["POLDA-KALBAR"], units["POLRES-SANGGAU"]
    module = ModuleFactory(owner=pelatih, title="Modul Kalbar")
    Category.objects.create(module=module, name="Bank Kalbar")
    start = timezone.now() + timedelta(days=1)
    for status in ("draft", "scheduled"):
        session = TrainingSessionFactory(
            host_unit=kalbar,
            created_by=pelatih,
            status=status,
            start_at=start,
            end_at=start + timedelta(hours=2),
        )
        ParticipantFactory(session=session, personnel=peserta)
    ViconPointFactory(unit=sanggau, name="Ruang Vicon Polres Sanggau")
    metro = units["POLDA-METRO-JAYA"]
    return {
        role: PersonnelFactory(unit=metro, rank=ranks["KOMPOL"], roles=[role])
        for role in (Role.PESERTA, Role.OPERATOR, Role.PELATIH, Role.PIMPINAN)
    }


def _visible(model: type[Model], user) -> QuerySet | None:
    """The scoped selector for `model`: what `user` may see, manage or use."""
    from certificates.models import BulkJob, Certificate
    from certificates.selectors import bulk_jobs_visible_to, certificates_visible_to
    from quizzes.models import Category, Question, Quiz
    from quizzes.selectors import categories_for_user, quizzes_visible_to
    from reports.models import ReportJob
    from reports.selectors import report_jobs_visible_to
    from sessions.models import Participant, TrainingSession, ViconPoint
    from sessions.selectors import (
        participants_visible_to,
        sessions_visible_to,
        vicon_points_for,
    )
    from training.models import Material, Module, Personnel, Unit
    from training.selectors import (
        materials_readable_by,
        module_can_edit,
        modules_visible_to,
        personnel_visible_to,
        units_visible_to,
    )

    def participants(user):
        ids = set()
        for session in sessions_visible_to(user=user):
            ids |= set(
                participants_visible_to(user=user, session=session).values_list("pk", flat=True)
            )
        return Participant.objects.filter(pk__in=ids)

    def editable_modules(user):
        return [m.pk for m in modules_visible_to(user=user) if module_can_edit(user=user, module=m)]

    selectors: dict[type[Model], Callable] = {
        Unit: lambda u: units_visible_to(user=u),
        Personnel: lambda u: personnel_visible_to(user=u),
        TrainingSession: lambda u: sessions_visible_to(user=u),
        Participant: participants,
        ViconPoint: lambda u: vicon_points_for(user=u),
        Module: lambda u: modules_visible_to(user=u),
        Material: lambda u: (
            Material.objects.filter(
                pk__in=[*materials_readable_by(user=u).values_list("pk", flat=True)]
            )
            | Material.objects.filter(module_id__in=editable_modules(u))
        ),
        Category: lambda u: categories_for_user(user=u),
        Question: lambda u: Question.objects.filter(module_id__in=editable_modules(u)),
        Quiz: lambda u: quizzes_visible_to(user=u),
        Certificate: lambda u: certificates_visible_to(user=u),
        BulkJob: lambda u: bulk_jobs_visible_to(user=u),
        ReportJob: lambda u: report_jobs_visible_to(user=u),
    }
    select = selectors.get(model)
    return None if select is None else select(user)


# --- the walk -----------------------------------------------------------------------------------


def _import_everything() -> None:
    importlib.import_module("config.urls")
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if not any(part in info.name for part in SKIPPED_MODULES):
                importlib.import_module(info.name)


def _subclasses(base: type) -> Iterator[type]:
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def _project_classes(base: type) -> list[type]:
    _import_everything()
    found = {
        cls
        for cls in _subclasses(base)
        if cls.__module__.split(".")[0] in APPS
        and not any(part in cls.__module__ for part in SKIPPED_MODULES)
        and not inspect.isabstract(cls)
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _serializer_fields(serializer, prefix: str = "") -> Iterator[tuple[str, serializers.Field]]:
    """Writable fields, nested serializers and list children included."""
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        path = f"{prefix}{name}"
        if isinstance(field, serializers.ListSerializer):
            yield from _serializer_fields(field.child, f"{path}[].")
        elif isinstance(field, serializers.BaseSerializer):
            yield from _serializer_fields(field, f"{path}.")
        else:
            yield path, field


def _related_querysets(field) -> QuerySet | str | None:
    """The queryset a writable field draws ids from; "ids" for a bare list of integers; None
    for a field that names no row."""
    if isinstance(field, serializers.ManyRelatedField):
        field = field.child_relation
    if isinstance(field, serializers.RelatedField):
        return field.get_queryset()
    if isinstance(field, serializers.ListField) and isinstance(
        field.child, serializers.IntegerField
    ):
        return "ids"
    if isinstance(field, forms.ModelChoiceField):
        return field.queryset
    return None


def _has_related_form_fields(cls: type[forms.BaseForm]) -> bool:
    return any(isinstance(f, forms.ModelChoiceField) for f in cls.base_fields.values())


def _request_for(user) -> Request:
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    return request


def _check(owner: str, field_name: str, queryset, user, problems: list[str], seen: list) -> None:
    key = (owner, field_name.split("[]")[0].split(".")[0])
    if key in ALLOWED_FIELDS:
        return
    if isinstance(queryset, str):
        problems.append(f"{owner}.{field_name}: a list of bare ids; use a scoped related field")
        return
    label = f"{queryset.model._meta.app_label}.{queryset.model.__name__}"
    seen.append((owner, field_name))
    if label in PUBLIC_MODELS:
        return
    visible = _visible(queryset.model, user)
    if visible is None:
        problems.append(f"{owner}.{field_name}: no scope rule known for {label}")
        return
    leaked = set(queryset.values_list("pk", flat=True)) - set(visible.values_list("pk", flat=True))
    if leaked:
        problems.append(
            f"{owner}.{field_name} offers {len(leaked)} {label} outside the scope of "
            f"{', '.join(user.groups.values_list('name', flat=True))} {user.unit}"
        )


ROLES = (Role.PESERTA, Role.OPERATOR, Role.PELATIH, Role.PIMPINAN)


@pytest.mark.parametrize("role", ROLES)
def test_every_serializer_related_field_is_scoped(world, role):
    user = world[role]
    problems: list[str] = []
    seen: list = []
    for cls in _project_classes(serializers.BaseSerializer):
        if issubclass(cls, serializers.ListSerializer):
            continue
        try:
            serializer = cls(context={"request": _request_for(user)})
            fields = list(_serializer_fields(serializer))
        except Exception as exc:  # the walk reports every class it cannot build
            problems.append(f"{_name(cls)} cannot be built with the request in context: {exc!r}")
            continue
        for field_name, field in fields:
            queryset = _related_querysets(field)
            if queryset is not None:
                _check(_name(cls), field_name, queryset, user, problems, seen)
    assert not problems, "\n".join(problems)
    # The walk must reach the fields it exists for; an empty walk would pass by itself.
    names = {f"{owner}.{field}" for owner, field in seen}
    assert len(seen) >= 5, seen
    assert "training.apis.curriculum.ModuleCreateInputSerializer.owner" in names


@pytest.mark.parametrize("role", ROLES)
def test_every_form_related_field_is_scoped(world, role):
    user = world[role]
    problems: list[str] = []
    seen: list = []
    for cls in _project_classes(forms.BaseForm):
        if not _has_related_form_fields(cls):
            continue
        try:
            form = cls(user=user)
        except Exception as exc:  # the walk reports every class it cannot build
            problems.append(f"{_name(cls)} cannot be built with user= alone: {exc!r}")
            continue
        for field_name, field in form.fields.items():
            queryset = _related_querysets(field)
            if queryset is not None:
                _check(_name(cls), field_name, queryset, user, problems, seen)
    assert not problems, "\n".join(problems)
    assert seen, "no form with a related field was found"


def test_the_world_has_rows_outside_each_persona_scope(world):
    """The check above can fail only if each scoped model has rows a Metro user may not see."""
    from quizzes.models import Category
    from sessions.models import Participant, TrainingSession, ViconPoint
    from training.models import Personnel, Unit

    for role in ROLES:
        user = world[role]
        for model in (Unit, Personnel, TrainingSession, Participant, ViconPoint, Category):
            visible = set(_visible(model, user).values_list("pk", flat=True))
            assert set(model.objects.values_list("pk", flat=True)) - visible, (role, model)
