"""Serializer fields for the ids a client sends.

`ScopedPrimaryKeyRelatedField(scope=selector)` looks an id up only in `selector(user=...)` for
the requesting user (`context["request"].user`; without a request, in nothing), so an id the
user may not use is refused exactly like one that does not exist (DRF's "Invalid pk ... object
does not exist"). Ids are integers 1..2**63-1 (the range of a database id): a larger or smaller
number cannot name a row and reads the same way, instead of overflowing the database driver.
With `many=True` the ids are looked up in one query, at most `max_length` of them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

from core.fields import ID_MAX as MAX_ID  # noqa: E402


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def __init__(self, *, scope: Callable[..., QuerySet], **kwargs) -> None:
        self.scope = scope
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1, max_value=MAX_ID))
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, max_length: int = 1000, **kwargs):
        child = cls(*args, **{k: v for k, v in kwargs.items() if k not in MANY_RELATION_KWARGS})
        list_kwargs = {k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS}
        return ScopedManyRelatedField(child_relation=child, max_length=max_length, **list_kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.scope(user=getattr(request, "user", None) or AnonymousUser())

    def pk_of(self, data) -> int:
        """The id in `data` (an integer or its digits), checked for type and range."""
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type="bool")
        try:
            pk = self.pk_field.to_internal_value(data)
        except serializers.ValidationError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= pk <= MAX_ID:
            self.fail("does_not_exist", pk_value=pk)
        return pk

    def to_internal_value(self, data):
        pk = self.pk_of(data)
        # in_bulk rather than get(): a scope built from joins may name a row twice.
        found = self.get_queryset().in_bulk([pk])
        if pk not in found:
            self.fail("does_not_exist", pk_value=pk)
        return found[pk]


class ScopedManyRelatedField(ManyRelatedField):
    """A list of ids for `ScopedPrimaryKeyRelatedField`, looked up together; keeps the order
    and any repetition of the list (a service may refuse repeats with its own reason)."""

    default_error_messages = {
        "max_length": _("Ensure this list has no more than {max_length} items."),
    }

    def __init__(self, *, max_length: int, **kwargs) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str | bytes | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        data = list(data)
        if not self.allow_empty and not data:
            self.fail("empty")
        if len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        child = self.child_relation
        pks = [child.pk_of(item) for item in data]
        found = child.get_queryset().in_bulk(set(pks))
        for pk in pks:
            if pk not in found:
                child.fail("does_not_exist", pk_value=pk)
        return [found[pk] for pk in pks]
