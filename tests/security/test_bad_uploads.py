"""Every surface that accepts a file, against a corpus of bad files (tests/security/badfiles.py).

The surfaces, found in the URLconf: the personnel import (page and API), curriculum material
upload and replace (pages, the pages' XHR mode and the API), the Zoom attendance report import
(page and API) and the GIFT/Aiken question import (page and API). Each is posted to over HTTP by
a persona allowed to use it, with the file name sent byte for byte as given.

A bad file must come back as a 4xx (never a 500) with a sentence a person can act on (an import
names the line where it applies), and must leave the database and the media folder exactly as
they were. A hostile file *name* on an acceptable file may be accepted, but then whatever was
stored sits inside the storage folder under a generated name without path parts.

The per-app tests (tests/training/test_curriculum_uploads.py, test_import_personnel.py,
tests/sessions/test_zoom_*.py, tests/quizzes/test_importers.py) test the checks one by one; this
file is the cross-surface table. The world (units, personas, a module with one file, a session)
is built once for the module and rolled back at its end, so the table runs fast.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from certificates.models import IssuerProfile
from quizzes.models import Category, Choice, Question
from sessions.models import Participant, ViconConnection, ZoomImport, ZoomNameMatch
from tests.factories import (
    ModuleFactory,
    ParticipantFactory,
    PersonnelFactory,
    TrainingSessionFactory,
    sample_file,
)
from tests.security import badfiles
from tests.security.badfiles import BAD_FILES, FAMILY_EXTENSIONS, NASTY_NAMES, BadFile, NastyName
from training.models import Material, MaterialVersion, Personnel, Rank, Role, Unit
from training.reference import reference_data_load
from training.services.curriculum import material_upload

# --- The world, built once ---------------------------------------------------------------------


@dataclass
class World:
    admin: Personnel
    pelatih: Personnel
    unit_pk: int
    module_code: str
    material_pk: int
    session_pk: int


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Reference units, an Admin and a Pelatih, a module with one PDF material, and a finished
    session (15 Nov 2022, 09:00-11:00 WIB) with two participants. Rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        reference_data_load()
        units = {unit.code: unit for unit in Unit.objects.all()}
        ranks = {rank.code: rank for rank in Rank.objects.all()}
        admin = PersonnelFactory(
            unit=units["MABES"],
            rank=ranks["KOMBES-POL"],
            name="Admin Pusat",
            roles=[Role.ADMIN],
            is_staff=True,  # the back office (Django admin) takes the certificate signature
            is_superuser=True,
        )
        pelatih = PersonnelFactory(
            unit=units["POLDA-KALBAR"],
            rank=ranks["KOMPOL"],
            name="Hendra Wijaya",
            roles=[Role.PELATIH],
        )
        module = ModuleFactory(code="bahan-uji-unggahan", title="Bahan uji unggahan")
        material = material_upload(
            user=pelatih, module=module, upload=sample_file("pdf", "Materi awal.pdf")
        )
        start = datetime(2022, 11, 15, 9, 0, tzinfo=ZoneInfo("Asia/Pontianak"))
        session = TrainingSessionFactory(
            title="Polri Belajar: Cyber Crime",
            host_unit=units["POLDA-KALBAR"],
            start_at=start,
            end_at=start + timedelta(hours=2),
            status="finished",
            led_by=pelatih,
        )
        for name, unit in (
            ("Andi Saputra", "POLSEK-KAPUAS-SANGGAU"),
            ("Rina Oktaviani", "POLRES-SANGGAU"),
        ):
            person = PersonnelFactory(unit=units[unit], rank=ranks["BRIPKA"], name=name)
            ParticipantFactory(session=session, personnel=person, unit=person.unit)
        yield World(
            admin=admin,
            pelatih=pelatih,
            unit_pk=units["POLRES-SINTANG"].pk,
            module_code=module.code,
            material_pk=material.pk,
            session_pk=session.pk,
        )
        transaction.set_rollback(True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A fresh MEDIA_ROOT three levels below the folder that is watched, so a name that climbs
    out of it ("../../x") lands somewhere the snapshot sees."""
    root = tmp_path / "srv" / "polri" / "media"
    root.mkdir(parents=True)
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def english(settings):
    """Refusals are asserted in English (the msgids); people get them in Indonesian."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# --- The surfaces ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    id: str
    family: str  # which kind of file it takes: badfiles.FAMILY_EXTENSIONS
    persona: str  # "admin" or "pelatih"
    url: Callable[[World], str]
    fields: tuple[tuple[str, str], ...] = ()
    api: bool = False
    xhr: bool = False
    imports: bool = False  # an import: problems may carry line numbers

    def post(self, client: APIClient, world: World, *, filename: str, data: bytes, **fields: str):
        body, content_type = badfiles.multipart(
            {**dict(self.fields), **fields}, filename=filename, data=data
        )
        extra = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if self.xhr else {}
        return client.generic("POST", self.url(world), body, content_type=content_type, **extra)


SURFACES: tuple[Surface, ...] = (
    Surface("personnel-page", "personnel", "admin", lambda w: "/personnel/import/", imports=True),
    Surface(
        "personnel-api",
        "personnel",
        "admin",
        lambda w: "/api/v1/personnel/import/",
        api=True,
        imports=True,
    ),
    Surface(
        "material-upload-page",
        "material",
        "pelatih",
        lambda w: f"/modules/{w.module_code}/materials/upload/",
        (("title", ""),),
    ),
    Surface(
        "material-upload-xhr",
        "material",
        "pelatih",
        lambda w: f"/modules/{w.module_code}/materials/upload/",
        xhr=True,
    ),
    Surface(
        "material-upload-api",
        "material",
        "pelatih",
        lambda w: f"/api/v1/modules/{w.module_code}/materials/upload/",
        api=True,
    ),
    Surface(
        "material-replace-page",
        "material",
        "pelatih",
        lambda w: f"/modules/materials/{w.material_pk}/replace/",
    ),
    Surface(
        "material-replace-xhr",
        "material",
        "pelatih",
        lambda w: f"/modules/materials/{w.material_pk}/replace/",
        xhr=True,
    ),
    Surface(
        "material-replace-api",
        "material",
        "pelatih",
        lambda w: f"/api/v1/materials/{w.material_pk}/replace/",
        api=True,
    ),
    Surface(
        "zoom-page",
        "zoom",
        "admin",
        lambda w: f"/sessions/{w.session_pk}/zoom-import/",
        imports=True,
    ),
    Surface(
        "zoom-api",
        "zoom",
        "admin",
        lambda w: f"/api/v1/sessions/{w.session_pk}/zoom-import/",
        api=True,
        imports=True,
    ),
    Surface(
        "quiz-page",
        "quiz",
        "pelatih",
        lambda w: f"/quizzes/bank/{w.module_code}/import/",
        (("format", "gift"),),
        imports=True,
    ),
    Surface(
        "quiz-api",
        "quiz",
        "pelatih",
        lambda w: f"/api/v1/modules/{w.module_code}/questions/import/",
        (("format", "gift"),),
        api=True,
        imports=True,
    ),
)


def client_for(world: World, surface: Surface) -> APIClient:
    client = APIClient()
    client.force_login(getattr(world, surface.persona))
    client.cookies["django_language"] = "en"
    return client


# --- What "nothing was written" means -----------------------------------------------------------

COUNTED = (
    IssuerProfile,
    Personnel,
    Material,
    MaterialVersion,
    ZoomImport,
    ZoomNameMatch,
    ViconConnection,
    Question,
    Choice,
    Category,
)


def database_state(world: World) -> dict:
    state: dict = {model._meta.label: model.objects.count() for model in COUNTED}
    state["attendance"] = sorted(
        Participant.objects.values_list(
            "pk", "attendance_status", "minutes_attended", "attendance_source"
        )
    )
    state["current version"] = Material.objects.get(pk=world.material_pk).current_version_id
    return state


def files_under(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


# --- What the person is told --------------------------------------------------------------------


def api_messages(body) -> list[str]:
    """`detail`, every problem's `message` (with its line), and DRF field errors."""
    messages: list[str] = []
    if isinstance(body, dict):
        if isinstance(body.get("detail"), str):
            messages.append(body["detail"])
        for key in ("errors", "problems"):
            for problem in body.get(key) or []:
                if problem.get("kind", "error") == "error":
                    messages.append(problem["message"])
        for field in ("file", "format", "dry_run", "non_field_errors"):  # serializer errors
            errors = body.get(field)
            if isinstance(errors, list):
                messages += [item for item in errors if isinstance(item, str)]
    return messages


