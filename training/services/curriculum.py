"""State changes for modules and materials.

Permission rules live in training.selectors.curriculum (`module_can_create`, `module_can_edit`,
`material_get_for`); every service here checks them and raises `PermissionDenied` for a wrong
role and `ApplicationError` for bad input, so HTML views and the API behave alike.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from training.errors import ApplicationError
from training.models import Material, MaterialRead, MaterialVersion, Module, Personnel, Role
from training.selectors.curriculum import (
    material_get_for,
    module_can_create,
    module_can_edit,
)
from training.uploads import Inspection, display_name, inspect_upload, storage_name

CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Path segments of the module pages that a module code must not shadow.
RESERVED_CODES = frozenset({"new", "materials"})
MAX_TAGS = 20
MAX_HOURS = 200


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --- Modules ------------------------------------------------------------------------------


def _clean_lines(values: Iterable[str] | str) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    seen: list[str] = []
    for value in values:
        text = " ".join(str(value).split())
        if text and text not in seen:
            seen.append(text)
    return seen


def _clean_tags(values: Iterable[str] | str) -> list[str]:
    if isinstance(values, str):
        values = values.split(",")
    tags = [tag.lower() for tag in _clean_lines(values)]
    tags = list(dict.fromkeys(tags))
    if len(tags) > MAX_TAGS:
        raise ApplicationError(_("A module may have at most %(max)s tags.") % {"max": MAX_TAGS})
    if any(len(tag) > 40 for tag in tags):
        raise ApplicationError(_("A tag may be at most 40 characters long."))
    return tags


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ApplicationError(_("Give a title."))
    if len(title) > 255:
        raise ApplicationError(_("The title may be at most 255 characters long."))
    return title


def _clean_hours(hours: int) -> int:
    try:
        hours = int(hours)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("Hours (JP) must be a whole number.")) from exc
    if not 1 <= hours <= MAX_HOURS:
        raise ApplicationError(_("Hours (JP) must be between 1 and %(max)s.") % {"max": MAX_HOURS})
    return hours


def _check_owner(owner: Personnel | None) -> None:
    if owner is not None and not (owner.is_admin or owner.has_role(Role.PELATIH)):
        raise ApplicationError(_("The owner of a module must be a trainer."))


@transaction.atomic
def module_create(
    *,
    user: Personnel,
    code: str,
    title: str,
    summary: str = "",
    objectives: Iterable[str] | str = (),
    tags: Iterable[str] | str = (),
    hours: int = 1,
    is_active: bool = True,
    owner: Personnel | None | _Unset = UNSET,
) -> Module:
    """Create a module. Trainers and admins only; the creator owns it unless an admin names
    another trainer (or nobody) as `owner`."""
    if not module_can_create(user=user):
        raise PermissionDenied(_("Only trainers and administrators may create modules."))
    code = (code or "").strip().lower()
    if not CODE_RE.match(code) or len(code) > 64:
        raise ApplicationError(
            _("The code may contain only lowercase letters, digits and dashes (at most 64).")
        )
    if code in RESERVED_CODES:
        raise ApplicationError(_("The code “%(code)s” is reserved.") % {"code": code})
    if owner is UNSET or not user.is_admin:
        owner = user
    _check_owner(owner)
    if Module.objects.filter(code=code).exists():
        raise ApplicationError(_("A module with code “%(code)s” already exists.") % {"code": code})
    module = Module(
        code=code,
        title=_clean_title(title),
        summary=(summary or "").strip(),
        objectives=_clean_lines(objectives),
        tags=_clean_tags(tags),
        hours=_clean_hours(hours),
        is_active=is_active,
        owner=owner,
    )
    try:
        with transaction.atomic():
            module.save()
    except IntegrityError as exc:  # a concurrent create won the code
        raise ApplicationError(
            _("A module with code “%(code)s” already exists.") % {"code": code}
        ) from exc
    return module


@transaction.atomic
def module_update(
    *,
    user: Personnel,
    module: Module,
    title: str | _Unset = UNSET,
    summary: str | _Unset = UNSET,
    objectives: Iterable[str] | str | _Unset = UNSET,
    tags: Iterable[str] | str | _Unset = UNSET,
    hours: int | _Unset = UNSET,
    is_active: bool | _Unset = UNSET,
    owner: Personnel | None | _Unset = UNSET,
) -> Module:
    """Change the given fields (others stay). The code never changes: sessions and links refer
    to it. Only admins hand a module to another owner."""
    if not module_can_edit(user=user, module=module):
        raise PermissionDenied(_("You may not edit this module."))
    changed: list[str] = []
    if title is not UNSET:
        module.title = _clean_title(title)
        changed.append("title")
    if summary is not UNSET:
        module.summary = (summary or "").strip()
        changed.append("summary")
    if objectives is not UNSET:
        module.objectives = _clean_lines(objectives)
        changed.append("objectives")
    if tags is not UNSET:
        module.tags = _clean_tags(tags)
        changed.append("tags")
    if hours is not UNSET:
        module.hours = _clean_hours(hours)
        changed.append("hours")
    if is_active is not UNSET:
        module.is_active = bool(is_active)
        changed.append("is_active")
    if owner is not UNSET and owner != module.owner:
        if not user.is_admin:
            raise PermissionDenied(_("Only an administrator may change the owner of a module."))
        _check_owner(owner)
        module.owner = owner
        changed.append("owner")
    if changed:
        module.save(update_fields=[*changed, "updated_at"])
    return module


# --- Materials ----------------------------------------------------------------------------


def _require_editor(*, user: Personnel, module: Module) -> None:
    if not module_can_edit(user=user, module=module):
        raise PermissionDenied(_("You may not change the materials of this module."))


def _inspect(upload: File) -> Inspection:
    if upload is None:
        raise ApplicationError(_("Choose a file to upload."))
    return inspect_upload(
        upload,
        name=upload.name or "",
        size=upload.size or 0,
        max_bytes=settings.MATERIAL_MAX_UPLOAD_BYTES,
    )


def _store(upload: File, inspection: Inspection) -> str:
    upload.seek(0)
    return default_storage.save(
        storage_name(upload.name or "", file_type=inspection.file_type), upload
    )


def _add_version(
    *, material: Material, upload: File, inspection: Inspection, stored: str, user: Personnel
) -> MaterialVersion:
    """Create the next version (caller holds the material row lock) and make it current."""
    last = material.versions.aggregate(n=Max("number"))["n"] or 0
    version = MaterialVersion.objects.create(
        material=material,
        number=last + 1,
        file=stored,
        original_name=display_name(upload.name or "", file_type=inspection.file_type),
        file_type=inspection.code,
        content_type=inspection.content_type,
        size=inspection.size,
        sha256=inspection.sha256,
        uploaded_by=user,
    )
    material.current_version = version
    material.save(update_fields=["current_version", "updated_at"])
    return version


def _next_position(module: Module) -> int:
    return (module.materials.aggregate(n=Max("position"))["n"] or 0) + 1


def material_upload(
    *,
    user: Personnel,
    module: Module,
    upload: File,
    title: str = "",
    description: str = "",
) -> Material:
    """Validate `upload` by content, store it under a fresh name and add it as the module's last
    material (version 1). Refusals raise `ApplicationError` (`UploadRefused`) with the reason;
    nothing is stored then. If the database write fails, the stored file is removed again."""
    _require_editor(user=user, module=module)
    inspection = _inspect(upload)
    if not (title or "").strip():
        title = display_name(upload.name or "", file_type=inspection.file_type).rsplit(".", 1)[0]
    title = _clean_title(title)
    stored = _store(upload, inspection)
    try:
        with transaction.atomic():
            Module.objects.select_for_update().filter(pk=module.pk).first()
            material = Material.objects.create(
                module=module,
                kind=Material.Kind.FILE,
                title=title,
                description=(description or "").strip(),
                position=_next_position(module),
                created_by=user,
            )
            _add_version(
                material=material, upload=upload, inspection=inspection, stored=stored, user=user
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return material


def material_replace(*, user: Personnel, material: Material, upload: File) -> MaterialVersion:
    """Upload a new version of a file material. Earlier versions stay stored and listed for
    trainers; personnel get the new one from now on."""
    _require_editor(user=user, module=material.module)
    if material.kind != Material.Kind.FILE:
        raise ApplicationError(_("This material is a link; edit its address instead."))
    inspection = _inspect(upload)
    stored = _store(upload, inspection)
    try:
        with transaction.atomic():
            locked = Material.objects.select_for_update().get(pk=material.pk)
            version = _add_version(
                material=locked, upload=upload, inspection=inspection, stored=stored, user=user
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    material.current_version = version
    return version


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ApplicationError(_("Give the address (URL) of the link."))
    if len(url) > 1000:
        raise ApplicationError(_("The address may be at most 1000 characters long."))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ApplicationError(
            _("Give a complete web address starting with http:// or https://.")
        ) from exc
    return url


def _clean_link_type(link_type: str) -> str:
    if link_type not in Material.LinkType.values:
        raise ApplicationError(_("A link is either a video or a document."))
    return link_type


@transaction.atomic
def material_link_create(
    *,
    user: Personnel,
    module: Module,
    title: str,
    url: str,
    link_type: str = Material.LinkType.DOCUMENT,
    description: str = "",
) -> Material:
    """Add an external link (a video or a document elsewhere, http/https only)."""
    _require_editor(user=user, module=module)
    Module.objects.select_for_update().filter(pk=module.pk).first()
    return Material.objects.create(
        module=module,
        kind=Material.Kind.LINK,
        title=_clean_title(title),
        description=(description or "").strip(),
        url=_clean_url(url),
        link_type=_clean_link_type(link_type),
        position=_next_position(module),
        created_by=user,
    )


@transaction.atomic
def material_update(
    *,
    user: Personnel,
    material: Material,
    title: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    url: str | _Unset = UNSET,
    link_type: str | _Unset = UNSET,
) -> Material:
    _require_editor(user=user, module=material.module)
    changed: list[str] = []
    if title is not UNSET:
        material.title = _clean_title(title)
        changed.append("title")
    if description is not UNSET:
        material.description = (description or "").strip()
        changed.append("description")
    if url is not UNSET or link_type is not UNSET:
        if material.kind != Material.Kind.LINK:
            raise ApplicationError(_("Only a link has an address; upload a new file instead."))
        if url is not UNSET:
            material.url = _clean_url(url)
            changed.append("url")
        if link_type is not UNSET:
            material.link_type = _clean_link_type(link_type)
            changed.append("link_type")
    if changed:
        material.save(update_fields=[*changed, "updated_at"])
    return material


@transaction.atomic
def material_set_active(*, user: Personnel, material: Material, is_active: bool) -> Material:
    """Archive a material (hidden from personnel, files and read records kept) or restore it."""
    _require_editor(user=user, module=material.module)
    if material.is_active != is_active:
        material.is_active = is_active
        update = ["is_active", "updated_at"]
        if is_active:  # back at the end of the list
            material.position = _next_position(material.module)
            update.append("position")
        material.save(update_fields=update)
    return material


@transaction.atomic
def material_reorder(
    *, user: Personnel, module: Module, material_ids: Sequence[int]
) -> list[Material]:
    """Put the module's active materials in the order given. `material_ids` must name each of
    them exactly once. Archived materials keep their place after the active ones."""
    _require_editor(user=user, module=module)
    Module.objects.select_for_update().filter(pk=module.pk).first()
    try:
        wanted = [int(pk) for pk in material_ids]
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("The new order must be a list of material ids.")) from exc
    materials = {m.pk: m for m in module.materials.filter(is_active=True)}
    if len(wanted) != len(set(wanted)) or set(wanted) != set(materials):
        raise ApplicationError(
            _("The new order must list each material of the module exactly once.")
        )
    changed = []
    for position, pk in enumerate(wanted, start=1):
        material = materials[pk]
        if material.position != position:
            material.position = position
            changed.append(material)
    Material.objects.bulk_update(changed, ["position"])
    return [materials[pk] for pk in wanted]


def material_move(*, user: Personnel, material: Material, direction: str) -> list[Material]:
    """Move an active material one place up or down (the page's arrow buttons)."""
    if direction not in ("up", "down"):
        raise ApplicationError(_("A material moves either up or down."))
    if not material.is_active:
        raise ApplicationError(_("Restore the material before moving it."))
    order = list(
        material.module.materials.filter(is_active=True)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = order.index(material.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return material_reorder(user=user, module=material.module, material_ids=order)


def material_open(*, user: Personnel, material: Material) -> MaterialRead:
    """Record that `user` opened `material` (first time kept, last time and count updated).
    Refuses (PermissionDenied) a user who may not read it. Safe under concurrent opens."""
    if material_get_for(user=user, pk=material.pk) is None:
        raise PermissionDenied(_("You may not read this material."))
    now = timezone.now()
    reads = MaterialRead.objects.filter(material=material, person=user)
    if not reads.update(last_opened_at=now, open_count=F("open_count") + 1):
        try:
            with transaction.atomic():
                return MaterialRead.objects.create(
                    material=material, person=user, first_opened_at=now, last_opened_at=now
                )
        except IntegrityError:  # opened twice at once: the other request created the row
            reads.update(last_opened_at=now, open_count=F("open_count") + 1)
    return reads.get()


# --- Seed ---------------------------------------------------------------------------------

CYBER_CRIME_CURRICULUM: list[dict[str, Any]] = [
    {
        "code": "cyber-01-gambaran-umum",
        "title": "Gambaran Umum Cyber Crime",
        "hours": 2,
        "summary": (
            "Pengertian cyber crime, perkembangannya, dan mengapa kejahatan siber menjadi "
            "tantangan bagi Polri."
        ),
        "objectives": [
            "Menjelaskan pengertian cyber crime dan ruang lingkupnya.",
            "Membedakan kejahatan dengan komputer sebagai sarana dan sebagai sasaran.",
            "Menguraikan perkembangan kejahatan siber di Indonesia.",
        ],
        "tags": ["cyber crime", "pengantar"],
    },
    {
        "code": "cyber-02-penetrasi-internet-2022",
        "title": "Penetrasi Penggunaan Internet Tahun 2022",
        "hours": 1,
        "summary": (
            "Tingkat penetrasi dan jumlah pengguna internet Indonesia tahun 2022 serta "
            "sebarannya menurut wilayah dan kelompok usia."
        ),
        "objectives": [
            "Menyebutkan tingkat penetrasi internet di Indonesia tahun 2022.",
            "Membaca sebaran pengguna internet menurut wilayah dan kelompok usia.",
            "Mengaitkan pertumbuhan pengguna internet dengan potensi kejahatan siber.",
        ],
        "tags": ["cyber crime", "internet", "data"],
    },
    {
        "code": "cyber-03-pengguna-media-sosial",
        "title": (
            "Pengelompokan Pengguna Internet berdasarkan Media Sosial yang Sering Dikunjungi"
        ),
        "hours": 1,
        "summary": (
            "Pengelompokan pengguna internet menurut media sosial yang paling sering "
            "dikunjungi dan pola penggunaannya."
        ),
        "objectives": [
            "Mengenali media sosial yang paling sering dikunjungi pengguna internet Indonesia.",
            "Mengelompokkan pengguna menurut platform dan pola penggunaan.",
            "Mengidentifikasi modus kejahatan yang memanfaatkan media sosial.",
        ],
        "tags": ["cyber crime", "media sosial"],
    },
    {
        "code": "cyber-04-tindak-pidana-karakteristik",
        "title": "Tindak Pidana dan Karakteristik Cyber Crime",
        "hours": 2,
        "summary": (
            "Jenis-jenis tindak pidana siber, dasar hukumnya dalam UU ITE, dan karakteristik "
            "yang membedakannya dari kejahatan konvensional."
        ),
        "objectives": [
            "Menyebutkan jenis-jenis tindak pidana siber beserta dasar hukumnya dalam UU ITE.",
            "Menjelaskan karakteristik cyber crime: lintas batas, anonim, dan berlangsung cepat.",
            "Menentukan langkah awal penanganan laporan tindak pidana siber.",
        ],
        "tags": ["cyber crime", "hukum", "uu ite"],
    },
    {
        "code": "cyber-05-transaksi-24-jam",
        "title": "IT Revolution Impact: Transaksi 24 Jam Non-Stop",
        "hours": 1,
        "summary": (
            "Dampak revolusi teknologi informasi: transaksi digital berlangsung 24 jam tanpa "
            "henti, beserta celah kejahatan yang menyertainya."
        ),
        "objectives": [
            "Menjelaskan perubahan pola transaksi akibat layanan digital 24 jam.",
            "Mengenali modus penipuan dan kejahatan pada transaksi elektronik.",
            "Menyampaikan imbauan pencegahan kepada masyarakat.",
        ],
        "tags": ["cyber crime", "transaksi elektronik"],
    },
    {
        "code": "cyber-06-disrupsi-penegakan-hukum",
        "title": "Disrupsi Penegakan Hukum",
        "hours": 2,
        "summary": (
            "Bagaimana disrupsi teknologi mengubah cara Polri menegakkan hukum, dari "
            "penyelidikan hingga pembuktian digital."
        ),
        "objectives": [
            "Menjelaskan dampak disrupsi teknologi terhadap penegakan hukum.",
            "Menguraikan peran bukti elektronik dan digital forensik dalam pembuktian.",
            "Merumuskan kebutuhan peningkatan kemampuan personel menghadapi kejahatan siber.",
        ],
        "tags": ["cyber crime", "penegakan hukum", "digital forensik"],
    },
]


@transaction.atomic
def curriculum_seed() -> list[Module]:
    """Create the cyber-crime curriculum presented at Polri Belajar Polda Kalbar. Idempotent:
    modules that exist (by code) are left as trainers edited them. The seeded modules have no
    owner, so every trainer may maintain them."""
    modules = []
    for entry in CYBER_CRIME_CURRICULUM:
        defaults = {key: value for key, value in entry.items() if key != "code"}
        module, _created = Module.objects.get_or_create(code=entry["code"], defaults=defaults)
        modules.append(module)
    return modules
