from django.core.management.base import BaseCommand

from training.reference import reference_data_load


class Command(BaseCommand):
    help = "Load (or refresh) Polri ranks, PNS grades and the reference unit tree. Idempotent."

    def handle(self, *args, **options) -> None:
        summary = reference_data_load()
        self.stdout.write(
            self.style.SUCCESS(f"Reference data: {summary.ranks} ranks, {summary.units} units.")
        )
