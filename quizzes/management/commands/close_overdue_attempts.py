from django.core.management.base import BaseCommand

from quizzes.services import attempts_close_overdue


class Command(BaseCommand):
    help = "Close quiz attempts past their deadline and grade what was saved (what beat runs)."

    def handle(self, *args, **options):
        self.stdout.write(f"closed {attempts_close_overdue()} attempts")
