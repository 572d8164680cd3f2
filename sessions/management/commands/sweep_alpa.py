from django.core.management.base import BaseCommand

from sessions.services import attendance_sweep_alpa


class Command(BaseCommand):
    help = "Mark participants without a record as ALPA in ended sessions (each session once)."

    def handle(self, *args, **options):
        result = attendance_sweep_alpa()
        self.stdout.write(f"{result} participants marked ALPA")
