"""Zoom participant report import throughput against the bare csv module, measured in one run.

    .venv/bin/python benchmarks/zoom_import.py [--rows 10000] [--people 2500]

Creates a throwaway SQLite database in a temporary folder (migrated, reference units loaded), a
session of Polda Kalbar with `--people` invited personnel, and a generated `--rows` report in the
Indonesian layout (summary block, semicolons, UTF-8 BOM, D/M/Y dates) where each person appears
several times (rejoins, overlapping devices) under names written by NRP, e-mail, rank + name,
or a phone model. `participant_changed` receivers of other apps are disconnected while timing.
Prints rows/s for: parsing with the csv module alone (the baseline), this
project's parser alone, the full analysis (parse + match + merge), the first import (writes) and
a re-import of the same file (writes nothing), each with its ratio to the baseline.
"""

import argparse
import csv
import io
import random
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from _setup import setup_django

WIB = ZoneInfo("Asia/Pontianak")
START = datetime(2022, 11, 15, 9, 0, tzinfo=WIB)


def make_people(count: int):
    from django.contrib.auth.hashers import make_password

    from training.models import Personnel, Rank, Unit

    rng = random.Random(7)
    units = list(Unit.objects.subtree_of(Unit.objects.get(code="POLDA-KALBAR")))
    ranks = list(Rank.objects.filter(category="POLRI"))
    first = ["Andi", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hadi", "Indra", "Joko"]
    last = ["Saputra", "Santoso", "Wijaya", "Lestari", "Nugroho", "Siregar", "Pratama", "Hasibuan"]
    password = make_password(None)
    people = [
        Personnel(
            nrp=f"{90000000 + i:08d}",
            name=f"{rng.choice(first)} {rng.choice(last)} {i}",
            rank=rng.choice(ranks),
            unit=rng.choice(units),
            email=f"p{i}@polri.go.id",
            password=password,
        )
        for i in range(count)
    ]
    Personnel.objects.bulk_create(people, batch_size=1000)
    return list(Personnel.objects.select_related("rank").filter(nrp__startswith="9"))


def make_session(people):
    from sessions.services import session_create, session_publish
    from training.models import Personnel, Unit

    trainer = Personnel.objects.create_user(
        "80070412", "x", name="Hendra Gunawan", unit=Unit.objects.get(code="POLDA-KALBAR")
    )
    trainer.is_superuser = True
    trainer.save(update_fields=["is_superuser"])
    trainer = Personnel.objects.get(pk=trainer.pk)
    session = session_create(
        user=trainer,
        title="Polri Belajar: Cyber Crime",
        host_unit=Unit.objects.get(code="POLDA-KALBAR"),
        start_at=START,
        end_at=START + timedelta(hours=2),
        zoom_join_url="https://us02web.zoom.us/j/81234567890",
        invited_units=[Unit.objects.get(code="POLDA-KALBAR")],
    )
    return session_publish(session=session, user=trainer, now=START - timedelta(days=1)), trainer


def make_report(people, rows: int) -> bytes:
    rng = random.Random(11)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Topik", "ID", "Nama host", "Waktu mulai", "Waktu berakhir", "Peserta"])
    writer.writerow(["Cyber Crime", "812 3456 7890", "Humas", "15/11/2022 09:00:00", "", rows])
    writer.writerow([])
    writer.writerow(
        ["Nama (nama asli)", "Email", "Waktu bergabung", "Waktu keluar", "Durasi (menit)", "Tamu"]
    )

    def stamp(moment: datetime) -> str:
        return moment.strftime("%d/%m/%Y %H:%M:%S")

    for i in range(rows):
        person = people[i % len(people)]
        style = rng.random()
        if style < 0.3:
            name, email = f"{person.nrp}_{person.name}", ""
        elif style < 0.55:
            name, email = person.name.split()[0], person.email
        elif style < 0.95:
            name, email = f"{person.rank.abbreviation} {person.name}", ""
        else:
            name, email = f"Galaxy A{rng.randint(10, 99)}", ""
        join = START + timedelta(seconds=rng.randint(-600, 5400))
        leave = join + timedelta(seconds=rng.randint(60, 4000))
        minutes = max(1, int((leave - join).total_seconds() + 59) // 60)
        writer.writerow([name, email, stamp(join), stamp(leave), minutes, "Ya"])
    return ("\ufeff" + out.getvalue()).encode()


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zoom-import-bench-") as folder:
        # Tasks that receivers enqueue go to the throwaway broker folder, not run inline.
        setup_django(Path(folder))
        from sessions.importers.zoom import parse_report
        from sessions.services import zoom_report_analyse, zoom_report_import

        people = make_people(args.people)
        session, trainer = make_session(people)
        content = make_report(people, args.rows)
        text = content.decode("utf-8-sig")

        def csv_only():
            return sum(1 for _ in csv.reader(io.StringIO(text), delimiter=";"))

        baseline = best_of(5, csv_only)
        results = [("csv module (baseline)", baseline)]
        results.append(("parser only", best_of(3, lambda: parse_report(content, tz=WIB))))
        results.append(
            (
                "analysis (parse+match+merge)",
                best_of(3, lambda: zoom_report_analyse(session=session, content=content)),
            )
        )
        # Receivers of other apps (certificates issue on `participant_changed`) are timed by
        # their own benchmarks: measure the import itself.
        from sessions.signals import participant_changed

        receivers, participant_changed.receivers = participant_changed.receivers, []
        participant_changed.sender_receivers_cache.clear()
        began = time.perf_counter()
        plan, applied = zoom_report_import(session=session, content=content, user=trainer)
        results.append(("first import (writes)", time.perf_counter() - began))
        began = time.perf_counter()
        _plan2, again = zoom_report_import(session=session, content=content, user=trainer)
        results.append(("re-import (no change)", time.perf_counter() - began))
        participant_changed.receivers = receivers

        print(
            f"{args.rows} rows, {args.people} invited; matched {len(plan.matched)} people, "
            f"{len(plan.unmatched)} unmatched names; first import changed "
            f"{applied['participants_changed']}, re-import changed {again['participants_changed']}"
        )
        print(f"{'step':32} {'seconds':>9} {'rows/s':>11} {'x csv time':>11}")
        for label, seconds in results:
            print(
                f"{label:32} {seconds:9.3f} {args.rows / seconds:11,.0f} {seconds / baseline:11.1f}"
            )
        if again["participants_changed"] != 0:
            raise SystemExit("re-import changed rows: the import is not idempotent")


if __name__ == "__main__":
    main()
