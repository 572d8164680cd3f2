from django.core.management.base import BaseCommand, CommandError

from training.errors import ApplicationError
from training.services.demo import SCALES, demo_seed


class Command(BaseCommand):
    help = (
        "Load the demo data: the reference units and ranks, a few hundred personnel over Polda "
        "Kalbar, its Polres and the Sanggau Polsek, and one login per role (Peserta, Operator, "
        "Pelatih, Pimpinan, Admin). Idempotent: a second run changes nothing, except that the "
        "demo accounts get their demo password back. --scale polda adds Polsek up to 150 in "
        "Kalbar and 12,000 more personnel (for benchmarks). Other apps add their own demo data "
        "by connecting a receiver to training.signals.demo_data_seeded in their "
        "AppConfig.ready(); it receives stdout (a callable or None) and scale. Refuses to run "
        "with production settings (the demo passwords are public)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--accounts",
            action="store_true",
            help="Print the demo accounts (role, NRP, name, unit, password) afterwards.",
        )
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default="demo",
            help="demo (default): a few hundred personnel; polda: 150 Polsek, 12,000 more.",
        )

    def handle(self, *args, **options) -> None:
        try:
            summary = demo_seed(scale=options["scale"], stdout=self.stdout.write)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({summary.scale} scale)."))
        if options["accounts"]:
            self._print_accounts(summary.accounts)

    def _print_accounts(self, rows) -> None:
        header = ("Role", "NRP", "Name", "Unit", "Password")
        lines = [(r.role, r.nrp, f"{r.rank} {r.name}".strip(), r.unit, r.password) for r in rows]
        widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(5)]
        self.stdout.write("")
        self.stdout.write("Demo accounts (log in with the NRP and password):")
        for line in [header, tuple("-" * w for w in widths), *lines]:
            self.stdout.write(
                "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            )
