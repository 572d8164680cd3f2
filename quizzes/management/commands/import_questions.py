"""python manage.py import_questions --module CODE FILE [--format gift|aiken] [--dry-run] [--json]

A file with errors writes nothing and every problem is listed with its line number (exit 1).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.services import questions_import
from training.errors import ApplicationError
from training.models import Module


class Command(BaseCommand):
    help = "Import GIFT or Aiken questions into a module's question bank."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--module", required=True, help="Module code")
        parser.add_argument("--format", choices=["gift", "aiken"], default=None,
                            help="Default: aiken for *.aiken files, else gift")  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")

    def handle(self, *args, **options):
        module = Module.objects.filter(code=options["module"]).first()
        if module is None:
            raise CommandError(f"No module with code {options['module']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        fmt = options["format"] or ("aiken" if path.suffix.lower() == ".aiken" else "gift")
        try:
            report = questions_import(
                module=module, content=path.read_bytes(), fmt=fmt, dry_run=options["dry_run"]
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for problem in report.problems:
                label = "skipped" if problem.kind == "skipped" else "error"
                self.stdout.write(f"{path.name}:{problem.line}: {label}: {problem.message}")
            if report.ok:
                verb = "would create" if not report.written else "created"
                self.stdout.write(
                    f"{verb} {report.created} questions "
                    f"({len(report.duplicates)} already present) in {module.code}"
                )
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s); nothing was imported.")
