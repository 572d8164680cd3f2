"""Read queries for units and personnel, always scoped by the requesting user.

Scope rules:
- Admin (group Admin or superuser): everything.
- Operator, Pelatih, Pimpinan: their own unit and every unit below it.
- Peserta (and anyone else): units — their own unit; personnel — themselves.
"""

from django.db.models import QuerySet

from training.models import Personnel, Rank, Role, Unit

SCOPED_ROLES = (Role.OPERATOR, Role.PELATIH, Role.PIMPINAN)


def unit_subtree(*, unit: Unit, include_self: bool = True) -> QuerySet[Unit]:
    """The unit and all units below it: one indexed prefix query."""
    qs = Unit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def unit_ancestors(*, unit: Unit, include_self: bool = False) -> QuerySet[Unit]:
    """The units above `unit`, root first: one query on the primary key."""
    ids = unit.ancestor_ids + ([unit.pk] if include_self else [])
    return Unit.objects.filter(pk__in=ids).order_by("depth")


def user_scope_unit(*, user: Personnel) -> Unit | None:
    """The root of the subtree a user may oversee, or None for admins (no limit) and for
    users who oversee nobody but themselves (see `user_sees_subtree`)."""
    if user.is_admin:
        return None
    return user.unit


def _is_live(user: Personnel) -> bool:
    """Anonymous and deactivated accounts see nothing, whatever roles they still hold."""
    return user.is_authenticated and user.is_active


def user_sees_subtree(*, user: Personnel) -> bool:
    if not _is_live(user):
        return False
    return user.is_admin or (user.unit_id is not None and user.has_role(*SCOPED_ROLES))


def units_visible_to(*, user: Personnel) -> QuerySet[Unit]:
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.is_admin:
        return Unit.objects.all()
    if user.unit_id is None:
        return Unit.objects.none()
    if user.has_role(*SCOPED_ROLES):
        return unit_subtree(unit=user.unit)
    return Unit.objects.filter(pk=user.unit_id)


def personnel_visible_to(*, user: Personnel) -> QuerySet[Personnel]:
    base = Personnel.objects.select_related("rank", "unit")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.is_admin:
        return base.all()
    if user.unit_id is not None and user.has_role(*SCOPED_ROLES):
        return base.filter(unit__path__startswith=user.unit.path)
    return base.filter(pk=user.pk)


def unit_is_visible_to(*, user: Personnel, unit: Unit) -> bool:
    """True when `unit` lies in the user's scope; no query beyond the user's own unit."""
    if not _is_live(user):
        return False
    if user.is_admin:
        return True
    if user.unit_id is None:
        return False
    if user.has_role(*SCOPED_ROLES):
        return bool(unit.path) and unit.path.startswith(user.unit.path)
    return unit.pk == user.unit_id


def rank_list() -> QuerySet[Rank]:
    return Rank.objects.all()
