from datetime import timedelta

from django.core.management.base import BaseCommand

from training.services.personnel import personnel_import_uploads_purge


class Command(BaseCommand):
    help = (
        "Delete personnel lists kept for a preview that nobody confirmed, older than "
        "PERSONNEL_IMPORT_PREVIEW_MAX_AGE_HOURS (or --hours). Idempotent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=float, help="Age in hours (default: the setting).")

    def handle(self, *args, **options) -> None:
        hours = options["hours"]
        deleted = personnel_import_uploads_purge(
            older_than=None if hours is None else timedelta(hours=hours)
        )
        self.stdout.write(f"{deleted} unconfirmed personnel lists deleted")
