"""Personnel: the user model. Login is the NRP (8 digits) or, for civil staff, the NIP (18)."""

import re

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .ranks import Rank
from .units import Unit

NRP_RE = re.compile(r"^(\d{8}|\d{18})$")


class Role(models.TextChoices):
    """Roles are auth groups with these names."""

    PESERTA = "Peserta", _("Participant")
    OPERATOR = "Operator", _("Unit operator")
    PELATIH = "Pelatih", _("Trainer")
    PIMPINAN = "Pimpinan", _("Commander")
    ADMIN = "Admin", _("Administrator")


def normalize_nrp(value: str) -> str:
    """Strip the spaces, dots and dashes people type inside an NRP/NIP. Leading zeros stay."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def validate_nrp(value: str) -> None:
    if not NRP_RE.match(value or ""):
        raise ValidationError(
            _("%(value)s is not a valid NRP (8 digits) or NIP (18 digits)."),
            params={"value": value},
            code="invalid_nrp",
        )


class PersonnelManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username: str):
        return self.get(**{self.model.USERNAME_FIELD: normalize_nrp(username)})

    def create_user(self, nrp: str, password: str | None = None, **fields):
        nrp = normalize_nrp(nrp)
        validate_nrp(nrp)
        user = self.model(nrp=nrp, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, nrp: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(nrp, password, **fields)


class Personnel(AbstractBaseUser, PermissionsMixin):
    nrp = models.CharField(
        _("NRP/NIP"),
        max_length=18,
        unique=True,
        validators=[validate_nrp],
        help_text=_("8-digit NRP, or 18-digit NIP for civil staff. Leading zeros are kept."),
    )
    name = models.CharField(_("full name"), max_length=200, help_text=_("With academic titles."))
    rank = models.ForeignKey(
        Rank, verbose_name=_("rank"), null=True, blank=True, on_delete=models.PROTECT
    )
    position = models.CharField(_("position (jabatan)"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="personnel",
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    USERNAME_FIELD = "nrp"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = PersonnelManager()

    class Meta:
        verbose_name = _("personnel")
        verbose_name_plural = _("personnel")
        ordering = ["name"]
        indexes = [models.Index(fields=["unit", "is_active"], name="personnel_unit_active")]

    def __str__(self) -> str:
        return f"{self.rank} {self.name}" if self.rank_id else self.name

    def clean(self) -> None:
        super().clean()
        self.nrp = normalize_nrp(self.nrp)

    @property
    def is_civil_staff(self) -> bool:
        return len(self.nrp) == 18

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @cached_property
    def role_names(self) -> frozenset[str]:
        names = set(self.groups.values_list("name", flat=True))
        if self.is_superuser:
            names.add(Role.ADMIN)
        return frozenset(names)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def primary_role(self) -> str:
        """The most powerful role, for display."""
        for role in (Role.ADMIN, Role.PIMPINAN, Role.PELATIH, Role.OPERATOR, Role.PESERTA):
            if role in self.role_names:
                return role
        return Role.PESERTA
