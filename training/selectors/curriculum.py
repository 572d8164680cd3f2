"""Read queries for modules and materials, always scoped by the requesting user.

Who reads what:
- Admin: every module (active or not) and every material.
- Pelatih (trainer): every module (active or not) — they keep the curriculum.
- Pimpinan (commander) with a unit: every active module.
- Anyone (Peserta, Operator, ...): the modules a registered access provider grants them, e.g. the
  modules of sessions they are invited to (training.access; the sessions app registers it).
Materials are readable when their module is and they are active; archived materials and earlier
versions of a file are shown to trainers and admins only.

Who edits: an admin, or a trainer who owns the module. A module without an owner (the seeded
curriculum) is shared and any trainer may edit it.
"""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from training import access
from training.models import Material, MaterialRead, MaterialVersion, Module, Personnel, Role


def _is_live(user: Personnel) -> bool:
    return bool(user.is_authenticated and user.is_active)


def user_is_trainer(*, user: Personnel) -> bool:
    """Trainers and admins: they create modules, see archived materials and earlier versions."""
    return _is_live(user) and (user.is_admin or user.has_role(Role.PELATIH))


def module_can_create(*, user: Personnel) -> bool:
    return user_is_trainer(user=user)


def module_can_edit(*, user: Personnel, module: Module) -> bool:
    """Admins edit every module; a trainer edits the modules they own and unowned ones."""
    if not _is_live(user):
        return False
    if user.is_admin:
        return True
    return user.has_role(Role.PELATIH) and module.owner_id in (None, user.pk)


def modules_visible_to(*, user: Personnel) -> QuerySet[Module]:
    base = Module.objects.select_related("owner")
    if not _is_live(user):
        return base.none()
    if user_is_trainer(user=user):
        return base.all()
    condition = access.participant_module_condition(user)
    if user.has_role(Role.PIMPINAN) and user.unit_id is not None:
        whole = Q(is_active=True)
        condition = whole if condition is None else whole | condition
    if condition is None:
        return base.none()
    return base.filter(condition)


def module_is_readable_by(*, user: Personnel, module: Module) -> bool:
    return modules_visible_to(user=user).filter(pk=module.pk).exists()


def materials_readable_by(*, user: Personnel, module: Module | None = None) -> QuerySet[Material]:
    """Active materials of the modules `user` may read, in module order."""
    modules = modules_visible_to(user=user)
    if module is not None:
        modules = modules.filter(pk=module.pk)
    return (
        Material.objects.filter(module__in=modules.values("pk"), is_active=True)
        .select_related("module", "current_version")
        .order_by("module__code", "position", "id")
    )


def materials_for_module(*, user: Personnel, module: Module) -> QuerySet[Material]:
    """What the module page lists: for its editors also the archived materials."""
    if module_can_edit(user=user, module=module):
        return (
            Material.objects.filter(module=module)
            .select_related("module", "current_version")
            .order_by("-is_active", "position", "id")
        )
    return materials_readable_by(user=user, module=module)


def material_get_for(*, user: Personnel, pk: int) -> Material | None:
    """The material if `user` may read it (trainers also reach archived ones), else None."""
    if user_is_trainer(user=user):
        qs = Material.objects.filter(module__in=modules_visible_to(user=user).values("pk"))
        return qs.select_related("module", "current_version").filter(pk=pk).first()
    return materials_readable_by(user=user).filter(pk=pk).first()


def material_versions_visible_to(
    *, user: Personnel, material: Material
) -> QuerySet[MaterialVersion]:
    """Every version for trainers and admins; only the current one for everybody else."""
    qs = MaterialVersion.objects.filter(material=material).select_related("uploaded_by")
    if user_is_trainer(user=user):
        return qs.order_by("-number")
    return qs.filter(pk=material.current_version_id)


def material_read_of(*, user: Personnel, material: Material) -> MaterialRead | None:
    return MaterialRead.objects.filter(material=material, person=user).first()


def material_reads_by_person(
    *, person_ids: Iterable[int], material_ids: Iterable[int]
) -> QuerySet[MaterialRead]:
    """Read records of these people for these materials: for a higher app's completion rule
    ("has read the module's materials"). Scoping who may ask is the caller's job."""
    return MaterialRead.objects.filter(
        person_id__in=list(person_ids), material_id__in=list(material_ids)
    )


def material_read_ids(*, user: Personnel, materials: Iterable[Material]) -> set[int]:
    """Ids among `materials` that `user` has opened: one query, for ticks on a list."""
    ids = [m.pk for m in materials]
    return set(
        MaterialRead.objects.filter(person=user, material_id__in=ids).values_list(
            "material_id", flat=True
        )
    )


def material_read_counts(*, user: Personnel, module: Module) -> dict[int, int]:
    """For a module's editors: how many people opened each material (one GROUP BY)."""
    if not module_can_edit(user=user, module=module):
        return {}
    rows = (
        MaterialRead.objects.filter(material__module=module)
        .values("material_id")
        .annotate(n=Count("id"))
    )
    return {row["material_id"]: row["n"] for row in rows}
