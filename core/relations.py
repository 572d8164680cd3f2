"""Related fields whose choices come from a scoped selector for the requesting user.

Every id a client sends names a row through the requester's scope: a field is declared with the
selector that defines that scope, and an id outside it is refused with DRF's own "does not exist"
message, exactly like an id that names nothing:

    leader = ScopedSlugRelatedField(slug_field="nrp", scope=personnel_visible_to)

`scope` is called as `scope(user=request.user)` and returns a queryset. The serializer must be
built with the request in its context (`context={"request": request}`, as DRF's generic views
do); without one the field offers nothing. With `many=True` DRF builds one child field per
value, which asks the same selector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

Scope = Callable[..., QuerySet]


class ScopedRelatedFieldMixin:
    def __init__(self, *, scope: Scope, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        queryset = self.scope(user=user) if user is not None else None
        if queryset is None:
            raise RuntimeError(f"{type(self).__name__} needs the request in the context.")
        return queryset


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    pass


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField):
    pass
