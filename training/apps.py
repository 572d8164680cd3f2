from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Organisation and curriculum")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .signals import demo_data_seeded

        # Connected here, before the higher apps' receivers, so their demo sessions find the
        # curriculum in place.
        demo_data_seeded.connect(_seed_curriculum, dispatch_uid="training.curriculum_seed")


def _seed_curriculum(sender, stdout=None, **kwargs) -> None:
    from .services.curriculum import curriculum_seed

    modules = curriculum_seed()
    if stdout:
        stdout(f"Curriculum: {len(modules)} cyber-crime modules")
