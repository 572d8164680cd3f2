"""Demo data at Polda scale against a bare bulk insert of the same number of rows, in one run.

    .venv/bin/python benchmarks/seed_demo.py

In a throwaway SQLite database (migrated) it times:
- baseline: `bulk_create` of 12,000 ready-made personnel rows, nothing else (the insert floor);
- one query per person: `save()` of 1,000 rows, the approach `demo_seed` avoids;
- `demo_seed(scale="polda")` on the empty database: reference data, 145 Polsek, ~12,300 people
  with names, NRPs, roles (only the training app's data: receivers of `demo_data_seeded` are
  left out, their apps measure their own);
- the same again, which must change nothing.
Each is printed as rows/s and as a ratio to the baseline.
"""

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
    with tempfile.TemporaryDirectory(prefix="polri-bench-seed-") as tmp:
        setup_django(Path(tmp), reference_data=False)
        from django.contrib.auth.hashers import make_password

        from training.models import Personnel, Unit
        from training.reference import reference_data_load
        from training.services.demo import POLDA_SCALE_PERSONNEL, demo_seed
        from training.signals import demo_data_seeded

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

        base_rate = POLDA_SCALE_PERSONNEL / base_s
        print(f"{summary.personnel_planned:,} demo personnel, {summary.units_created} new Polsek")
        print(f"SQLite (throwaway) in {tmp}\n")
        print(f"{'':42} {'seconds':>8} {'rows/s':>10} {'x baseline':>11}")
        lines = [
            ("baseline: bulk_create only", base_s, POLDA_SCALE_PERSONNEL),
            ("one query per person (1,000 rows)", row_s, 1000),
            ("demo_seed polda, empty database", seed_s, summary.personnel_planned),
            ("demo_seed polda again (no change)", again_s, summary.personnel_planned),
        ]
        for label, seconds, count in lines:
            rate = count / seconds
            print(f"{label:42} {seconds:8.2f} {rate:10,.0f} {rate / base_rate:11.2f}")


if __name__ == "__main__":
    main()
