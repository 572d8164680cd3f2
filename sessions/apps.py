from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingSessionsConfig(AppConfig):
    """The `sessions` package. Its label is `training_sessions`: the label `sessions` belongs to
    django.contrib.sessions, and Django refuses two apps with one label."""

    name = "sessions"
    label = "training_sessions"
    verbose_name = _("Training sessions")
    default_auto_field = "django.db.models.BigAutoField"
