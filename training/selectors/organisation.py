"""Read queries for units and personnel, always scoped by the requesting user.

Scope rules:
- Admin (group Admin or superuser): everything.
- Operator, Pelatih, Pimpinan: their own unit and every unit below it.
- Peserta (and anyone else): units — their own unit; personnel — themselves.
"""

from django.db.models import Q, QuerySet

from core.scope import subtree_q
from training.models import Personnel, Rank, Role, Unit

SCOPED_ROLES = (Role.OPERATOR, Role.PELATIH, Role.PIMPINAN)


def unit_subtree(*, unit: Unit, include_self: bool = True) -> QuerySet[Unit]:
    """The unit and all units below it: one indexed prefix query."""
    return Unit.objects.subtree_of(unit, include_self=include_self)


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


def units_nameable_by(*, user: Personnel) -> QuerySet[Unit]:
    """Units a user may name in a filter: those they see, and the units above their own (their
    chain of command, which they know). A filter still returns only what they see."""
    visible = units_visible_to(user=user)
    if user.is_authenticated and user.is_active and user.unit_id is not None:
        return Unit.objects.filter(
            Q(pk__in=visible.values("pk")) | Q(pk__in=user.unit.ancestor_ids)
        )
    return visible


def personnel_visible_to(*, user: Personnel) -> QuerySet[Personnel]:
    base = Personnel.objects.select_related("rank", "unit")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.is_admin:
        return base.all()
    if user.unit_id is not None and user.has_role(*SCOPED_ROLES):
        return base.filter(subtree_q(user.unit, via="unit"))
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
        return user.unit.contains(unit)
    return unit.pk == user.unit_id


def rank_list() -> QuerySet[Rank]:
    return Rank.objects.all()
