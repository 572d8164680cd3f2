"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group

from training.models import Module, Personnel, Rank, Role, Unit

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


__all__ = [
    "DEFAULT_PASSWORD",
    "ModuleFactory",
    "PersonnelFactory",
    "RankFactory",
    "Role",
    "UnitFactory",
]
