"""Curriculum: modules (topics) that sessions present."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Module(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title
