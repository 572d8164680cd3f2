"""Demo data at Polda scale against a bare bulk insert of the same number of rows, in one run.

    .venv/bin/python benchmarks/seed_demo.py [--apps-polda]

In a throwaway SQLite database (migrated) it times:
- baseline: `bulk_create` of 12,000 ready-made personnel rows, nothing else (the insert floor);
- one query per person: `save()` of 1,000 rows, the approach `demo_seed` avoids;
- `demo_seed(scale="polda")` on the empty database: reference data, 145 Polsek, ~12,300 people
  with names, NRPs, roles (only the training app's data: receivers of `demo_data_seeded` are
  left out, their apps measure their own);
- the same again, which must change nothing;
- then, on an emptied database, `demo_seed()` at the demo scale with every app's demo data (what
  `make run` does: sessions, attendance, the post-test attempts, certificates and the PDFs of
  the demo accounts' certificates, on the filesystem broker), and again (no change);
- with `--apps-polda`, the polda scale with every app's demo data as well (a minute or more).
Each is printed as rows/s (personnel) and as a ratio to the baseline.
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _setup import setup_django


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps-polda", action="store_true", help="also the polda scale, all apps")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polri-bench-seed-") as tmp:
        setup_django(Path(tmp), reference_data=False)
        from django.contrib.auth.hashers import make_password
        from django.core.management import call_command

        from training.models import Personnel, Unit
        from training.reference import reference_data_load
        from training.services.demo import POLDA_SCALE_PERSONNEL, demo_seed
        from training.signals import demo_data_seeded

        receivers = demo_data_seeded.receivers
        demo_data_seeded.receivers = []  # the training app's data only (see the docstring)
        reference_data_load()
        unit = Unit.objects.get(code="POLRES-SANGGAU")

        def rows(count: int, prefix: str) -> list:
            return [
                Personnel(
                    nrp=f"{prefix}{i:07d}",
                    name=f"Personel {i}",
                    unit=unit,
                    position="Banit",
                    password=make_password(None),
                )
                for i in range(count)
            ]

        baseline_rows = rows(POLDA_SCALE_PERSONNEL, "9")
        base_s, _ = timed(lambda: Personnel.objects.bulk_create(baseline_rows, batch_size=1000))
        per_row = rows(1000, "8")
        row_s, _ = timed(lambda: [person.save() for person in per_row])
        Personnel.objects.all().delete()

        seed_s, summary = timed(lambda: demo_seed(scale="polda"))
        again_s, again = timed(lambda: demo_seed(scale="polda"))
        assert again.personnel_created == 0 and again.units_created == 0

        def full(scale: str) -> list[tuple[str, float, int]]:
            call_command("flush", interactive=False, verbosity=0)
            demo_data_seeded.receivers = receivers
            demo_data_seeded.sender_receivers_cache.clear()
            seconds, planned = timed(lambda: demo_seed(scale=scale))
            again_seconds, _again = timed(lambda: demo_seed(scale=scale))
            count = planned.personnel_planned
            return [
                (f"demo_seed {scale}, all apps, empty database", seconds, count),
                (f"demo_seed {scale}, all apps, again", again_seconds, count),
            ]

        extra = full("demo") + (full("polda") if args.apps_polda else [])

        base_rate = POLDA_SCALE_PERSONNEL / base_s
        print(f"{summary.personnel_planned:,} demo personnel, {summary.units_created} new Polsek")
        print(f"SQLite (throwaway) in {tmp}\n")
        print(f"{'':44} {'seconds':>8} {'rows/s':>10} {'x baseline':>11}")
        lines = [
            ("baseline: bulk_create only", base_s, POLDA_SCALE_PERSONNEL),
            ("one query per person (1,000 rows)", row_s, 1000),
            ("demo_seed polda, empty database", seed_s, summary.personnel_planned),
            ("demo_seed polda again (no change)", again_s, summary.personnel_planned),
            *extra,
        ]
        for label, seconds, count in lines:
            rate = count / seconds
            print(f"{label:44} {seconds:8.2f} {rate:10,.0f} {rate / base_rate:11.2f}")


if __name__ == "__main__":
    main()
