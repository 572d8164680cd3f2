"""Completion report at Polda scale: the bare aggregate SQL against the dashboard and each export.

    .venv/bin/python benchmarks/reports.py [--sessions 50] [--personnel 12000] [--sqlite]

Builds, in a throwaway database (a PostgreSQL database it creates and drops when one answers at
127.0.0.1:5432, else SQLite in a temporary folder), Polda Kalbar with its 14 Polres and 150 Polsek,
12,000 personnel and 50 finished sessions inviting all of them (600,000 participants, with
attendance, quiz results and a certificate for each who completed). Then, for the Polda-level
report over all sessions, it prints:

- the bare aggregate SQL (the one GROUP BY behind the ranking, run through a cursor): the baseline;
- the dashboard (ranking + trend through the selectors);
- each export (PDF, XLSX, CSV) end to end: gather the data, stream the people, write the file;

each with its time, its ratio to the baseline, the queries it ran, and (in a second pass under
tracemalloc, which slows Python down, so not timed) its peak Python memory.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from _setup import PG_SERVER, postgres_is_up, postgres_scratch_database, setup_django

PG_NAME = f"polri_bench_reports_{os.getpid()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--personnel", type=int, default=12_000)
    parser.add_argument("--polsek", type=int, default=150)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PostgreSQL is up")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE_URL",
        help="measure on a database a previous run built (kept with --keep); nothing is built",
    )
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument(
        "--no-memory",
        action="store_true",
        help="skip the second, untimed pass that measures peak memory (halves a long run)",
    )
    parser.add_argument(
        "--database",
        metavar="DATABASE_URL",
        help="build into this PostgreSQL database (created when missing, kept at the end)",
    )
    parser.add_argument(
        "--formats", default="pdf,xlsx,csv", help="exports to time, comma-separated"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="polri-bench-reports-"))
    use_pg = not args.sqlite and postgres_is_up()
    database_url, drop = "", None
    if args.reuse:
        use_pg = args.reuse.startswith("postgres")
        database_url = args.reuse
    elif args.database:  # build into a database the caller names; kept at the end
        use_pg, database_url = True, args.database
        import psycopg

        name = args.database.rsplit("/", 1)[-1]
        with (
            contextlib.suppress(psycopg.errors.DuplicateDatabase),
            psycopg.connect(PG_SERVER, autocommit=True) as conn,
        ):
            conn.execute(f'CREATE DATABASE "{name}"')
    elif use_pg:
        database_url, drop = postgres_scratch_database(PG_NAME)
    try:
        setup_django(
            workdir,
            migrate=not args.reuse,
            reference_data=False,  # loaded by build(), inside its timing
            settings="config.settings.test",
            database_url=database_url,
            database_file="bench.sqlite3",
        )
        run(args, workdir, "PostgreSQL" if use_pg else "SQLite")
    finally:
        if drop and not args.keep:
            drop()


def build(args) -> None:
    """Units, personnel, sessions, participants and certificates, with bulk inserts."""
    from django.apps import apps
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from sessions.models import Participant, TrainingSession
    from training.models import Personnel, Rank, Unit
    from training.reference import reference_data_load

    rng = random.Random(7)
    reference_data_load()
    polda = Unit.objects.get(code="POLDA-KALBAR")
    polres = list(Unit.objects.filter(parent=polda, kind=Unit.Kind.POLRES).order_by("code"))
    existing = Unit.objects.filter(parent__in=polres, kind=Unit.Kind.POLSEK).count()
    for index in range(args.polsek - existing):
        Unit.objects.create(  # save() sets the materialized path: one by one, 150 units
            code=f"POLSEK-BENCH-{index:03d}",
            name=f"Polsek Bench {index:03d}",
            kind=Unit.Kind.POLSEK,
            parent=polres[index % len(polres)],
            timezone=polda.timezone,
        )
    units = list(Unit.objects.subtree_of(polda))
    ranks = list(Rank.objects.filter(category=Rank.Category.POLRI))
    password = make_password("bench-only")
    Personnel.objects.bulk_create(
        (
            Personnel(
                nrp=f"{90000000 + i:08d}",
                name=f"Personel {i:05d}",
                rank=rng.choice(ranks),
                unit=units[i % len(units)],
                password=password,
            )
            for i in range(args.personnel)
        ),
        batch_size=2000,
    )
    people = list(Personnel.objects.filter(nrp__startswith="9").values_list("pk", "unit_id"))
    now = timezone.now()
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            title=f"Polri Belajar {i + 1:02d}",
            host_unit=polda,
            start_at=now - timedelta(days=7 * (args.sessions - i)),
            end_at=now - timedelta(days=7 * (args.sessions - i)) + timedelta(hours=2),
            status=TrainingSession.Status.FINISHED,
        )
        for i in range(args.sessions)
    )
    certificate = None
    with contextlib.suppress(LookupError):
        certificate = apps.get_model("certificates", "Certificate")
    statuses = ["HADIR"] * 70 + ["TERLAMBAT"] * 8 + ["IZIN"] * 5 + ["SAKIT"] * 3
    statuses += ["DINAS"] * 4 + ["ALPA"] * 10
    sequence = 0
    for session in sessions:
        rows = []
        for person_id, unit_id in people:
            status = rng.choice(statuses)
            present = status in ("HADIR", "TERLAMBAT")
            taken = present and rng.random() < 0.9
            passed = taken and rng.random() < 0.8
            rows.append(
                Participant(
                    session=session,
                    personnel_id=person_id,
                    unit_id=unit_id,
                    attendance_status=status,
                    minutes_attended=rng.randint(60, 120) if present else 0,
                    quiz_score=(rng.randint(70, 100) if passed else rng.randint(0, 69))
                    if taken
                    else None,
                    quiz_passed=passed if taken else None,
                    completed_at=session.end_at if passed else None,
                )
            )
        created = Participant.objects.bulk_create(rows, batch_size=5000)
        if certificate is None:
            continue
        issued_on = session.start_at.date()
        certificates = []
        for participant in created:
            if not participant.quiz_passed:
                continue
            sequence += 1
            certificates.append(
                certificate(
                    participant_id=participant.pk,
                    issuer=polda,
                    year=issued_on.year,
                    sequence=sequence,
                    number=f"{sequence:06d}/SERT/POLDA-KALBAR/{issued_on.year}",
                    code=f"B{sequence:011d}",
                    status="ready",
                    recipient_name="-",
                    recipient_nrp="-",
                    recipient_unit="-",
                    session_title=session.title,
                    session_start=issued_on,
                    issued_on=issued_on,
                    signatory_name="-",
                )
            )
        certificate.objects.bulk_create(certificates, batch_size=5000)


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def run(args, workdir: Path, engine: str) -> None:
    from django.db import connection
    from django.db.models.functions import Substr
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from reports import selectors
    from reports.selectors import (
        _child_path_length,
        _count_annotations,
        _participants,
        report_data_build,
        report_filter_clean,
    )
    from reports.services import report_export_write, report_people_limit
    from sessions.models import Participant, TrainingSession
    from training.models import Personnel, Role, Unit

    build_seconds = 0.0
    if not args.reuse:
        started = time.perf_counter()
        build(args)
        build_seconds = time.perf_counter() - started
    if engine == "PostgreSQL":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    polda = Unit.objects.get(code="POLDA-KALBAR")
    participants = Participant.objects.count()
    units = Unit.objects.subtree_of(polda).count()
    print(f"Database: {engine}. Built in {build_seconds:.0f} s: {units} units under Polda Kalbar,")
    sessions = TrainingSession.objects.filter(host_unit=polda).count()
    print(
        f"  {Personnel.objects.count():,} personnel, {sessions} sessions, "
        f"{participants:,} participants."
    )

    from django.contrib.auth.models import Group

    # The commander is a personnel with no participations (added after the sessions).
    commander, _created = Personnel.objects.get_or_create(
        nrp="99999999", defaults={"name": "Kapolda Bench", "unit": polda}
    )
    commander.groups.add(Group.objects.get_or_create(name=Role.PIMPINAN)[0])
    commander = Personnel.objects.select_related("unit", "rank").get(pk=commander.pk)
    commander.role_names  # noqa: B018 - warm the cached roles

    translation.activate("id")
    timezone.activate(polda.timezone)
    filters = report_filter_clean(
        user=None, date_from=timezone.localdate() - timedelta(days=7 * 60)
    )

    # The baseline: the ranking's one GROUP BY, as SQL through a cursor.
    qs = (
        _participants(unit=polda, filters=filters)
        .annotate(group_key=Substr("unit__path", 1, _child_path_length(polda)))
        .values("group_key")
        .annotate(**_count_annotations())
        .order_by()
    )
    sql, params = qs.query.sql_with_params()

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    bare_seconds, bare_rows = timed(bare, repeat=3)

    def dashboard():
        report = selectors.completion_by_child_unit(user=commander, unit=polda, filters=filters)
        selectors.completion_trend(user=commander, unit=polda, filters=filters)
        return report

    def export(fmt: str):
        def go():
            data = report_data_build(
                unit=polda,
                filters=filters,
                requester=commander,
                people_limit=report_people_limit(fmt),
            )
            path = workdir / f"laporan.{fmt}"
            with open(path, "wb") as out:
                report_export_write(data=data, fmt=fmt, out=out)
            return path.stat().st_size

        return go

    cases = [("dashboard (ranking + trend)", dashboard, 3)]
    cases += [(f"export {fmt.upper()}", export(fmt), 1) for fmt in args.formats.split(",")]
    print(f"\nPolda-level report over {sessions} sessions ({len(bare_rows)} Polres rows).")
    print(
        f"{'step':<30}{'seconds':>10}{'x bare SQL':>12}{'queries':>9}{'peak MiB':>10}{'size':>12}"
    )
    print(f"{'bare aggregate SQL':<30}{bare_seconds:>10.3f}{1:>12.1f}{1:>9}{'':>10}{'':>12}")
    for label, fn, repeat in cases:
        with CaptureQueriesContext(connection) as queries:
            seconds, result = timed(fn, repeat=repeat)
        peak = float("nan")
        if not args.no_memory:
            tracemalloc.start()
            fn()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        size = f"{result / 2**20:.1f} MiB" if isinstance(result, int) else ""
        print(
            f"{label:<30}{seconds:>10.3f}{seconds / bare_seconds:>12.1f}"
            f"{len(queries) // repeat:>9}{peak:>10.1f}{size:>12}"
        )
    print(
        "\nThe PDF lists the first 2,000 people (the XLSX and CSV all of them); peak memory is "
        "Python's own (tracemalloc), measured in a separate, untimed pass."
    )


if __name__ == "__main__":
    main()
