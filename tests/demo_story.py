"""The whole demo (`demo_seed`, every app's part), seeded once per test module.

`demo_story_db` seeds inside a transaction that is rolled back when the module's tests are
done; each test runs in a savepoint within it (pytest-django's `db`), so the tests see the
seeded data and leave nothing behind. Seeding the whole demo takes seconds: once per module,
not once per test. Media (the rendered PDFs) go to a folder of their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from training.services.demo import demo_seed


@pytest.fixture(scope="module")
def demo_story_db(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    media = tmp_path_factory.mktemp("demo-story-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        demo_seed()
        yield media
        transaction.set_rollback(True)


@pytest.fixture
def demo_story(demo_story_db, db, settings) -> Path:
    """The seeded demo, with the media folder its PDFs were written to."""
    settings.MEDIA_ROOT = demo_story_db
    return demo_story_db
