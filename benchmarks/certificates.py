"""Certificates: the bare renderer against the whole issuing pipeline, measured in one run.

    .venv/bin/python benchmarks/certificates.py [--count 200] [--concurrency 1]

Self-contained: a throwaway SQLite database, Celery's filesystem broker and media storage, all in
a temporary folder (migrated, reference units loaded; set CELERY_BROKER_URL=redis://... to use
Redis instead). A finished Polda Kalbar session gets `--count` participants who attended.

1. Bare renderer (the baseline): `render_certificate()` in this process for `--count` distinct
   certificates (names, numbers, codes differ). Also timed alone: the QR encoding.
2. Pipeline: a real Celery worker subprocess (`--concurrency` processes) on the real broker; the
   trainer's "issue for all eligible" (`certificates_issue_bulk`) enqueues a job; the worker
   creates the numbered rows, one render task each goes through the broker, renders, stores the
   PDF and marks the row ready. Timed from the click until every certificate is ready.

Prints certificates/s for both, the pipeline/bare ratio, and the mean PDF size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _setup import ROOT, setup_django


def build_session(count: int, run: int):
    from django.utils import timezone

    from sessions.models import Participant, SessionModule, TrainingSession
    from training.models import Module, Personnel, Rank, Unit

    units = {u.code: u for u in Unit.objects.filter(code__in=["POLDA-KALBAR", "POLRES-SANGGAU"])}
    rank = Rank.objects.get(code="BRIPKA")
    leader = Personnel.objects.create_user(
        f"{70010001 + run:08d}",
        "x",
        name="Dr. Hendra Wijaya, S.I.K., M.H.",
        unit=units["POLDA-KALBAR"],
    )
    end = timezone.now() - timedelta(hours=1)
    session = TrainingSession.objects.create(
        title="Penanganan Tindak Pidana Perdagangan Orang di Wilayah Perbatasan",
        host_unit=units["POLDA-KALBAR"],
        start_at=end - timedelta(hours=2),
        end_at=end,
        led_by=leader,
        status=TrainingSession.Status.FINISHED,
    )
    for order, title in enumerate(["Dasar hukum TPPO", "Modus operandi", "Perlindungan korban"]):
        module = Module.objects.get_or_create(code=f"bench-{order}", title=title)[0]
        SessionModule.objects.create(session=session, module=module, order=order)
    people = Personnel.objects.bulk_create(
        Personnel(
            nrp=f"{80000000 + run * 100000 + i:08d}",
            name=f"Peserta Nomor {i} bin Abdullah Sastrowardojo, S.H.",
            rank=rank,
            unit=units["POLRES-SANGGAU"],
        )
        for i in range(count + 1)
    )
    Participant.objects.bulk_create(
        Participant(
            session=session,
            personnel=person,
            unit=units["POLRES-SANGGAU"],
            attendance_status=Participant.AttendanceStatus.HADIR,
            minutes_attended=120,
        )
        for person in people
    )
    return session, leader


def bare_renderer(count: int) -> tuple[float, list[int], float]:
    import datetime as dt

    from certificates.numbering import certificate_number_format, verification_code_new
    from certificates.pdf import CertificateData, qr_matrix, register_fonts, render_certificate

    register_fonts()
    items = []
    for i in range(count):
        code = verification_code_new()
        items.append(
            CertificateData(
                number=certificate_number_format(
                    sequence=i + 1, issuer_code="POLDA-KALBAR", issued_on=dt.date(2022, 11, 29)
                ),
                verification_url=f"http://localhost:8000/v/{code}/",
                verification_code=code,
                recipient_name=f"Peserta Nomor {i} bin Abdullah Sastrowardojo, S.H.",
                recipient_nrp=f"{80000000 + i:08d}",
                recipient_rank="Bripka",
                recipient_unit="Polres Sanggau, Polda Kalimantan Barat",
                session_title="Penanganan Tindak Pidana Perdagangan Orang di Wilayah Perbatasan",
                session_start=dt.date(2022, 11, 28),
                session_end=None,
                issued_on=dt.date(2022, 11, 29),
                issuer_heading=("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "POLDA KALIMANTAN BARAT"),
                signatory_name="Dr. Hendra Wijaya, S.I.K., M.H.",
                signatory_rank="Komisaris Polisi",
                signatory_nrp="70010001",
                signatory_position="Pelatih",
                modules=("Dasar hukum TPPO", "Modus operandi", "Perlindungan korban"),
            )
        )
    render_certificate(items[0])  # warm-up: first use of each glyph subset path
    start = time.perf_counter()
    sizes = [len(render_certificate(item)) for item in items]
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    for item in items:
        qr_matrix(item.verification_url)
    qr_elapsed = time.perf_counter() - start
    return elapsed, sizes, qr_elapsed


def start_worker(env: dict[str, str], concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "warning",
            "-c",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )


def wait_ready(session, expected: int, timeout: float) -> None:
    from certificates.models import Certificate

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = Certificate.objects.filter(
            participant__session=session, status=Certificate.Status.READY
        ).count()
        if ready >= expected:
            return
        failed = Certificate.objects.filter(status=Certificate.Status.FAILED).first()
        if failed is not None:
            raise SystemExit(f"a certificate failed to render: {failed.error}")
        time.sleep(0.05)
    raise SystemExit(f"timed out: {ready} of {expected} certificates ready")


def pipeline(
    env: dict[str, str], count: int, concurrency: int, polling: float, run: int
) -> tuple[float, list[int]]:
    from django.core.files.storage import default_storage
    from django.db import transaction

    from certificates.models import Certificate
    from certificates.services import certificate_issue, certificates_issue_bulk

    session, leader = build_session(count, run)
    worker = start_worker({**env, "CELERY_BROKER_POLLING_INTERVAL": str(polling)}, concurrency)
    try:
        # Warm-up: one certificate through the worker, so start-up is not timed.
        first = session.participants.order_by("pk").first()
        with transaction.atomic():
            certificate_issue(participant=first, issued_by=leader)
        wait_ready(session, 1, timeout=120)
        start = time.perf_counter()
        with transaction.atomic():
            certificates_issue_bulk(session=session, requested_by=leader)
        wait_ready(session, count + 1, timeout=30 + count * 2)
        elapsed = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    names = Certificate.objects.filter(participant__session=session).values_list("file", flat=True)
    sizes = [default_storage.size(name) for name in names]
    return elapsed, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--polling",
        default="1.0,0.1",
        help="filesystem broker polling intervals to run the pipeline with (comma-separated)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="polri-bench-certificates-") as folder:
        env = setup_django(Path(folder), CELERY_TASK_ALWAYS_EAGER="false")
        from django.conf import settings

        broker = settings.CELERY_BROKER_URL.split("://")[0]
        bare_s, bare_sizes, qr_s = bare_renderer(args.count)
        intervals = [float(v) for v in args.polling.split(",")] if broker == "filesystem" else [0]
        runs = [
            (interval, *pipeline(env, args.count, args.concurrency, interval, run))
            for run, interval in enumerate(intervals, start=1)
        ]

    bare_rate = args.count / bare_s
    print(f"certificates: {args.count}, worker processes: {args.concurrency}, broker: {broker}")
    print(
        f"bare renderer                 {bare_rate:8.1f} certificates/s  "
        f"({1000 * bare_s / args.count:.1f} ms each; QR encoding {1000 * qr_s / args.count:.1f} "
        f"ms = {100 * qr_s / bare_s:.0f}%)"
    )
    for interval, pipe_s, _sizes in runs:
        pipe_rate = args.count / pipe_s
        label = f"polling {interval:g}s" if broker == "filesystem" else broker
        print(
            f"pipeline ({label:>12})       {pipe_rate:8.1f} certificates/s  "
            f"({1000 * pipe_s / args.count:.1f} ms each)  ratio to bare {pipe_rate / bare_rate:.2f}"
        )
    sizes = [size for _, _, pipe_sizes in runs for size in pipe_sizes]
    print(
        f"mean PDF size                 {statistics.mean(bare_sizes) / 1024:8.1f} KiB (bare), "
        f"{statistics.mean(sizes) / 1024:.1f} KiB (stored)"
    )


if __name__ == "__main__":
    main()
