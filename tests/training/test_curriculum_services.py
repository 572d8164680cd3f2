"""Curriculum services and selectors: permissions, uploads, versions, order, reads, the seed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    SAMPLE_FILES,
    LinkMaterialFactory,
    ModuleFactory,
    PersonnelFactory,
    sample_file,
)
from training.access import (
    module_usages,
    register_module_access_provider,
    register_module_usage_provider,
    unregister_module_access_provider,
    unregister_module_usage_provider,
)
from training.errors import ApplicationError
from training.models import Material, MaterialRead, MaterialVersion, Module, Role
from training.selectors import (
    material_get_for,
    material_versions_visible_to,
    materials_readable_by,
    module_can_edit,
    modules_visible_to,
)
from training.services.curriculum import (
    CYBER_CRIME_CURRICULUM,
    curriculum_seed,
    material_link_create,
    material_move,
    material_open,
    material_reorder,
    material_replace,
    material_set_active,
    material_update,
    material_upload,
    module_create,
    module_update,
)
from training.uploads import UploadRefused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def module(pelatih):
    return module_create(
        user=pelatih,
        code="siber-dasar",
        title="Dasar Kejahatan Siber",
        objectives="Memahami modus\n\n  Mengenali  pelaku \nMemahami modus",
        tags="Cyber Crime, hukum , cyber crime",
        hours=2,
    )


def stored_folders() -> set[str]:
    return (
        set(default_storage.listdir("materials")[0])
        if default_storage.exists("materials")
        else set()
    )


def upload(user, module, kind="pdf", **kwargs):
    return material_upload(user=user, module=module, upload=sample_file(kind), **kwargs)


# --- Modules ------------------------------------------------------------------------------


def test_a_trainer_creates_a_module_and_owns_it(module, pelatih):
    assert module.owner == pelatih
    assert module.objectives == ["Memahami modus", "Mengenali pelaku"]
    assert module.tags == ["cyber crime", "hukum"]
    assert module.hours == 2


@pytest.mark.parametrize("persona", ["peserta", "operator", "pimpinan"])
def test_only_trainers_and_admins_create_modules(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        module_create(user=user, code="x-1", title="X")
    assert not Module.objects.filter(code="x-1").exists()


@pytest.mark.parametrize(
    ("code", "title", "hours", "message"),
    [
        ("Bad Code!", "T", 1, "lowercase letters"),
        ("new", "T", 1, "reserved"),
        ("materials", "T", 1, "reserved"),
        ("ok-code", "   ", 1, "title"),
        ("ok-code", "T", 0, "between 1 and"),
        ("ok-code", "T", "dua", "whole number"),
    ],
)
def test_module_create_refuses_bad_input(admin_user, code, title, hours, message):
    with pytest.raises(ApplicationError) as info:
        module_create(user=admin_user, code=code, title=title, hours=hours)
    assert message in info.value.message


def test_module_codes_are_unique(module, admin_user):
    with pytest.raises(ApplicationError, match="already exists"):
        module_create(user=admin_user, code="siber-dasar", title="Lagi")


def test_owner_or_admin_edits_but_not_another_trainer(module, pelatih, admin_user, units):
    other = PersonnelFactory(unit=units["POLRES-SANGGAU"], roles=[Role.PELATIH])
    assert module_can_edit(user=pelatih, module=module)
    assert module_can_edit(user=admin_user, module=module)
    assert not module_can_edit(user=other, module=module)
    with pytest.raises(PermissionDenied):
        module_update(user=other, module=module, title="Dibajak")
    module_update(user=admin_user, module=module, title="Judul Baru", owner=other)
    module.refresh_from_db()
    assert module.title == "Judul Baru" and module.owner == other


def test_only_an_admin_changes_the_owner(module, pelatih, admin_user):
    with pytest.raises(PermissionDenied):
        module_update(user=pelatih, module=module, owner=admin_user)


def test_the_owner_must_be_a_trainer(module, admin_user, peserta):
    with pytest.raises(ApplicationError, match="trainer"):
        module_update(user=admin_user, module=module, owner=peserta)


def test_an_unowned_module_is_shared_by_all_trainers(pelatih, peserta):
    shared = ModuleFactory(owner=None)
    assert module_can_edit(user=pelatih, module=shared)
    assert not module_can_edit(user=peserta, module=shared)


# --- Who reads what -----------------------------------------------------------------------


def test_trainers_and_admins_read_every_module_commanders_the_active_ones(
    pelatih, pimpinan, admin_user, outsider
):
    active = ModuleFactory()
    retired = ModuleFactory(is_active=False)
    for user in (pelatih, admin_user):
        assert set(modules_visible_to(user=user)) >= {active, retired}
    for commander in (pimpinan, outsider):
        visible = set(modules_visible_to(user=commander))
        assert active in visible and retired not in visible


def test_personnel_read_only_modules_of_sessions_they_are_invited_to(peserta, operator, invite):
    invited = ModuleFactory()
    other = ModuleFactory()
    assert list(modules_visible_to(user=peserta)) == []
    invite(peserta, invited)
    assert list(modules_visible_to(user=peserta)) == [invited]
    assert list(modules_visible_to(user=operator)) == []  # not invited
    assert other not in modules_visible_to(user=peserta)


def test_an_invitation_reaches_a_retired_module(peserta, invite):
    retired = ModuleFactory(is_active=False)
    invite(peserta, retired)
    assert list(modules_visible_to(user=peserta)) == [retired]


def test_providers_may_return_ids_or_value_queries(peserta):
    first, second = ModuleFactory(), ModuleFactory()

    def by_ids(user):
        return [first.pk]

    def by_values(user):
        return Module.objects.filter(pk=second.pk).values_list("pk", flat=True)

    register_module_access_provider(by_ids)
    register_module_access_provider(by_values)
    try:
        assert set(modules_visible_to(user=peserta)) == {first, second}
    finally:
        unregister_module_access_provider(by_ids)
        unregister_module_access_provider(by_values)


def test_visibility_costs_one_query_with_a_provider(peserta, invite):
    module = ModuleFactory()
    invite(peserta, module)
    peserta.role_names  # roles are cached per user object  # noqa: B018
    with CaptureQueriesContext(connection) as ctx:
        assert list(materials_readable_by(user=peserta)) == []
    assert len(ctx.captured_queries) == 1


def test_inactive_users_read_nothing(pelatih):
    ModuleFactory()
    pelatih.is_active = False
    assert list(modules_visible_to(user=pelatih)) == []


def test_usage_providers_list_where_a_module_was_used(module, peserta):
    class Usage:
        def __str__(self):
            return "Polri Belajar 12"

        def get_absolute_url(self):
            return "/sessions/12/"

    def provider(*, module, user):
        return [Usage()]

    register_module_usage_provider(provider)
    try:
        assert [str(u) for u in module_usages(module=module, user=peserta)] == ["Polri Belajar 12"]
    finally:
        unregister_module_usage_provider(provider)


# --- Uploads and versions -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["pdf", "pptx", "docx", "xlsx", "mp4", "jpg", "png"])
def test_uploading_each_type_stores_version_one(module, pelatih, kind):
    material = upload(pelatih, module, kind, title="Materi")
    version = material.current_version
    assert version.number == 1
    assert version.file_type == {"jpg": "jpeg"}.get(kind, kind)
    assert version.original_name == f"materi.{kind}"
    assert version.file.name.startswith("materials/")
    assert default_storage.exists(version.file.name)
    assert material.position == 1 and material.kind == Material.Kind.FILE


def test_the_title_defaults_to_the_file_name(module, pelatih):
    material = material_upload(
        user=pelatih, module=module, upload=sample_file("pdf", "Bahan Ajar Siber.pdf")
    )
    assert material.title == "Bahan Ajar Siber"


def test_a_refused_upload_stores_nothing(module, pelatih, settings):
    before = stored_folders()
    with pytest.raises(UploadRefused, match="Windows program"):
        material_upload(
            user=pelatih,
            module=module,
            upload=sample_file("pdf", "materi.pdf", content=b"MZ" + b"\x00" * 100),
        )
    settings.MATERIAL_MAX_UPLOAD_BYTES = 1000
    padded = SAMPLE_FILES["pdf"]() + b" " * 1000
    with pytest.raises(UploadRefused, match="limit"):
        material_upload(user=pelatih, module=module, upload=sample_file("pdf", content=padded))
    assert stored_folders() == before
    assert not Material.objects.exists()


def test_only_editors_upload(module, pimpinan, peserta, units):
    other_trainer = PersonnelFactory(unit=units["POLDA-KALBAR"], roles=[Role.PELATIH])
    for user in (pimpinan, peserta, other_trainer):
        with pytest.raises(PermissionDenied):
            upload(user, module)
    assert not Material.objects.exists()


def test_replacing_keeps_earlier_versions_for_trainers(module, pelatih, pimpinan, peserta, invite):
    material = upload(pelatih, module, "pptx", title="Slide")
    first = material.current_version
    second = material_replace(user=pelatih, material=material, upload=sample_file("pdf"))
    material.refresh_from_db()
    assert second.number == 2 and material.current_version == second
    assert default_storage.exists(first.file.name) and default_storage.exists(second.file.name)
    assert first.file.name != second.file.name
    assert list(material_versions_visible_to(user=pelatih, material=material)) == [second, first]
    invite(peserta, module)
    assert list(material_versions_visible_to(user=peserta, material=material)) == [second]
    assert list(material_versions_visible_to(user=pimpinan, material=material)) == [second]


def test_a_link_cannot_be_replaced_by_a_file(module, pelatih):
    link = material_link_create(
        user=pelatih, module=module, title="Video", url="https://youtu.be/abc", link_type="video"
    )
    with pytest.raises(ApplicationError, match="link"):
        material_replace(user=pelatih, material=link, upload=sample_file("pdf"))
    assert not MaterialVersion.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/a.pdf", "file:///etc/passwd", "example.org", ""],
)
def test_links_must_be_http_or_https(module, pelatih, url):
    with pytest.raises(ApplicationError):
        material_link_create(user=pelatih, module=module, title="L", url=url)
    assert not Material.objects.exists()


def test_editing_a_material(module, pelatih):
    link = material_link_create(user=pelatih, module=module, title="L", url="https://a.example")
    material_update(user=pelatih, material=link, title="Baru", url="https://b.example")
    link.refresh_from_db()
    assert (link.title, link.url) == ("Baru", "https://b.example")
    file = upload(pelatih, module)
    with pytest.raises(ApplicationError):
        material_update(user=pelatih, material=file, url="https://c.example")


# --- Order --------------------------------------------------------------------------------


def test_reorder_puts_materials_in_the_given_order(module, pelatih):
    a, b, c = (upload(pelatih, module, title=t) for t in "ABC")
    material_reorder(user=pelatih, module=module, material_ids=[c.pk, a.pk, b.pk])
    titles = [m.title for m in module.materials.order_by("position")]
    assert titles == ["C", "A", "B"]


@pytest.mark.parametrize("ids", ["missing", "duplicate", "foreign"])
def test_reorder_must_name_each_material_once(module, pelatih, ids):
    a, b = upload(pelatih, module), upload(pelatih, module)
    foreign = LinkMaterialFactory()
    wanted = {"missing": [a.pk], "duplicate": [a.pk, a.pk, b.pk], "foreign": [a.pk, foreign.pk]}
    with pytest.raises(ApplicationError, match="exactly once"):
        material_reorder(user=pelatih, module=module, material_ids=wanted[ids])
    assert [m.pk for m in module.materials.order_by("position")] == [a.pk, b.pk]


def test_reorder_is_for_editors(module, pelatih, pimpinan):
    a = upload(pelatih, module)
    with pytest.raises(PermissionDenied):
        material_reorder(user=pimpinan, module=module, material_ids=[a.pk])


def test_move_up_and_down_and_archive(module, pelatih):
    a, b, c = (upload(pelatih, module, title=t) for t in "ABC")
    material_move(user=pelatih, material=c, direction="up")
    assert [m.title for m in module.materials.order_by("position")] == ["A", "C", "B"]
    material_move(user=pelatih, material=a, direction="up")  # already first: no change
    assert [m.title for m in module.materials.order_by("position")] == ["A", "C", "B"]
    material_set_active(user=pelatih, material=a, is_active=False)
    material_reorder(user=pelatih, module=module, material_ids=[b.pk, c.pk])
    material_set_active(user=pelatih, material=a, is_active=True)
    order = [m.title for m in module.materials.filter(is_active=True).order_by("position")]
    assert order == ["B", "C", "A"]


# --- Reading ------------------------------------------------------------------------------


def test_opening_records_first_and_last_time(module, pelatih, peserta, invite):
    material = upload(pelatih, module)
    invite(peserta, module)
    first = material_open(user=peserta, material=material)
    again = material_open(user=peserta, material=material)
    assert again.pk == first.pk
    assert again.first_opened_at == first.first_opened_at
    assert again.last_opened_at >= first.last_opened_at
    assert again.open_count == 2
    assert MaterialRead.objects.filter(person=peserta).count() == 1


def test_opening_is_refused_to_someone_who_may_not_read(module, pelatih, peserta, operator):
    material = upload(pelatih, module)
    for user in (peserta, operator):
        with pytest.raises(PermissionDenied):
            material_open(user=user, material=material)
    assert not MaterialRead.objects.exists()


def test_archived_materials_are_hidden_from_personnel(module, pelatih, peserta, invite):
    material = upload(pelatih, module)
    invite(peserta, module)
    material_set_active(user=pelatih, material=material, is_active=False)
    assert material_get_for(user=peserta, pk=material.pk) is None
    assert material_get_for(user=pelatih, pk=material.pk) == material


# --- Seed ---------------------------------------------------------------------------------


def test_the_seed_creates_the_cyber_crime_curriculum_once(pelatih):
    modules = curriculum_seed()
    titles = [m.title for m in modules]
    assert titles == [
        "Gambaran Umum Cyber Crime",
        "Penetrasi Penggunaan Internet Tahun 2022",
        "Pengelompokan Pengguna Internet berdasarkan Media Sosial yang Sering Dikunjungi",
        "Tindak Pidana dan Karakteristik Cyber Crime",
        "IT Revolution Impact: Transaksi 24 Jam Non-Stop",
        "Disrupsi Penegakan Hukum",
    ]
    assert all(m.hours >= 1 and len(m.objectives) >= 3 and m.owner is None for m in modules)
    # A trainer's edit survives a second seed.
    module_update(user=pelatih, module=modules[0], title="Gambaran Umum (revisi)")
    again = curriculum_seed()
    assert Module.objects.count() == len(CYBER_CRIME_CURRICULUM) == 6
    assert again[0].title == "Gambaran Umum (revisi)"


def test_the_demo_seed_signal_seeds_the_curriculum(db):
    from training.signals import demo_data_seeded

    lines = []
    demo_data_seeded.send(sender=None, stdout=lines.append, scale="demo")
    assert Module.objects.filter(code__startswith="cyber-").count() == 6
    assert any("Curriculum" in line for line in lines)
