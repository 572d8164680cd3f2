from django.core.management.base import BaseCommand

from sessions.services import upcoming_sessions_sync


class Command(BaseCommand):
    help = "Re-synchronise the participant lists of sessions that have not started."

    def handle(self, *args, **options):
        result = upcoming_sessions_sync()
        self.stdout.write(f"{result} sessions synchronised")
