"""python manage.py export_questions --module CODE [--output FILE]: the module's bank as GIFT."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.services import questions_export
from training.models import Module


class Command(BaseCommand):
    help = "Export a module's questions as GIFT (re-importable)."

    def add_arguments(self, parser):
        parser.add_argument("--module", required=True)
        parser.add_argument("--output", help="File to write (default: standard output)")

    def handle(self, *args, **options):
        module = Module.objects.filter(code=options["module"]).first()
        if module is None:
            raise CommandError(f"No module with code {options['module']!r}.")
        text = questions_export(module=module)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
