from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _seed_demo_quiz(sender, stdout=None, scale: str = "demo", **kwargs) -> None:
    from .demo import quiz_demo_seed

    quiz_demo_seed(stdout=stdout, scale=scale)


def session_quiz_links(*, session, user) -> list[tuple[str, str]]:
    """Session page links (sessions.extensions). Those who manage the session get each quiz (or
    the form for a first one) and, like a Pimpinan in scope, its results and statistics; a
    participant gets their latest attempt (to continue it, or its result) or the quiz page to
    start one."""
    from sessions.selectors import participant_for, session_can_manage

    from .models import Attempt
    from .selectors import quiz_can_manage, quiz_can_view_results, quizzes_visible_to

    links: list[tuple[str, str]] = []
    quizzes = list(quizzes_visible_to(user=user).filter(session=session).order_by("kind"))
    if not quizzes:
        if session_can_manage(user=user, session=session):
            links.append((str(_("New quiz")), _url("new", session.pk)))
        return links
    invited = participant_for(session=session, user=user) is not None
    latest: dict[int, Attempt] = {}
    for attempt in Attempt.objects.filter(quiz__in=quizzes, participant__personnel=user).order_by(
        "number"
    ):
        latest[attempt.quiz_id] = attempt
    for quiz in quizzes:
        attempt = latest.get(quiz.pk)
        if attempt is not None and attempt.accepts_answers():
            links.append((f"{_('Start or continue')}: {quiz}", _url("attempt", attempt.pk)))
        elif attempt is not None:
            links.append((f"{_('Result')}: {quiz}", _url("result", attempt.pk)))
        elif invited or quiz_can_manage(user=user, quiz=quiz):
            links.append((f"{_('Quiz')}: {quiz}", _url("detail", quiz.pk)))
        if quiz_can_view_results(user=user, quiz=quiz):
            links.append((f"{_('Results')}: {quiz}", _url("results", quiz.pk)))
            links.append((f"{_('Statistics')}: {quiz}", _url("statistics", quiz.pk)))
    return links


def _url(name: str, pk: int) -> str:
    from django.urls import reverse

    return reverse(f"quizzes:{name}", args=[pk])


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions.extensions import register_session_link_provider
        from training.signals import demo_data_seeded

        # Connected after sessions' receiver (app order), so the demo session exists by then.
        demo_data_seeded.connect(_seed_demo_quiz, dispatch_uid="quizzes_demo_data")
        register_session_link_provider(session_quiz_links)
