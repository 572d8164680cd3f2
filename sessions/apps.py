from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingSessionsConfig(AppConfig):
    """The `sessions` package. Its label is `training_sessions`: the label `sessions` belongs to
    django.contrib.sessions, and Django refuses two apps with one label."""

    name = "sessions"
    label = "training_sessions"
    verbose_name = _("Training sessions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from training.access import register_module_access_provider, register_module_usage_provider
        from training.models import Personnel
        from training.signals import demo_data_seeded

        from . import receivers, selectors

        post_save.connect(
            receivers.personnel_saved, sender=Personnel, dispatch_uid="sessions_personnel_saved"
        )
        demo_data_seeded.connect(receivers.demo_data_seeded, dispatch_uid="sessions_demo_data")
        # Invitees read the materials of their sessions' modules; module pages list the sessions.
        register_module_access_provider(selectors.module_ids_for_participant)
        register_module_usage_provider(selectors.sessions_using_module)
