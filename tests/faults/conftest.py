"""Fixtures for the fault tests that need real processes (test_worker_killed.py,
test_broker_outage.py): a private Redis, Celery workers on the test database, media in a folder
both this process and the workers use. They only make sense with
`@pytest.mark.django_db(transaction=True)`: a worker sees committed rows only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults.processes import (
    RedisServer,
    Worker,
    celery_sending_to,
    other_database_sessions_end,
)


@pytest.fixture
def fault_media(settings, tmp_path) -> Path:
    """One media folder for this process and its workers."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def private_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def sending(private_redis) -> Iterator[RedisServer]:
    """Tasks sent from this process go to the private Redis for real during the test."""
    with celery_sending_to(private_redis.url):
        yield private_redis


@pytest.fixture
def start_worker(private_redis, fault_media, tmp_path) -> Iterator[Callable[..., Worker]]:
    """`start_worker(**env)` starts a worker on the private Redis; all are killed at the end."""
    workers: list[Worker] = []

    def start(**env: str) -> Worker:
        name = f"faults{len(workers) + 1}"
        worker = Worker(
            name=name,
            broker_url=private_redis.url,
            media_root=fault_media,
            log=tmp_path / f"{name}.log",
            **env,
        )
        workers.append(worker.start())
        return worker

    yield start
    for worker in workers:
        worker.kill()
    other_database_sessions_end()
