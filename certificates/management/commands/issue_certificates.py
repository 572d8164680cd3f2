"""Issue certificates to every eligible participant of a session, from the shell."""

from django.core.management.base import BaseCommand, CommandError

from certificates.models import Certificate
from certificates.services import (
    certificate_issue,
    certificate_render,
    participants_eligible,
    rule_context,
)
from sessions.models import TrainingSession
from training.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Issue certificates to every participant of a session who meets its completion rule. "
        "Idempotent. PDFs are rendered by the workers, or here with --render."
    )

    def add_arguments(self, parser):
        parser.add_argument("--session", type=int, required=True, help="training session id")
        parser.add_argument(
            "--render", action="store_true", help="render the PDFs in this process too"
        )

    def handle(self, *args, session: int, render: bool, **options):
        try:
            training_session = TrainingSession.objects.select_related("host_unit").get(pk=session)
        except TrainingSession.DoesNotExist as exc:
            raise CommandError(f"No training session with id {session}.") from exc
        context = rule_context(session=training_session)
        eligible = participants_eligible(session=training_session, context=context)
        issued, refused = 0, 0
        for participant in eligible.filter(certificates__isnull=True).select_related("personnel"):
            try:
                certificate_issue(participant=participant, context=context)
                issued += 1
            except ApplicationError as exc:
                refused += 1
                self.stderr.write(exc.message)
        rendered = 0
        if render:
            pending = Certificate.objects.filter(
                participant__session=training_session, status=Certificate.Status.PENDING
            ).values_list("pk", flat=True)
            for certificate_id in list(pending):
                rendered += certificate_render(certificate_id=certificate_id)
        self.stdout.write(
            f"{training_session}: {eligible.count()} eligible, {issued} issued now, "
            f"{refused} refused, {rendered} rendered here."
        )