def page_messages(response) -> list[str]:
    """Form errors, import problems and notices the page was rendered with."""
    context = response.context
    messages: list[str] = []
    for key in ("form", "upload_form", "replace_form"):
        form = context.get(key)
        if form is not None and form.is_bound:
            messages += [str(error) for errors in form.errors.values() for error in errors]
    messages += [
        str(p) if not isinstance(p, dict) else p["message"] for p in context.get("problems") or []
    ]
    report = context.get("report")
    if report is not None:
        messages += [problem.message for problem in report.errors]
    for key in ("error", "notice"):
        if context.get(key):
            messages.append(str(context[key]))
    return messages


def messages_of(surface: Surface, response) -> list[str]:
    if surface.api:
        return api_messages(response.json())
    if surface.xhr:
        return list(response.json().get("errors", []))
    messages = page_messages(response)
    page = response.content.decode()
    for message in messages:
        # The person sees it: every refusal is on the page (escaped as the template escapes).
        assert html.escape(message) in page or message in page, message
    return messages


def line_numbers(surface: Surface, response) -> list[int]:
    """The line numbers the refusal names (an API's problem list, a page's "line N: ...")."""
    if surface.api:
        body = response.json()
        return [p["line"] for p in body.get("errors", []) + body.get("problems", []) if p["line"]]
    found = [int(n) for m in page_messages(response) for n in re.findall(r"\bline (\d+)", m, re.I)]
    found += [p["line"] for p in response.context.get("problems") or [] if isinstance(p, dict)]
    report = response.context.get("report")
    return found + [problem.line for problem in (report.errors if report else []) if problem.line]


