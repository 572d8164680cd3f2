"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group

from training.models import Material, Module, Personnel, Rank, Role, Unit

DEFAULT_PASSWORD = "rahasia-123"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"UNIT-{n:04d}")
    name = factory.Sequence(lambda n: f"Polsek Contoh {n}")
    kind = Unit.Kind.POLSEK
    timezone = "Asia/Pontianak"
    parent = None


class RankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rank
        django_get_or_create = ["code"]

    code = "BRIPKA"
    name = "Brigadir Polisi Kepala"
    abbreviation = "Bripka"
    category = Rank.Category.POLRI
    golongan = "Bintara"
    order = 10
    seniority = 110


class PersonnelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Personnel
        django_get_or_create = ["nrp"]
        skip_postgeneration_save = True

    nrp = factory.Sequence(lambda n: f"{80000000 + n:08d}")
    name = factory.Faker("name", locale="id_ID")
    position = "Bamin"
    unit = factory.SubFactory(UnitFactory)
    rank = None
    is_active = True

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in extracted))


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"modul-{n}")
    title = factory.Sequence(lambda n: f"Modul {n}")


class LinkMaterialFactory(factory.django.DjangoModelFactory):
    """A link material (no file); file materials go through `material_upload`."""

    class Meta:
        model = Material

    module = factory.SubFactory(ModuleFactory)
    kind = Material.Kind.LINK
    title = factory.Sequence(lambda n: f"Materi {n}")
    url = factory.Sequence(lambda n: f"https://example.org/materi-{n}")
    link_type = Material.LinkType.DOCUMENT
    position = factory.Sequence(lambda n: n + 1)


def _ooxml(main_part: str, content_type: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="{main_part}"/></Relationships>',
        )
        archive.writestr(main_part, '<?xml version="1.0" encoding="UTF-8"?><root/>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _image(fmt: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (91, 58, 26)).save(buffer, format=fmt)
    return buffer.getvalue()


_OOXML = "application/vnd.openxmlformats-officedocument"
SAMPLE_FILES = {
    "pdf": lambda: (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    ),
    "pptx": lambda: _ooxml(
        "ppt/presentation.xml", f"{_OOXML}.presentationml.presentation.main+xml"
    ),
    "docx": lambda: _ooxml("word/document.xml", f"{_OOXML}.wordprocessingml.document.main+xml"),
    "xlsx": lambda: _ooxml("xl/workbook.xml", f"{_OOXML}.spreadsheetml.sheet.main+xml"),
    "mp4": lambda: (
        b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
        b"\x00\x00\x00\x08free\x00\x00\x00\x10mdat" + b"\x00" * 8
    ),
    "jpg": lambda: _image("JPEG"),
    "png": lambda: _image("PNG"),
}


def sample_file(kind: str, name: str | None = None, content: bytes | None = None):
    """A small valid upload of `kind` (pdf, pptx, docx, xlsx, mp4, jpg, png), as Django's
    SimpleUploadedFile; `content` overrides the bytes (for refusal tests)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = SAMPLE_FILES[kind]() if content is None else content
    return SimpleUploadedFile(name or f"materi.{kind}", data)


__all__ = [
    "DEFAULT_PASSWORD",
    "LinkMaterialFactory",
    "ModuleFactory",
    "PersonnelFactory",
    "RankFactory",
    "Role",
    "UnitFactory",
]


# --- sessions ---------------------------------------------------------------------------------
def _two_days_ahead():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now().replace(second=0, microsecond=0) + timedelta(days=2)


def _two_hours_after(o):
    from datetime import timedelta

    return o.start_at + timedelta(hours=2)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A draft session; publish it with sessions.services.session_publish."""

    class Meta:
        model = "training_sessions.TrainingSession"

    title = factory.Sequence(lambda n: f"Polri Belajar {n}")
    host_unit = factory.SubFactory(UnitFactory)
    start_at = factory.LazyFunction(_two_days_ahead)
    end_at = factory.LazyAttribute(_two_hours_after)
    zoom_join_url = "https://us02web.zoom.us/j/81234567890?pwd=abc123"
    zoom_meeting_id = "81234567890"
    zoom_passcode = "123456"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training_sessions.Participant"

    session = factory.SubFactory(TrainingSessionFactory)
    personnel = factory.SubFactory(PersonnelFactory)
    unit = factory.LazyAttribute(lambda o: o.personnel.unit)


class ViconPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training_sessions.ViconPoint"

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Ruang Vicon {n}")
