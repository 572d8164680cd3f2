from django.core.management.base import BaseCommand

from sessions.services import session_statuses_advance


class Command(BaseCommand):
    help = "Move sessions to live at the start and to finished at the end."

    def handle(self, *args, **options):
        result = session_statuses_advance()
        self.stdout.write(f"{result} sessions changed")
