"""Fixtures shared by the whole suite.

The organisation used by most tests is the real one (reference data): Polda Kalbar with its
Polres, Polres Sanggau with its Polsek. The personas are people in it, one per role.
"""

import pytest
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD, PersonnelFactory
from training.models import Rank, Role, Unit
from training.reference import reference_data_load


@pytest.fixture
def reference_data(db):
    reference_data_load()


@pytest.fixture
def units(reference_data) -> dict[str, Unit]:
    """The reference units by code, e.g. units["POLRES-SANGGAU"], units["POLSEK-KAPUAS-SANGGAU"]."""
    return {unit.code: unit for unit in Unit.objects.all()}


@pytest.fixture
def ranks(reference_data) -> dict[str, Rank]:
    return {rank.code: rank for rank in Rank.objects.all()}


def _persona(unit: Unit, role: str, rank: Rank, name: str, position: str):
    return PersonnelFactory(unit=unit, rank=rank, name=name, position=position, roles=[role])


@pytest.fixture
def peserta(units, ranks):
    return _persona(
        units["POLSEK-KAPUAS-SANGGAU"],
        Role.PESERTA,
        ranks["BRIPKA"],
        "Andi Saputra",
        "Banit Reskrim",
    )


@pytest.fixture
def operator(units, ranks):
    return _persona(
        units["POLRES-SANGGAU"], Role.OPERATOR, ranks["BRIPTU"], "Rina Oktaviani", "Operator Vicon"
    )


@pytest.fixture
def pelatih(units, ranks):
    return _persona(
        units["POLDA-KALBAR"],
        Role.PELATIH,
        ranks["KOMPOL"],
        "Dr. Hendra Wijaya, S.I.K., M.H.",
        "Pelatih",
    )


@pytest.fixture
def pimpinan(units, ranks):
    return _persona(
        units["POLRES-SANGGAU"],
        Role.PIMPINAN,
        ranks["AKBP"],
        "Bambang Sutrisno, S.I.K.",
        "Kapolres",
    )


@pytest.fixture
def admin_user(units, ranks):
    return _persona(units["MABES"], Role.ADMIN, ranks["KOMBES-POL"], "Admin Pusat", "Admin")


@pytest.fixture
def outsider(units, ranks):
    """A commander of another Polres (Sintang): in Kalbar, but outside Sanggau's subtree."""
    return _persona(
        units["POLRES-SINTANG"], Role.PIMPINAN, ranks["AKBP"], "Yohanes Tarigan", "Kapolres"
    )


def _client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def peserta_client(peserta):
    return _client_for(peserta)


@pytest.fixture
def operator_client(operator):
    return _client_for(operator)


@pytest.fixture
def trainer_client(pelatih):
    return _client_for(pelatih)


@pytest.fixture
def commander_client(pimpinan):
    return _client_for(pimpinan)


@pytest.fixture
def admin_client_(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Indonesian): a request with an English
    cookie leaves English active on the thread, which must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
