"""`manage.py completion_report --unit CODE [--session ID | --from DATE --to DATE] --format pdf
--output FILE`: the same export the dashboard's buttons make, written straight to a file."""

import time
from datetime import date
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from reports.selectors import report_data_build, report_filter_clean
from reports.services import report_export_write, report_people_limit
from training.errors import ApplicationError
from training.models import Personnel, Unit


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Write a completion report (PDF, XLSX or CSV) for a unit and its subtree."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", required=True, help="Unit code, e.g. POLDA-KALBAR")
        parser.add_argument("--session", type=int, help="One session (id)")
        parser.add_argument("--module", type=int, help="Only sessions presenting this module")
        parser.add_argument("--from", dest="date_from", type=_date, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=_date, help="Last day, YYYY-MM-DD")
        parser.add_argument("--format", required=True, choices=["pdf", "xlsx", "csv"])
        parser.add_argument("--output", required=True, help="File to write")
        parser.add_argument("--signer", help="NRP of the commander who signs the PDF")
        parser.add_argument("--language", default="id", choices=["id", "en"])

    def handle(self, *args, **options) -> None:
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No unit with code {options['unit']!r}.")
        signer = None
        if options["signer"]:
            signer = (
                Personnel.objects.select_related("rank", "unit")
                .filter(nrp=options["signer"])
                .first()
            )
            if signer is None:
                raise CommandError(f"No personnel with NRP {options['signer']!r}.")
        started = time.perf_counter()
        with translation.override(options["language"]), timezone.override(ZoneInfo(unit.timezone)):
            try:
                filters = report_filter_clean(
                    user=None,
                    session_id=options["session"],
                    module_id=options["module"],
                    date_from=options["date_from"],
                    date_to=options["date_to"],
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            data = report_data_build(
                unit=unit,
                filters=filters,
                requester=signer,
                people_limit=report_people_limit(options["format"]),
            )
            with open(options["output"], "wb") as out:
                report_export_write(data=data, fmt=options["format"], out=out)
        self.stdout.write(
            f"{options['output']}: {unit.name}, {data.period_label}, "
            f"{data.people_count} participants, {time.perf_counter() - started:.1f} s"
        )
