"""Curriculum: modules (topics) that sessions present, and the materials trainers attach to them.

A material is either a file or an external link. A file material keeps every version ever
uploaded (`MaterialVersion`); `current_version` is the one personnel open. Reading is recorded
per person in `MaterialRead` (first and last opened) so a higher app can require it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Module(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    objectives = models.JSONField(
        _("learning objectives"),
        default=list,
        blank=True,
        help_text=_("What a participant can do after the module, one sentence each."),
    )
    tags = models.JSONField(_("topic tags"), default=list, blank=True)
    hours = models.PositiveSmallIntegerField(
        _("hours (JP)"),
        default=1,
        help_text=_("Lesson hours (jam pelajaran, 45 minutes each) the module is worth."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_modules",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=1), name="module_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Material(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")

    class LinkType(models.TextChoices):
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    link_type = models.CharField(
        _("link type"), max_length=16, choices=LinkType.choices, blank=True
    )
    current_version = models.ForeignKey(
        "MaterialVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["module", "position", "id"]
        indexes = [models.Index(fields=["module", "position"], name="material_module_position")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="file", url="") | Q(kind="link") & ~Q(url=""),
                name="material_link_has_url",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return self.kind == self.Kind.LINK


class MaterialVersion(models.Model):
    """One uploaded file. Versions are never overwritten: a replacement is a new row."""

    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    file_type = models.CharField(_("file type"), max_length=8)
    content_type = models.CharField(_("content type"), max_length=128)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.material} v{self.number}"


class MaterialRead(models.Model):
    """A person opened a material: when first, when last, how often."""

    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="reads"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="material_reads",
    )
    first_opened_at = models.DateTimeField(_("first opened"))
    last_opened_at = models.DateTimeField(_("last opened"))
    open_count = models.PositiveIntegerField(_("times opened"), default=1)

    class Meta:
        verbose_name = _("material read")
        verbose_name_plural = _("material reads")
        constraints = [
            models.UniqueConstraint(fields=["material", "person"], name="material_read_unique"),
        ]
        indexes = [models.Index(fields=["person", "material"], name="material_read_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.material}"
