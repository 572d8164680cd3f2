from datetime import timedelta

from django.core.management.base import BaseCommand

from sessions.services import zoom_import_previews_purge


class Command(BaseCommand):
    help = (
        "Delete Zoom report uploads kept for a preview that nobody confirmed, older than "
        "SESSIONS_ZOOM_PREVIEW_MAX_AGE_HOURS (or --hours). Applied imports are kept. Idempotent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=float, help="Age in hours (default: the setting).")

    def handle(self, *args, **options) -> None:
        hours = options["hours"]
        deleted = zoom_import_previews_purge(
            older_than=None if hours is None else timedelta(hours=hours)
        )
        self.stdout.write(f"{deleted} unconfirmed Zoom report previews deleted")