# --- The table ----------------------------------------------------------------------------------


def _bad_file_cases():
    for bad in BAD_FILES:
        for surface in SURFACES:
            if surface.family not in bad.families:
                continue
            ext = next((e for e in bad.extensions if e in FAMILY_EXTENSIONS[surface.family]), None)
            if ext:
                yield pytest.param(surface, bad, ext, id=f"{surface.id}-{bad.id}.{ext}")


def _name_cases():
    for nasty in NASTY_NAMES:
        # The XHR mode is the same view as the page, answering in JSON: names are its business.
        for surface in (s for s in SURFACES if not s.xhr):
            ext = FAMILY_EXTENSIONS[surface.family][0]
            yield pytest.param(surface, nasty, ext, id=f"{surface.id}-{nasty.id}")


def _upload(world, surface, *, filename: str, data: bytes, limits: dict | None = None):
    client = client_for(world, surface)
    with override_settings(**(limits or {})):
        return surface.post(client, world, filename=filename, data=data)


@pytest.mark.django_db
@pytest.mark.parametrize(("surface", "bad", "ext"), list(_bad_file_cases()))
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_written(
    world: World, media: Path, surface: Surface, bad: BadFile, ext: str
):
    watched = media.parent.parent
    data = bad.build(surface.family, ext)
    before, files_before = database_state(world), files_under(watched)

    response = _upload(world, surface, filename=f"berkas.{ext}", data=data, limits=bad.settings)

    assert 400 <= response.status_code < 500, (response.status_code, response.content[:400])
    messages = messages_of(surface, response)
    assert messages and all(m.strip() for m in messages), response.content[:400]
    expected = bad.expect.get(surface.family)
    if expected:
        assert any(re.search(expected, m, flags=re.I | re.S) for m in messages), messages
    if surface.family in bad.lines:
        assert bad.lines[surface.family] in line_numbers(surface, response), messages
    assert database_state(world) == before
    assert files_under(watched) == files_before


