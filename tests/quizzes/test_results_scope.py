"""A commander reads the results of a Polda-wide quiz for their own subtree only.

Regression: results and statistics of a quiz were shown whole to any Pimpinan who could see the
session, so the Kapolres Sanggau read the names, NRPs and scores of Polres Sintang (and the
Kapolres Sintang those of Sanggau).
"""

import pytest

from quizzes.services import attempt_start, attempt_submit
from sessions.models import SessionInvitedUnit
from tests.factories import ParticipantFactory, PersonnelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def polda_wide(quiz, session, units, ranks):
    """The quiz's session invites all of Polda Kalbar; one person each in Sanggau and Sintang
    has submitted an attempt."""
    SessionInvitedUnit.objects.create(session=session, unit=units["POLDA-KALBAR"])
    people = {}
    for code, nrp in (("POLRES-SANGGAU", "76000001"), ("POLRES-SINTANG", "76000002")):
        person = PersonnelFactory(nrp=nrp, unit=units[code], rank=ranks["BRIPKA"])
        ParticipantFactory(session=session, personnel=person, unit=units[code])
        attempt_submit(user=person, attempt_id=attempt_start(user=person, quiz=quiz).pk)
        people[code] = person
    return people


def _nrps(client, quiz) -> set[str]:
    response = client.get(f"/api/v1/quizzes/{quiz.pk}/results/")
    assert response.status_code == 200
    return {row["nrp"] for row in response.json()["results"]}


def _units(client, quiz) -> set[str]:
    response = client.get(f"/api/v1/quizzes/{quiz.pk}/statistics/")
    assert response.status_code == 200
    return {row["code"] for row in response.json()["units"]}


def test_a_commander_sees_results_of_their_own_subtree_only(
    quiz, polda_wide, commander_client, outsider_client
):
    sanggau, sintang = polda_wide["POLRES-SANGGAU"].nrp, polda_wide["POLRES-SINTANG"].nrp
    assert _nrps(commander_client, quiz) == {sanggau}
    assert _nrps(outsider_client, quiz) == {sintang}


def test_the_results_page_of_a_commander_leaves_out_other_polres(
    quiz, polda_wide, commander_client
):
    body = commander_client.get(f"/quizzes/{quiz.pk}/results/").content.decode()
    assert polda_wide["POLRES-SANGGAU"].name in body
    assert polda_wide["POLRES-SINTANG"].name not in body


def test_a_commander_sees_the_unit_statistics_of_their_own_subtree_only(
    quiz, polda_wide, commander_client, outsider_client, trainer_client
):
    assert _units(commander_client, quiz) == {"POLRES-SANGGAU"}
    assert _units(outsider_client, quiz) == {"POLRES-SINTANG"}
    # The session's trainer manages the quiz: every unit.
    assert _units(trainer_client, quiz) == {"POLRES-SANGGAU", "POLRES-SINTANG"}


def test_the_trainer_sees_every_result(quiz, polda_wide, trainer_client):
    assert _nrps(trainer_client, quiz) == {p.nrp for p in polda_wide.values()}
