"""Real processes for the fault tests: a private redis-server, Celery worker subprocesses, and
the in-process Celery app pointed at that Redis for real (not eager) sends.

Everything is started per test on free ports and in new process groups, and stopped by its own
process id at teardown; the shared Redis on 6379 is never touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection
from kombu import pools

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def unmet_requirement() -> str:
    """Why the fault tests cannot run here ('' when they can): they need PostgreSQL (a worker
    process shares the test database, which SQLite's in-memory test database cannot), the Redis
    broker (the second leg of .ci/run) and redis-server to start a private Redis."""
    if connection.vendor != "postgresql":
        return "fault tests need PostgreSQL (DATABASE_URL=postgres://...): a worker shares the DB"
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "fault tests need the Redis broker (CELERY_BROKER_URL=redis://...)"
    if shutil.which("redis-server") is None:
        return "fault tests need redis-server on PATH to start a private Redis"
    return ""


def _describe(what: str | Callable[[], str]) -> str:
    return what() if callable(what) else what


def wait_until(
    check: Callable[[], object],
    *,
    timeout: float,
    what: str | Callable[[], str],
    interval: float = 0.25,
):
    """Poll `check` until it returns something truthy (returned); fail after `timeout` s.
    `what` (or what it returns, evaluated on failure) names the wait in the failure."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {_describe(what)}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away redis-server on 127.0.0.1:`port`, no persistence: a restart starts empty,
    like a Redis that lost its memory."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"]
            + ["--dir", str(self.folder)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        client = redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)
        wait_until(self._answers(client), timeout=30, what=f"redis-server on port {self.port}")

    def _answers(self, client: redis.Redis) -> Callable[[], bool]:
        def ping() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"redis-server exited: {self.log_tail()}")
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        return ping

    def freeze(self) -> None:
        """SIGSTOP: connections are still accepted by the kernel but never answered (a hung
        Redis, a half-open network path)."""
        self.process.send_signal(signal.SIGSTOP)

    def kill(self) -> None:
        """SIGKILL (also ends a frozen one): a crash; its queued messages are gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def log_tail(self) -> str:
        path = self.folder / "redis.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""


def _database_url() -> str:
    """The pytest test database (test_<name>), as DATABASE_URL for a subprocess."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


class Worker:
    """`celery -A config worker -Q heavy,light --concurrency 2 --pool prefork` in its own
    process group (so a kill reaches the pool's children), on the test database and media."""

    def __init__(self, *, name: str, broker_url: str, media_root: Path, log: Path, **env: str):
        self.name = name
        self.log = log
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker_url,
            "FAULTS_MEDIA_ROOT": str(media_root),
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker"]
                + ["-Q", "heavy,light", "--concurrency", "2", "--pool", "prefork"]
                + ["-n", f"{self.name}@%h", "--loglevel", "WARNING"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and its prefork children die
        at once, mid-task, without acknowledging anything."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def other_database_sessions_end(timeout: float = 30) -> None:
    """Wait until no other session uses the test database, then end any left over. A killed
    worker's PostgreSQL backends notice the closed socket only when their current statement
    ends; until then they would keep pytest from flushing and dropping the test database."""
    others = """
        SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
    """

    def left() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(others)
            return [row[0] for row in cursor.fetchall()]

    deadline = time.monotonic() + timeout
    while left() and time.monotonic() < deadline:
        time.sleep(0.25)
    with connection.cursor() as cursor:
        for pid in left():
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def _drop_producers() -> None:
    """Close and forget every broker connection of this process (kombu keeps them in global
    pools keyed by URL), so the next send connects to the broker configured now."""
    pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def celery_sending_to(broker_url: str) -> Iterator[None]:
    """Within the block, tasks sent from this process go to `broker_url` for real (the test
    settings make them eager); afterwards the app is as it was."""
    keys = ("broker_url", "broker_write_url", "task_always_eager")
    saved = {key: celery_app.conf.get(key) for key in keys}
    _drop_producers()
    # Senders use broker_write_url, which (unlike broker_url) is not overridden by the
    # CELERY_BROKER_URL environment variable that CI sets.
    celery_app.conf.update(
        broker_url=broker_url, broker_write_url=broker_url, task_always_eager=False
    )
    try:
        with celery_app.connection_for_write() as sender:
            # Never send the tests' messages to the shared broker.
            assert sender.as_uri().endswith(broker_url.split("@")[-1].split("//")[-1]), sender
        yield
    finally:
        _drop_producers()
        celery_app.conf.update(saved)


def sweep_until(
    done: Callable[[], bool],
    *,
    sweep: Callable[[], object],
    progress: Callable[[], object],
    timeout: float,
    what: str | Callable[[], str],
    stall: float = 4.0,
) -> None:
    """Wait until `done()`, running `sweep()` (what beat runs every few minutes) whenever
    `progress()` has not changed for `stall` seconds: the sweeper is the only thing that can
    bring back work whose message was lost, and it runs no more often than needed."""
    deadline = time.monotonic() + timeout
    last, changed_at = progress(), time.monotonic()
    sweep()
    while not done():
        now = time.monotonic()
        if now > deadline:
            raise AssertionError(
                f"timed out after {timeout:.0f}s waiting for {_describe(what)}; last: {last}"
            )
        current = progress()
        if current != last:
            last, changed_at = current, now
        elif now - changed_at > stall:
            sweep()
            changed_at = now
        time.sleep(0.25)