SAFE_STORED = re.compile(
    r"^(materials/[0-9a-f]{32}/[a-z0-9-]+\.[a-z0-9]+|imports/personnel/[0-9a-f]{32}\.upload)$"
)
# What must not survive into a name kept for display: path separators, control characters,
# bidirectional overrides (which make "laporan<RLO>fdp.exe" read as "laporanexe.pdf").
UNSAFE_IN_NAMES = re.compile(r"[/\\\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]|^\.{1,2}$")


@pytest.mark.django_db
@pytest.mark.parametrize(("surface", "nasty", "ext"), list(_name_cases()))
def test_a_hostile_file_name_is_refused_or_stored_under_a_safe_generated_name(
    world: World, media: Path, surface: Surface, nasty: NastyName, ext: str
):
    watched = media.parent.parent
    before, files_before = database_state(world), files_under(watched)
    versions_before = set(MaterialVersion.objects.values_list("pk", flat=True))
    imports_before = set(ZoomImport.objects.values_list("pk", flat=True))

    response = _upload(
        world, surface, filename=nasty.name(ext), data=badfiles.valid(surface.family, ext)
    )

    assert response.status_code < 500, response.content[:400]
    new_files = files_under(watched) - files_before
    if response.status_code >= 400:
        assert messages_of(surface, response)
        assert database_state(world) == before
        assert not new_files
        return
    # Accepted: everything new is inside MEDIA_ROOT, under a generated name.
    for path in new_files:
        assert path.startswith("polri/media/"), path
        assert SAFE_STORED.match(path.removeprefix("polri/media/")), path
    for version in MaterialVersion.objects.exclude(pk__in=versions_before):
        assert SAFE_STORED.match(version.file.name), version.file.name
        assert not UNSAFE_IN_NAMES.search(version.original_name), version.original_name
    for upload in ZoomImport.objects.exclude(pk__in=imports_before):
        assert not UNSAFE_IN_NAMES.search(upload.filename), upload.filename


# --- Other encodings, where an import accepts them by design -----------------------------------

