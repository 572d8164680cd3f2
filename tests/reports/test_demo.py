"""The demo gives commanders something to rank: completion differs from unit to unit across
the Polres of Polda Kalbar and the Polsek of Polres Sanggau, and the bottom three stand out."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.selectors.aggregates import completion_by_child_unit
from reports.selectors.scope import report_filter_clean
from sessions.models import Participant
from tests.demo_story import demo_story, demo_story_db  # noqa: F401 - fixtures
from training.models import Personnel, Unit
from training.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.usefixtures("demo_story")


def _ranking(role: str, unit_code: str):
    user = Personnel.objects.get(nrp=DEMO_ACCOUNTS[role].nrp)
    unit = Unit.objects.get(code=unit_code)
    report = completion_by_child_unit(user=user, unit=unit, filters=report_filter_clean(user=None))
    return [row for row in report.rows if row.rank is not None]


def test_the_polres_of_kalbar_rank_with_distinct_completion():
    rows = _ranking("Admin", "POLDA-KALBAR")
    assert len(rows) == 14
    rates = [row.completion_pct for row in rows]
    assert len(set(rates)) >= 8, rates
    assert rates[0] - rates[-1] >= 20, "the best and the worst Polres are far apart"
    assert all(row.counts.certified > 0 for row in rows)
    flagged = [row for row in rows if row.is_bottom]
    assert len(flagged) >= 3 and rows[0].is_bottom is False
    assert min(row.completion_pct for row in flagged) == rates[-1]


def test_the_pimpinan_ranks_the_sanggau_polsek():
    rows = _ranking("Pimpinan", "POLRES-SANGGAU")
    rates = [row.completion_pct for row in rows]
    assert len(rows) == 5 and len(set(rates)) == 5, rates
    assert [row.is_bottom for row in rows] == [False, False, True, True, True]


def test_sessions_that_have_not_ended_do_not_count_in_the_period():
    user = Personnel.objects.get(nrp=DEMO_ACCOUNTS["Pimpinan"].nrp)
    unit = Unit.objects.get(code="POLRES-SANGGAU")
    report = completion_by_child_unit(user=user, unit=unit, filters=report_filter_clean(user=None))
    ended = Participant.objects.filter(
        unit__path__startswith=unit.path, session__end_at__lte=timezone.now()
    )
    # The demo's live session (nobody can have completed it yet) is left out.
    assert Participant.objects.filter(
        unit__path__startswith=unit.path, session__end_at__gt=timezone.now()
    ).exists()
    assert report.totals.invited == ended.count()


def test_the_pimpinan_dashboard_shows_the_ranking(client):
    nrp = DEMO_ACCOUNTS["Pimpinan"].nrp
    response = client.post(reverse("login"), {"username": nrp, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert page.count('class="bottom-three"') == 3
    for name in ("Polsek Kapuas", "Polsek Entikong", "Polsek Sekayam"):
        assert name in page
