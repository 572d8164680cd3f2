from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _seed_demo_quiz(sender, stdout=None, **kwargs) -> None:
    from .demo import quiz_demo_seed

    quiz_demo_seed(stdout=stdout)


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from training.signals import demo_data_seeded

        # Connected after sessions' receiver (app order), so the demo session exists by then.
        demo_data_seeded.connect(_seed_demo_quiz, dispatch_uid="quizzes_demo_data")
