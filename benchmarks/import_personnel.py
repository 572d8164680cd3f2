"""Personnel import throughput against the bare csv module, measured in one run.

    .venv/bin/python benchmarks/import_personnel.py [--rows 10000]

Generates an HR (Bag SDM) list as Excel saves it (UTF-8 with BOM, semicolons) spread over the
Polda Kalbar units, with ranks and units written the ways real lists write them, and imports it
into a throwaway SQLite database in a temporary folder (migrated, reference data loaded). Prints
rows/s for: parsing with the csv module alone (the baseline), this project's reader alone, the
full import that creates everyone, a dry run, a re-import that changes nothing, and a re-import
in which a tenth of the people transfer (mutasi); each with its ratio to the baseline.

Then the same list as an XLSX workbook (XlsxWriter, shared strings, NRP as text) and as one with
inline strings (XlsxWriter's constant_memory mode): this project's reader against iterating the
first sheet with openpyxl's read-only mode (the baseline of that table), both in this run; and an
XLSX bomb (one row declaring `--bomb-mb` MB of cells) with the reader's time and peak Python
memory (tracemalloc) until it refuses the file.
"""

import argparse
import csv
import io
import random
import statistics
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

from _setup import setup_django

RANK_SPELLINGS = [
    "BRIGADIR",
    "Brigpol",
    "BRIPKA",
    "Bripda",
    "BRIPTU",
    "AIPDA",
    "AIPTU",
    "IPDA",
    "Iptu",
    "AKP",
    "KOMPOL",
    "AKBP",
    "KBP",
    "Kombes Pol.",
]
PNS_SPELLINGS = ["PNS III/a", "PENATA MUDA TK. I", "II/b", "Pengatur Muda (II/a)", "Penata"]
POSITIONS = ["Banit Sabhara", "Bamin Sie Humas", "Kanit Reskrim", "Paur Subbag Renmin", "Bhabin"]


def unit_cells() -> list[str]:
    """How a list writes each Kalbar unit: by code, by name, or name with parent."""
    from training.models import Unit

    kalbar = Unit.objects.get(code="POLDA-KALBAR")
    cells = []
    for unit in Unit.objects.subtree_of(kalbar).select_related("parent"):
        cells.append(unit.code)
        if unit.kind == Unit.Kind.POLSEK:
            cells.append(f"{unit.name}, {unit.parent.name}")
        else:
            cells.append(unit.name.upper())
    return cells


def generate_rows(count: int, units: list[str], rng: random.Random) -> list[list[str]]:
    rows, nips = [], set()
    for index in range(count):
        if index % 10 == 9:
            # NIP: birth date (8), appointment year and month (6), sex (1), sequence (3).
            while True:
                born = f"19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                appointed = f"{rng.randint(2005, 2022)}{rng.randint(1, 12):02d}"
                nrp = f"{born}{appointed}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
                if nrp not in nips:
                    nips.add(nrp)
                    break
            rank = rng.choice(PNS_SPELLINGS)
        else:
            nrp = f"{index:08d}"  # low numbers keep real leading zeros in the file
            rank = rng.choice(RANK_SPELLINGS)
        name = f"Personel {index:05d}" + (", S.H." if index % 7 == 0 else "")
        rows.append([nrp, name, rank, rng.choice(POSITIONS), rng.choice(units)])
    return rows


def to_csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["NRP", "NAMA", "PANGKAT", "JABATAN", "SATUAN"])
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def to_xlsx_bytes(rows: list[list[str]], *, inline: bool = False) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": inline})
    sheet = workbook.add_worksheet()
    for index, row in enumerate([["NRP", "NAMA", "PANGKAT", "JABATAN", "SATUAN"], *rows]):
        sheet.write_row(index, 0, row)
    workbook.close()
    return buffer.getvalue()


def xlsx_bomb(megabytes: int) -> bytes:
    """A workbook whose first sheet is one row of `megabytes` MB of numeric cells (numbered, so
    the sheet packs about 80:1, as a hand-made bomb does, and passes a check of the
    archive's declared ratio alone)."""
    cells, size, index = [], 0, 0
    while size < megabytes * 1024 * 1024:
        cell = f"<c><v>{index % 300}</v></c>".encode()
        cells.append(cell)
        size += len(cell)
        index += 1
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        + b"".join(cells)
        + b"</row></sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def openpyxl_read_only(data: bytes) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(
        io.BytesIO(data), read_only=True, data_only=True, keep_links=False
    )
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        return sum(1 for _ in sheet.iter_rows(max_col=60, values_only=True)) - 1
    finally:
        workbook.close()


