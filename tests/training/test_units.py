import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UnitFactory
from training.models import Unit
from training.selectors import unit_ancestors, unit_subtree

pytestmark = pytest.mark.django_db


def test_reference_tree_has_mabes_36_polda_and_kalbar_units(units):
    assert Unit.objects.filter(kind=Unit.Kind.POLDA).count() == 36
    assert units["POLDA-KALBAR"].parent == units["MABES"]
    kalbar_polres = Unit.objects.filter(parent=units["POLDA-KALBAR"], kind=Unit.Kind.POLRES)
    assert kalbar_polres.count() == 14
    assert units["POLSEK-KAPUAS-SANGGAU"].parent == units["POLRES-SANGGAU"]
    assert units["POLDA-KALBAR"].tz_abbreviation == "WIB"
    assert units["POLDA-BALI"].tz_abbreviation == "WITA"
    assert units["POLDA-PAPUA"].tz_abbreviation == "WIT"


def test_reference_load_is_idempotent(units):
    from training.reference import reference_data_load

    before = Unit.objects.count()
    reference_data_load()
    assert Unit.objects.count() == before


def test_subtree_and_ancestors_are_one_query_each(units):
    sanggau = units["POLRES-SANGGAU"]
    with CaptureQueriesContext(connection) as ctx:
        codes = set(unit_subtree(unit=sanggau).values_list("code", flat=True))
    assert len(ctx.captured_queries) == 1
    assert "POLSEK-KAPUAS-SANGGAU" in codes and "POLRES-SINTANG" not in codes
    kapuas = units["POLSEK-KAPUAS-SANGGAU"]
    with CaptureQueriesContext(connection) as ctx:
        chain = [u.code for u in unit_ancestors(unit=kapuas)]
    assert len(ctx.captured_queries) == 1
    assert chain == ["MABES", "POLDA-KALBAR", "POLRES-SANGGAU"]


def test_moving_a_unit_reroots_its_subtree(units):
    sanggau = units["POLRES-SANGGAU"]
    polsek = UnitFactory(code="X-1", parent=sanggau)
    post = UnitFactory(code="X-2", parent=polsek)
    polsek.parent = units["POLRES-SINTANG"]
    polsek.save()
    post.refresh_from_db()
    assert post.path.startswith(units["POLRES-SINTANG"].path)
    assert post.depth == units["POLRES-SINTANG"].depth + 2
    assert not unit_subtree(unit=sanggau).filter(pk=post.pk).exists()


def test_names_are_not_unique_but_codes_are(units):
    UnitFactory(
        code="POLRES-KAPUAS",
        name="Polres Kapuas",
        kind=Unit.Kind.POLRES,
        parent=units["POLDA-KALTENG"],
    )
    assert Unit.objects.filter(name__in=["Polsek Kapuas", "Polres Kapuas"]).count() == 2