ENCODINGS = {
    "utf16-without-bom": lambda text: text.encode("utf-16-le"),
    "utf16-with-bom": lambda text: text.encode("utf-16"),
    "windows-1252": lambda text: text.encode("cp1252"),
}
# Zoom reports and question files are read in these too (Excel's "Unicode Text" and re-saves
# in an Indonesian locale); the personnel import refuses them (the table above) by design.
DECODED = {
    "zoom": (
        badfiles.zoom_csv(
            (*badfiles.ZOOM_ROWS, "José Sitompul,,11/15/2022 09:00:00 AM,11/15/2022 10:00:00 AM,60")
        ),
        "José Sitompul",
    ),
    "quiz": ("::Soal café::Apa arti kata café?{=Kedai kopi ~Kantor polisi}\n", "Soal café"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize(
    "surface", [s for s in SURFACES if s.family in DECODED], ids=lambda s: s.id
)
def test_text_in_another_encoding_is_decoded_where_the_import_accepts_it(
    world: World, media: Path, surface: Surface, encoding: str
):
    text, name = DECODED[surface.family]
    extra = {"dry_run": "true"} if surface.api else {}
    response = surface.post(
        client_for(world, surface),
        world,
        filename=f"berkas.{FAMILY_EXTENSIONS[surface.family][0]}",
        data=ENCODINGS[encoding](text),
        **extra,
    )
    assert response.status_code == 200, response.content[:400]
    # The name arrives with its accent intact: decoded, not replaced by "?" or "Ã©".
    assert name in response.content.decode(), response.content[:400]


# --- The back office: the certificate signature image (Django admin) ---------------------------

ADMIN_ADD_URL = "/admin/certificates/issuerprofile/add/"
SIGNATURE_FIELDS = {
    "heading": "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
    "signatory_name": "Drs. Budi Santoso",
    "signatory_position": "KAPOLRES SINTANG",
}
NOT_IMAGES = {
    "windows-program": badfiles.PE,
    "shell-script": badfiles.SHELL,
    "html-with-script": badfiles.HTML_SCRIPT,
    "svg-with-script": badfiles.SVG_SCRIPT,
    "png-truncated": badfiles.PNG_1PX[:40],
    "png-pixel-bomb": badfiles.png_pixel_bomb(),
    "binary-garbage": badfiles.binary_garbage(),
}


def _admin_post(world: World, *, filename: str, data: bytes):
    client = APIClient()
    client.force_login(world.admin)
    client.cookies["django_language"] = "en"
    fields = {**SIGNATURE_FIELDS, "unit": str(world.unit_pk)}
    body, content_type = badfiles.multipart(
        fields, filename=filename, data=data, file_field="signature_image"
    )
    return client.generic("POST", ADMIN_ADD_URL, body, content_type=content_type)


@pytest.mark.django_db
@pytest.mark.parametrize("data", list(NOT_IMAGES.values()), ids=list(NOT_IMAGES))
def test_the_signature_image_in_the_back_office_refuses_what_is_not_an_image(
    world: World, media: Path, data: bytes
):
    watched = media.parent.parent
    before, files_before = database_state(world), files_under(watched)

    response = _admin_post(world, filename="tanda-tangan.png", data=data)

    # Django admin answers a form with errors with 200 and the form again (its convention for
    # every admin form); what matters is no 500, the reason shown, and nothing kept.
    assert response.status_code == 200, response.status_code
    errors = response.context["adminform"].form.errors
    assert "Upload a valid image" in str(errors["signature_image"]), errors
    assert "errornote" in response.content.decode()
    assert database_state(world) == before
    assert files_under(watched) == files_before


@pytest.mark.django_db
@pytest.mark.parametrize("nasty", NASTY_NAMES, ids=lambda n: n.id)
def test_the_signature_image_is_stored_under_a_safe_name_whatever_it_was_called(
    world: World, media: Path, nasty: NastyName
):
    watched = media.parent.parent
    files_before = files_under(watched)

    response = _admin_post(world, filename=nasty.name("png"), data=badfiles.PNG_1PX)

    assert response.status_code in (200, 302), response.status_code
    new_files = files_under(watched) - files_before
    profile = IssuerProfile.objects.filter(unit_id=world.unit_pk).first()
    if profile is None or not profile.signature_image:  # no usable name: no file kept
        assert not new_files
        return
    stored = profile.signature_image.name
    assert stored.startswith("certificates/signatures/") and stored.count("/") == 2, stored
    assert not UNSAFE_IN_NAMES.search(stored.rsplit("/", 1)[-1]), stored
    assert new_files == {f"polri/media/{stored}"}


def test_a_display_name_drops_bidirectional_overrides_whoever_passes_it():
    """Django's upload parser already drops them; the service is also called from elsewhere."""
    from training.uploads import FILE_TYPES, display_name

    shown = display_name("laporan\u202efdp.exe.pdf", file_type=FILE_TYPES["pdf"])
    assert shown == "laporanfdp.exe.pdf"
    assert not UNSAFE_IN_NAMES.search(shown)
