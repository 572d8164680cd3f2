"""Import a Zoom participant report into a session's attendance."""

import json
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError

from sessions.models import TrainingSession
from sessions.services import zoom_report_import
from training.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Import a Zoom participant report (CSV) into a session's attendance. "
        "A bad file is refused with line-numbered reasons and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--session", type=int, required=True, help="Training session id")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show the result, write nothing")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON")
        parser.add_argument(
            "--timezone",
            default="",
            help="Time zone of the times in the report (default: the host unit's)",
        )

    def handle(self, *args, **options):
        try:
            session = TrainingSession.objects.select_related("host_unit").get(pk=options["session"])
        except TrainingSession.DoesNotExist as exc:
            raise CommandError(f"No training session with id {options['session']}.") from exc
        try:
            content = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        tz = None
        if options["timezone"]:
            try:
                tz = ZoneInfo(options["timezone"])
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise CommandError(f"Unknown time zone {options['timezone']!r}.") from exc
        try:
            plan, applied = zoom_report_import(
                session=session, content=content, dry_run=options["dry_run"], tz=tz
            )
        except ApplicationError as exc:
            problems = exc.extra.get("problems")
            if problems:
                lines = "\n".join(f"  line {p['line']}: {p['message']}" for p in problems)
                raise CommandError(f"The file was refused, nothing was written:\n{lines}") from exc
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps({**plan.as_dict(), "applied": applied, "dry_run": options["dry_run"]})
            )
            return
        self.stdout.write(
            f"{plan.rows} rows: {len(plan.matched)} people matched, "
            f"{len(plan.unmatched)} names unmatched, {len(plan.vicon)} vicon connections; "
            f"present from {plan.threshold_minutes} minutes."
        )
        for person in plan.matched:
            mark = "*" if person.changes else " "
            self.stdout.write(
                f" {mark} {person.name} ({person.unit}) by {person.matched_by}: "
                f"{person.minutes} min, {person.current_status or '-'} → {person.new_status or '-'}"
            )
        for name in plan.unmatched:
            lines = ", ".join(str(n) for n in name.lines)
            self.stdout.write(f"   unmatched: {name.name} (lines {lines}, {name.minutes} min)")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing written.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{applied['participants_changed']} participants updated.")
            )
