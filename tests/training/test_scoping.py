"""Who sees which units and personnel: the rule every list, report and export builds on."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PersonnelFactory
from training.models import Role, Unit
from training.selectors import (
    personnel_visible_to,
    unit_is_visible_to,
    unit_subtree,
    units_visible_to,
    user_sees_subtree,
)

pytestmark = pytest.mark.django_db

SANGGAU_SUBTREE = {
    "POLRES-SANGGAU",
    "POLSEK-KAPUAS-SANGGAU",
    "POLSEK-MELIAU-SANGGAU",
    "POLSEK-ENTIKONG-SANGGAU",
    "POLSEK-SEKAYAM-SANGGAU",
    "POLSEK-BATANG-TARANG-SANGGAU",
}


@pytest.fixture
def people(peserta, operator, pelatih, pimpinan, admin_user, outsider):
    return {
        "peserta": peserta,
        "operator": operator,
        "pelatih": pelatih,
        "pimpinan": pimpinan,
        "admin": admin_user,
        "outsider": outsider,
    }


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def _visible_people(user) -> set[int]:
    return set(personnel_visible_to(user=user).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", ["pimpinan", "operator"])
def test_a_sanggau_commander_or_operator_sees_sanggau_and_its_polsek_only(people, persona):
    user = people[persona]
    assert _codes(units_visible_to(user=user)) == SANGGAU_SUBTREE
    seen = _visible_people(user)
    # The Peserta of Polsek Kapuas is under Sanggau; Sintang and the Polda staff above are not.
    assert {people["peserta"].pk, people["operator"].pk, people["pimpinan"].pk} <= seen
    assert people["outsider"].pk not in seen
    assert people["pelatih"].pk not in seen
    assert people["admin"].pk not in seen


def test_the_sintang_commander_does_not_see_sanggau(people, units):
    outsider = people["outsider"]
    assert "POLRES-SANGGAU" not in _codes(units_visible_to(user=outsider))
    assert _visible_people(outsider) == {outsider.pk}
    assert not unit_is_visible_to(user=outsider, unit=units["POLSEK-KAPUAS-SANGGAU"])


def test_a_polda_trainer_sees_all_of_kalbar_but_not_other_polda(people, units):
    codes = _codes(units_visible_to(user=people["pelatih"]))
    assert codes == _codes(unit_subtree(unit=units["POLDA-KALBAR"]))
    assert {"POLRES-SINTANG", "POLSEK-KAPUAS-SANGGAU"} <= codes
    assert not codes & {"MABES", "POLDA-METRO-JAYA", "POLDA-KALTENG"}
    seen = _visible_people(people["pelatih"])
    assert {people["outsider"].pk, people["peserta"].pk} <= seen
    assert people["admin"].pk not in seen  # at Mabes, above Polda Kalbar


def test_a_peserta_sees_only_themselves_and_their_own_unit(people):
    peserta = people["peserta"]
    assert _codes(units_visible_to(user=peserta)) == {"POLSEK-KAPUAS-SANGGAU"}
    assert _visible_people(peserta) == {peserta.pk}
    assert not user_sees_subtree(user=peserta)


def test_an_admin_sees_everything(people):
    admin = people["admin"]
    assert units_visible_to(user=admin).count() == Unit.objects.count()
    assert _visible_people(admin) == {p.pk for p in people.values()}


def test_a_superuser_without_the_admin_group_is_an_admin(units):
    root = PersonnelFactory(unit=units["POLSEK-MELIAU-SANGGAU"], is_superuser=True)
    assert units_visible_to(user=root).count() == Unit.objects.count()


@pytest.mark.parametrize("persona", ["peserta", "operator", "pelatih", "pimpinan", "admin"])
def test_an_inactive_user_sees_nothing(people, units, persona):
    user = people[persona]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not units_visible_to(user=user).exists()
    assert not personnel_visible_to(user=user).exists()
    assert not unit_is_visible_to(user=user, unit=user.unit)
    assert not user_sees_subtree(user=user)


def test_an_anonymous_user_sees_nothing(units):
    anonymous = AnonymousUser()
    assert not units_visible_to(user=anonymous).exists()
    assert not personnel_visible_to(user=anonymous).exists()
    assert not unit_is_visible_to(user=anonymous, unit=units["POLRES-SANGGAU"])


def test_an_operator_without_a_unit_sees_only_themselves(db):
    lost = PersonnelFactory(unit=None, roles=[Role.OPERATOR])
    assert not units_visible_to(user=lost).exists()
    assert _visible_people(lost) == {lost.pk}


def test_two_roles_take_the_wider_scope(units, peserta):
    # A Bhabinkamtibmas who is also the Polsek's operator oversees their Polsek.
    both = PersonnelFactory(
        unit=units["POLSEK-KAPUAS-SANGGAU"], roles=[Role.PESERTA, Role.OPERATOR]
    )
    assert peserta.pk in _visible_people(both)


def test_unit_is_visible_to_agrees_with_units_visible_to(people):
    every_unit = list(Unit.objects.all())
    for user in people.values():
        visible = set(units_visible_to(user=user).values_list("pk", flat=True))
        decided = {u.pk for u in every_unit if unit_is_visible_to(user=user, unit=u)}
        assert decided == visible, user.name


def test_a_transfer_moves_the_person_out_of_the_old_commanders_sight(people, units):
    peserta, pimpinan = people["peserta"], people["pimpinan"]
    peserta.unit = units["POLRES-SINTANG"]
    peserta.save(update_fields=["unit"])
    assert peserta.pk not in _visible_people(pimpinan)
    assert peserta.pk in _visible_people(people["outsider"])


def test_scoped_lists_are_one_query(people):
    pimpinan = people["pimpinan"]
    assert pimpinan.role_names  # roles are read once per request, before the lists
    with CaptureQueriesContext(connection) as ctx:
        rows = [
            (p.name, p.rank.abbreviation, p.unit.name) for p in personnel_visible_to(user=pimpinan)
        ]
        codes = [u.code for u in units_visible_to(user=pimpinan)]
    assert rows and codes
    assert len(ctx.captured_queries) == 2
