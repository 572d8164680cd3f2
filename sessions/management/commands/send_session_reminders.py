from django.core.management.base import BaseCommand

from sessions.services import session_reminders_send


class Command(BaseCommand):
    help = "Send due session reminders (each participant once)."

    def handle(self, *args, **options):
        result = session_reminders_send()
        self.stdout.write(f"{result} emails sent")
