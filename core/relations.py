"""Related fields whose choices come from a scoped selector for the requesting user.

Every id a client sends names a row through the requester's scope: a field is declared with the
selector that defines that scope, and an id outside it is refused with DRF's own "does not exist"
message, exactly like an id that names nothing:

    led_by = ScopedSlugRelatedField(
        slug_field="nrp", queryset=Personnel.objects.none(), scope=personnel_visible_to
    )

- `scope(user=request.user)` returns the queryset; with `uses_context=True` it is called as
  `scope(user=..., context=serializer_context)` for choices that depend on more than the user
  (the participants of the session being marked).
- The declared `queryset`, if any, is an empty one of the same model: it names the model for
  the OpenAPI schema and is never used for lookups.
- The serializer must be built with the request in its context (`context={"request": request}`,
  as DRF's generic views do); without a signed-in user the field accepts nothing.
- The queryset is built once per field instance: a list of 250 marks asks the selector once.
- Primary keys are bounded (1 … 2**63-1) before any query, like every id (core.fields).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from rest_framework import serializers

from .fields import IdField

Scope = Callable[..., QuerySet]


class ScopedRelatedFieldMixin:
    def __init__(self, *, scope: Scope, uses_context: bool = False, **kwargs: Any) -> None:
        self.scope = scope
        self.uses_context = uses_context
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        cached = getattr(self, "_scoped_queryset", None)
        if cached is None:
            request = self.context.get("request")
            user = getattr(request, "user", None) or AnonymousUser()
            extra = {"context": self.context} if self.uses_context else {}
            cached = self._scoped_queryset = self.scope(user=user, **extra)
        return cached


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("pk_field", IdField())
        super().__init__(**kwargs)


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField):
    pass