def peak_memory(action: Callable[[], object]) -> tuple[float, int, str]:
    """Wall time, peak traced Python memory and the outcome ("ok" or the refusal)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        action()
        outcome = "read"
    except Exception as exc:  # noqa: BLE001 - the outcome is printed, whatever it is
        outcome = f"refused: {exc}"[:100]
    seconds = time.perf_counter() - started
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, outcome


def timed(action: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Median wall time over `repeat` runs, and the last run's return value."""
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20221107)
    parser.add_argument("--bomb-mb", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="polri-belajar-bench-") as folder:
        setup_django(Path(folder))
        from training.importers.personnel import parse_personnel_file
        from training.services.personnel import personnel_import

        rng = random.Random(args.seed)
        units = unit_cells()
        rows = generate_rows(args.rows, units, rng)
        data = to_csv_bytes(rows)
        count = len(rows)

        def csv_only() -> int:
            text = data.decode("utf-8-sig")
            return len(list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))) - 1

        def run(payload: bytes, *, dry_run: bool = False):
            result = personnel_import(source=payload, dry_run=dry_run)
            if not result.ok:
                raise SystemExit("import failed: " + "; ".join(map(str, result.errors[:5])))
            return result

        baseline, parsed = timed(csv_only, repeat=5)
        assert parsed == count
        reader_time, _ = timed(lambda: parse_personnel_file(data), repeat=3)
        dry_time, dry = timed(lambda: run(data, dry_run=True), repeat=3)
        create_time, created = timed(lambda: run(data))
        again_time, again = timed(lambda: run(data), repeat=3)
        moved = [
            [*row[:4], rng.choice(units)] if index % 10 == 0 else row
            for index, row in enumerate(rows)
        ]
        moved_data = to_csv_bytes(moved)
        transfer_time, transfers = timed(lambda: run(moved_data))

        assert dry.created == count and created.created == count, (dry, created)
        assert again.unchanged == count, again

        print(f"{count:,} rows, {len(data) / 1024:,.0f} KiB, over {len(units) // 2} Kalbar units")
        print(f"SQLite (throwaway) in {folder}\n")
        print(f"{'':34} {'seconds':>8} {'rows/s':>10} {'x csv module':>13}")
        lines = [
            ("csv module alone (baseline)", baseline, ""),
            ("reader alone (parse_personnel_file)", reader_time, ""),
            ("dry run (parse + validate)", dry_time, f"{dry.created:,} to create"),
            ("full import (create)", create_time, f"{created.created:,} created"),
            ("re-import (unchanged)", again_time, f"{again.unchanged:,} unchanged"),
            ("re-import with transfers", transfer_time, f"{transfers.updated:,} updated"),
        ]
        for label, seconds, note in lines:
            print(
                f"{label:34} {seconds:8.3f} {count / seconds:10,.0f} {seconds / baseline:12.1f}x"
                f"  {note}"
            )

        print(f"\n{'XLSX reader':34} {'seconds':>8} {'rows/s':>10} {'x openpyxl':>13}")
        for label, workbook in (
            ("shared strings", to_xlsx_bytes(rows)),
            ("inline strings", to_xlsx_bytes(rows, inline=True)),
        ):
            assert openpyxl_read_only(workbook) == count
            base, _ = timed(lambda workbook=workbook: openpyxl_read_only(workbook), repeat=3)
            mine, parsed_file = timed(lambda workbook=workbook: parse_personnel_file(workbook), 3)
            assert len(parsed_file.rows) == count
            for name, seconds in ((f"openpyxl read-only ({label})", base), (label, mine)):
                print(f"{name:34} {seconds:8.3f} {count / seconds:10,.0f} {seconds / base:12.2f}x")
        bomb = xlsx_bomb(args.bomb_mb)
        seconds, peak, outcome = peak_memory(lambda: parse_personnel_file(bomb))
        print(
            f"\nXLSX bomb: {len(bomb) / 1024:,.0f} KiB declaring {args.bomb_mb} MB in one row: "
            f"{seconds:.3f} s, peak {peak / 1024 / 1024:,.1f} MiB traced; {outcome}"
        )


if __name__ == "__main__":
    main()
