"""Run the certificates sweep once (what Celery beat runs every five minutes)."""

from django.core.management.base import BaseCommand

from certificates.services import certificates_sweep


class Command(BaseCommand):
    help = (
        "Re-enqueue certificates and jobs left pending, and issue certificates to participants "
        "of recently ended sessions who completed without one."
    )

    def handle(self, *args, **options):
        result = certificates_sweep()
        self.stdout.write(
            f"re-enqueued {result.certificates_enqueued} certificates and "
            f"{result.jobs_enqueued} jobs; issued {result.certificates_issued} certificates"
        )
