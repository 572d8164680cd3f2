"""Pangkat: the 22 Polri ranks and the civil-staff (PNS) grades, in order of seniority."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


def normalize_rank_text(text: str) -> str:
    """Fold the ways real lists write a rank: case, dots, spacing, and a trailing "Pol"/"Polisi".

    "Kombes. Pol." → "KOMBES", "Brigjen Pol" → "BRIGJEN", "bripka" → "BRIPKA".
    """
    folded = re.sub(r"[.\s]+", " ", text.upper()).strip()
    folded = re.sub(r"\s+(POL|POLISI)$", "", folded)
    return folded


class Rank(models.Model):
    class Category(models.TextChoices):
        POLRI = "POLRI", _("Polri member")
        PNS = "PNS", _("Civil staff (PNS)")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(_("abbreviation"), max_length=32)
    category = models.CharField(_("category"), max_length=8, choices=Category.choices)
    golongan = models.CharField(_("group"), max_length=32)
    sub_golongan = models.CharField(_("sub-group"), max_length=64, blank=True)
    # Seniority within the category (1 = most junior). Polri ranks sort above PNS grades.
    order = models.PositiveSmallIntegerField(_("order"))
    seniority = models.PositiveSmallIntegerField(_("seniority"), db_index=True)
    variants = models.JSONField(_("variants"), default=list, blank=True)

    class Meta:
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")
        ordering = ["-seniority"]
        constraints = [
            models.UniqueConstraint(fields=["category", "order"], name="rank_unique_order"),
        ]

    def __str__(self) -> str:
        return self.abbreviation

    def match_keys(self) -> set[str]:
        """Every normalized spelling that denotes this rank."""
        keys = {self.abbreviation, self.name, self.code, *self.variants}
        return {normalize_rank_text(key) for key in keys if key}
