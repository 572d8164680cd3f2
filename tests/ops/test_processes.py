"""docs/deploy.md's "Starting the processes" commands start here for real, with production
settings: gunicorn on a free port answers /healthz/, the heavy and light workers answer the doc's
`celery inspect ping`, beat writes its schedule, and all of them stop on SIGTERM.

The broker is a private redis-server on a free port, started and stopped by this test; the
shared Redis is never touched. The database is a throw-away SQLite file.
"""

import json
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ops.deploydoc import (
    PUBLIC_HOST,
    ROOT,
    doc_commands,
    free_port,
    production_env,
    run_line,
    shell_argv,
)

STARTUP_SECONDS = 120
STOP_SECONDS = 60


def test_the_doc_starts_web_both_workers_and_beat():
    commands = doc_commands("tested-processes")
    assert len(commands) == 4
    assert commands[0].startswith("gunicorn config.wsgi")
    assert any("-Q heavy" in c for c in commands) and any("-Q light" in c for c in commands)
    assert any("celery -A config beat" in c for c in commands)
    assert doc_commands("tested-running") == ["celery -A config inspect ping"]


def _wait_for(what: str, probe, processes: list[subprocess.Popen]):
    """Call `probe` until it returns something truthy; fail early if a process died."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"{process.args[-1]!r} exited with {process.returncode}"
        result = probe()
        if result:
            return result
        time.sleep(1)
    pytest.fail(f"{what} did not happen within {STARTUP_SECONDS} s")


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(50):
            ping = subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() == "PONG":
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _healthz(port: int):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz/",
        # What the reverse proxy sends; production settings redirect plain HTTP otherwise.
        headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except OSError:
        return None


def test_the_doc_processes_start_answer_and_stop(tmp_path, private_redis):
    port = free_port()
    env = production_env(
        tmp_path,
        CELERY_BROKER_URL=private_redis,
        PORT=str(port),
        # One web worker is enough to prove the command; the doc's default is for real cores.
        WEB_CONCURRENCY="1",
    )
    run_line("python manage.py migrate --noinput", env)
    processes: list[subprocess.Popen] = []
    try:
        for command in doc_commands("tested-processes"):
            processes.append(
                subprocess.Popen(
                    shell_argv(f"exec {command}"),
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=open(tmp_path / f"process-{len(processes)}.log", "wb"),  # noqa: SIM115
                )
            )

        assert _wait_for("GET /healthz/", lambda: _healthz(port), processes) == (
            200,
            {"status": "ok"},
        )

        (ping,) = doc_commands("tested-running")

        def both_workers_answer():
            result = subprocess.run(
                shell_argv(ping), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
            )
            # The hostnames are the doc's `heavy@%h` and `light@%h`.
            return "heavy@" in result.stdout and "light@" in result.stdout

        _wait_for("both workers answering `inspect ping`", both_workers_answer, processes)
        _wait_for(
            "beat writing its schedule",
            lambda: list(Path(tmp_path).glob("celerybeat-schedule*")),
            processes,
        )

        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            # Graceful shutdown, as the doc promises: each exits by itself, and cleanly.
            assert process.wait(timeout=STOP_SECONDS) == 0, (
                f"{process.args[-1]!r} exited with {process.returncode}:\n"
                + (tmp_path / f"process-{processes.index(process)}.log").read_text()[-3000:]
            )
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
