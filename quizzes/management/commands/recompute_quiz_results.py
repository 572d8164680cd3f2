from django.core.management.base import BaseCommand, CommandError

from quizzes.models import Quiz
from quizzes.services import quiz_results_recompute


class Command(BaseCommand):
    help = (
        "Recompute the post-test results stored on participants from their graded attempts "
        "(what runs after the grading method or pass mark changes). Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiz", type=int, required=True, help="Quiz id.")

    def handle(self, *args, quiz: int, **options):
        if not Quiz.objects.filter(pk=quiz).exists():
            raise CommandError(f"No quiz {quiz}.")
        run = quiz_results_recompute(quiz_id=quiz)
        self.stdout.write(f"{run.changed} participants' results changed")
