from pathlib import Path

import pytest

from quizzes.demo import DEMO_GIFT, SERIES_GIFT, quiz_demo_seed
from quizzes.importers import gift
from quizzes.models import Question, Quiz
from tests.factories import TrainingSessionFactory


def test_the_bundled_demo_file_parses_cleanly():
    result = gift.parse(Path(DEMO_GIFT).read_text())
    assert result.ok and not result.problems and len(result.questions) == 7


@pytest.mark.parametrize("path", sorted(SERIES_GIFT.values()))
def test_the_bundled_series_files_parse_cleanly(path):
    result = gift.parse(Path(path).read_text())
    assert result.ok and not result.problems and len(result.questions) == 5


@pytest.mark.django_db
def test_demo_seed_adds_a_post_test_to_the_cyber_crime_session_once(units):
    TrainingSessionFactory(title="Penanganan Cyber Crime", host_unit=units["POLDA-KALBAR"])
    first = quiz_demo_seed()
    second = quiz_demo_seed()
    assert first.pk == second.pk and Quiz.objects.count() == 1
    assert Question.objects.count() == 7
    assert first.categories.count() == 1


@pytest.mark.django_db
def test_demo_seed_without_the_session_does_nothing():
    lines = []
    assert quiz_demo_seed(stdout=lines.append) is None and lines
