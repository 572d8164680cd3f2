"""The Polri organisation tree: Mabes → Polda → Polres → Polsek, with staff units (satker)."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from core.scope import path_contains, subtree_q

PATH_STEP = 8  # digits per level: a unit's path is its ancestors' ids, zero-padded, joined by "/"

TIME_ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: "Unit", *, include_self: bool = True) -> "UnitQuerySet":
        """`unit` and every unit below it: one indexed prefix query (see core.scope)."""
        qs = self.filter(subtree_q(unit))
        return qs if include_self else qs.exclude(pk=unit.pk)


class Unit(models.Model):
    """A unit (satuan). Codes are unique; names are not (Polsek Kapuas vs Polres Kapuas).

    `path` is a materialized path ("00000001/00000020/00000107/"), so a subtree is one indexed
    prefix query and the ancestors one `IN` query. `save()` keeps paths right when a unit is
    created or moved under another parent.
    """

    class Kind(models.TextChoices):
        MABES = "MABES", _("Mabes Polri")
        POLDA = "POLDA", _("Polda")
        POLRES = "POLRES", _("Polres")
        POLSEK = "POLSEK", _("Polsek")
        SATKER = "SATKER", _("Satker")

    class TimeZone(models.TextChoices):
        JAKARTA = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
        PONTIANAK = "Asia/Pontianak", _("WIB (Asia/Pontianak)")
        MAKASSAR = "Asia/Makassar", _("WITA (Asia/Makassar)")
        JAYAPURA = "Asia/Jayapura", _("WIT (Asia/Jayapura)")

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    timezone = models.CharField(
        _("time zone"), max_length=32, choices=TimeZone.choices, default=TimeZone.JAKARTA
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Unique (and so indexed; on PostgreSQL also with varchar_pattern_ops for LIKE 'prefix%').
    path = models.CharField(max_length=255, unique=True, null=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="unit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz_abbreviation(self) -> str:
        return TIME_ZONE_ABBREVIATIONS.get(self.timezone, self.timezone)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent (empty for a root), read off the path."""
        return [int(part) for part in (self.path or "").split("/") if part][:-1]

    def contains(self, other: "Unit | None") -> bool:
        """True when `other` is this unit or lies below it (no query: both paths are loaded)."""
        return other is not None and path_contains(self, other)

    def _expected_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.pk:0{PATH_STEP}d}/"

    def clean(self) -> None:
        if (
            self.parent_id
            and self.pk
            and self.parent.path
            and self.path
            and self.contains(self.parent)
        ):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        if self.pk is None:
            super().save(*args, **kwargs)
            self.path = self._expected_path()
            self.depth = self.path.count("/") - 1
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            return
        old_path = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self.clean()
        new_path = self._expected_path()
        self.path = new_path
        self.depth = new_path.count("/") - 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path", "depth"}
        super().save(*args, **kwargs)
        if old_path and old_path != new_path:
            # One UPDATE re-roots the whole subtree.
            type(self).objects.filter(subtree_q(old_path)).exclude(pk=self.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + (new_path.count("/") - old_path.count("/")),
            )
