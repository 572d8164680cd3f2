"""Hooks through which higher apps widen who may read a module, without `training` importing them.

`training` knows modules and materials; it does not know sessions, invitations or participants
(the dependency points one way: training <- sessions). Yet a participant may read the materials of
the modules used in the sessions they are invited to. A higher app tells `training` about that by
registering a *module access provider* once, in its `AppConfig.ready()`:

    from training.access import register_module_access_provider

    def invited_module_ids(user):
        return Participant.objects.filter(person=user).values("session__modules")

    register_module_access_provider(invited_module_ids)

A provider takes the requesting user (authenticated and active; never anonymous) and returns the
modules that user may read *as a participant*: a `QuerySet` of `Module`, a `values()` /
`values_list()` query of module ids, or any iterable of ids. Querysets are used as subqueries, so
a provider costs no extra round trip. Providers only ever grant; they cannot take away what a
role already gives (see training/README.md).

A second, optional hook lists the sessions that used a module on the module page:
`register_module_usage_provider(func)` where `func(*, module, user)` returns objects with a
`__str__` and `get_absolute_url()`, already scoped to what `user` may see.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

ModuleAccessProvider = Callable[[Any], "QuerySet | Iterable[int]"]
ModuleUsageProvider = Callable[..., Iterable[Any]]

_access_providers: list[ModuleAccessProvider] = []
_usage_providers: list[ModuleUsageProvider] = []


def register_module_access_provider(func: ModuleAccessProvider) -> ModuleAccessProvider:
    """Add `func` to the providers consulted by `modules_visible_to`. Registering the same
    function twice has no effect (ready() may run more than once in tests). Usable as a
    decorator."""
    if func not in _access_providers:
        _access_providers.append(func)
    return func


def unregister_module_access_provider(func: ModuleAccessProvider) -> None:
    if func in _access_providers:
        _access_providers.remove(func)


def module_access_providers() -> tuple[ModuleAccessProvider, ...]:
    return tuple(_access_providers)


def register_module_usage_provider(func: ModuleUsageProvider) -> ModuleUsageProvider:
    """Add `func(*, module, user)` to the providers listing where a module was used."""
    if func not in _usage_providers:
        _usage_providers.append(func)
    return func


def unregister_module_usage_provider(func: ModuleUsageProvider) -> None:
    if func in _usage_providers:
        _usage_providers.remove(func)


def _ids_condition(result: Any) -> Q | None:
    if result is None:
        return None
    if isinstance(result, QuerySet):
        if result.model.__name__ == "Module" and result.model._meta.app_label == "training":
            return Q(pk__in=result.values("pk"))
        return Q(pk__in=result)
    ids = [int(pk) for pk in result if pk is not None]
    return Q(pk__in=ids) if ids else None


def participant_module_condition(user: Any) -> Q | None:
    """A filter on `Module` matching what the registered providers grant `user`, or None when
    they grant nothing. Requires an authenticated, active user."""
    condition: Q | None = None
    for provider in _access_providers:
        part = _ids_condition(provider(user))
        if part is not None:
            condition = part if condition is None else condition | part
    return condition


def module_usages(*, module: Any, user: Any) -> list[Any]:
    """Everything the usage providers report for `module`, as seen by `user`."""
    found: list[Any] = []
    for provider in _usage_providers:
        found.extend(provider(module=module, user=user))
    return found
