"""Import personnel from an HR (Bag SDM) list: CSV (UTF-8, comma or semicolon) or XLSX.

    python manage.py import_personnel daftar_personel.xlsx --dry-run
    python manage.py import_personnel daftar_personel.csv --json

Every row is checked first; if any row is bad nothing is written, every problem is printed as
"line N: reason" and the command exits with status 1. The command line acts as an Admin (any unit).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.importers.personnel import max_file_bytes
from training.services.personnel import ImportProblem, ImportResult, personnel_import


class Command(BaseCommand):
    help = "Import personnel (NRP, NAMA, PANGKAT, JABATAN, SATUAN) from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV (UTF-8) or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count, write nothing"
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print a machine-readable summary"
        )

    def handle(self, *args, file: Path, dry_run: bool, as_json: bool, **options) -> None:
        result = self._import(file, dry_run=dry_run)
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._print_summary(result)
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} problem(s) found; nothing was imported.", returncode=1
            )

    def _import(self, file: Path, *, dry_run: bool) -> ImportResult:
        try:
            if file.stat().st_size > max_file_bytes():
                return ImportResult(
                    dry_run=dry_run,
                    errors=[
                        ImportProblem(
                            line=None,
                            message=f"{file} is larger than {max_file_bytes() // 2**20} MB.",
                        )
                    ],
                )
            with file.open("rb") as handle:
                return personnel_import(source=handle, dry_run=dry_run)
        except OSError as exc:
            return ImportResult(
                dry_run=dry_run,
                errors=[ImportProblem(line=None, message=f"{file}: {exc.strerror}")],
            )

    def _print_summary(self, result: ImportResult) -> None:
        for problem in result.errors:
            self.stderr.write(str(problem))
        if result.errors:
            return
        verb = "would be" if result.dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} rows: {result.created} {verb} created, "
                f"{result.updated} {verb} updated, {result.unchanged} unchanged."
                + (" (dry run: nothing written)" if result.dry_run else "")
            )
        )
