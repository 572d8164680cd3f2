"""Self check-in under load: 5,000 distinct users against gunicorn on loopback.

    .venv/bin/python benchmarks/checkin.py [--users 5000] [--concurrency 32] [--workers 2]
        [--threads 8] [--postgres postgres://user:pass@127.0.0.1:5432/postgres]

Self-contained: creates a throwaway SQLite database in a temporary folder (or, with --postgres, a
dedicated database `polri_bench_checkin_<pid>` that is dropped at the end), migrates it, loads
the reference units, creates `--users` personnel in Polres Sanggau's subtree with API tokens and
a running session inviting Polres Sanggau, starts gunicorn (gthread workers) on a free loopback
port, and drives it with a bounded pool of Python threads using keep-alive http.client
connections (no extra package needed).

Measured in the same run against the same server:
1. baseline: one GET per user to a bare authenticated DRF endpoint (token auth, IsAuthenticated,
   returns a constant) — the floor any authenticated API call pays here;
2. check-in: one POST /api/v1/sessions/<id>/check-in/ per user;
3. repeat: every user clicks again (must change nothing).
Prints requests/s, p50 and p99 latency and the ratio to the baseline, then confirms that exactly
`--users` attendance records exist.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _setup import ROOT, postgres_scratch_database, setup_django

BENCH_SETTINGS = """
from config.settings.local import *  # noqa
ROOT_URLCONF = "bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING["root"]["level"] = "WARNING"  # noqa
"""

BENCH_URLS = '''
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns


class PingApi(APIView):
    """The baseline: authenticated (token), permission checked, constant body."""

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/ping/", PingApi.as_view()), *project_urlpatterns]
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path, args) -> dict:
    (folder / "bench_settings.py").write_text(BENCH_SETTINGS)
    (folder / "bench_urls.py").write_text(BENCH_URLS)
    (folder / "static").mkdir()
    sys.path.insert(0, str(folder))  # bench_settings and bench_urls
    env = setup_django(
        folder,
        settings="bench_settings",
        database_url=args.database_url,
        database_file="checkin.sqlite3",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(folder)]),
    )
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from sessions.services import session_create, session_publish
    from training.models import Personnel, Unit

    sanggau = Unit.objects.get(code="POLRES-SANGGAU")
    units = list(Unit.objects.subtree_of(sanggau))
    password = make_password(None)
    Personnel.objects.bulk_create(
        [
            Personnel(
                nrp=f"{70000000 + i:08d}",
                name=f"Peserta Beban {i}",
                unit=units[i % len(units)],
                password=password,
            )
            for i in range(args.users)
        ],
        batch_size=1000,
    )
    people = list(Personnel.objects.filter(nrp__startswith="7").order_by("nrp"))
    Token.objects.bulk_create([Token(user=p, key=Token.generate_key()) for p in people])
    tokens = list(Token.objects.filter(user__in=people).values_list("key", flat=True))
    trainer = Personnel.objects.create_superuser("80070412", None, name="Pelatih", unit=sanggau)
    trainer = Personnel.objects.get(pk=trainer.pk)
    start = timezone.now() - timedelta(minutes=5)
    session = session_create(
        user=trainer,
        title="Polri Belajar: Beban Check-in",
        host_unit=Unit.objects.get(code="POLDA-KALBAR"),
        start_at=start,
        end_at=start + timedelta(hours=3),
        zoom_join_url="https://us02web.zoom.us/j/81234567890",
        invited_units=[sanggau],
    )
    session_publish(session=session, user=trainer, now=start - timedelta(minutes=1))
    from django.db import connections

    connections.close_all()
    return {"env": env, "tokens": tokens, "session_id": session.pk}


def start_server(env: dict, port: int, args) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(port: int, method: str, path: str, tokens: list[str], concurrency: int):
    """One request per token through `concurrency` threads with keep-alive connections."""
    local = threading.local()

    def connection() -> http.client.HTTPConnection:
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        return local.conn

    def one(token: str) -> tuple[int, float]:
        began = time.perf_counter()
        for attempt in range(2):
            conn = connection()
            try:
                conn.request(method, path, headers={"Authorization": f"Token {token}"})
                response = conn.getresponse()
                response.read()
                return response.status, time.perf_counter() - began
            except (http.client.HTTPException, OSError):
                conn.close()
                local.conn = None
                if attempt:
                    return 0, time.perf_counter() - began
        return 0, time.perf_counter() - began

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, tokens))
    elapsed = time.perf_counter() - began
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(latency for _, latency in results)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "rps": len(tokens) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": p99 * 1000,
        "statuses": statuses,
        "seconds": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres", default="", help="server URL; a dedicated DB is made")
    args = parser.parse_args()
    args.database_url = ""
    drop = None
    if args.postgres:
        args.database_url, drop = postgres_scratch_database(
            f"polri_bench_checkin_{os.getpid()}", server_url=args.postgres
        )
    try:
        with tempfile.TemporaryDirectory(prefix="checkin-bench-") as folder:
            print(f"Preparing {args.users} users ...", flush=True)
            setup = prepare(Path(folder), args)
            port = free_port()
            server = start_server(setup["env"], port, args)
            try:
                sid = setup["session_id"]
                tokens = setup["tokens"]
                runs = [
                    ("bare DRF endpoint (baseline)", "GET", "/bench/ping/"),
                    ("check-in", "POST", f"/api/v1/sessions/{sid}/check-in/"),
                    ("check-in again (no change)", "POST", f"/api/v1/sessions/{sid}/check-in/"),
                ]
                # Warm-up: every worker thread loads the app and opens its database connection.
                load(port, "GET", "/bench/ping/", tokens[: args.concurrency * 4], args.concurrency)
                results = []
                for label, method, path in runs:
                    results.append((label, load(port, method, path, tokens, args.concurrency)))
            finally:
                server.terminate()
                server.wait(timeout=30)
            from django.db import connections
            from django.db.models import Count

            from sessions.models import Participant

            recorded = Participant.objects.filter(session_id=sid).exclude(attendance_status="")
            count = recorded.count()
            per_source = dict(
                recorded.order_by().values_list("attendance_source").annotate(n=Count("id"))
            )
            connections.close_all()
    finally:
        if drop:
            drop()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"{args.users} users, {args.concurrency} client threads, gunicorn {args.workers} workers "
        f"x {args.threads} threads, {backend}"
    )
    baseline = results[0][1]["rps"]
    print(f"{'run':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'time x base':>11}  statuses")
    for label, r in results:
        print(
            f"{label:32} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
            f"{baseline / r['rps']:11.2f}  {json.dumps(r['statuses'])}"
        )
    print(f"attendance records: {count} (expected exactly {args.users}); by source {per_source}")
    if count != args.users:
        raise SystemExit("FAILED: the number of records is not the number of users")


if __name__ == "__main__":
    main()
