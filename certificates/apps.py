from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions.signals import participant_changed
        from training.signals import demo_data_seeded

        from . import receivers

        participant_changed.connect(
            receivers.participant_changed, dispatch_uid="certificates_auto_issue"
        )
        demo_data_seeded.connect(receivers.demo_data_seeded, dispatch_uid="certificates_demo")
