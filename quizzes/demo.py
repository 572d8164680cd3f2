"""Demo data: a GIFT post-test for the demo "Cyber Crime" session. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.db import transaction

from sessions.models import TrainingSession
from training.models import Module

from .models import Category, Quiz
from .services import questions_import

DEMO_GIFT = Path(__file__).parent / "data" / "demo_cyber_crime.gift"


@transaction.atomic
def quiz_demo_seed(*, stdout=None) -> Quiz | None:
    session = TrainingSession.objects.filter(title__icontains="Cyber Crime").order_by("pk").first()
    if session is None:
        if stdout:
            stdout("quizzes: no Cyber Crime demo session; no demo quiz.")
        return None
    link = session.session_modules.select_related("module").order_by("order", "id").first()
    module = link.module if link else None
    if module is None:
        module, _created = Module.objects.get_or_create(
            code="cyber-crime", defaults={"title": "Penanganan Cyber Crime"}
        )
    report = questions_import(module=module, content=DEMO_GIFT.read_text(), fmt="gift")
    if not report.ok:  # the bundled file is tested; this guards against editing mistakes
        raise RuntimeError(f"Demo GIFT file has errors: {report.errors}")
    quiz, created = Quiz.objects.get_or_create(
        session=session,
        kind=Quiz.Kind.POST,
        defaults={
            "title": f"Post-test: {session.title}"[:255],
            "open_at": session.start_at,
            "close_at": session.end_at + timedelta(days=7),
            "time_limit_minutes": 20,
            "attempts_allowed": 2,
            "pass_mark": 70,
            "review_after_submit": Quiz.Review.FEEDBACK,
            "review_after_close": Quiz.Review.ANSWERS,
            "created_by": session.led_by,
        },
    )
    if created:
        quiz.categories.set(Category.objects.filter(module=module, name="Cyber Crime/Post-test"))
    if stdout:
        stdout(f"quizzes: demo post-test “{quiz.title}” ({'created' if created else 'kept'}).")
    return quiz
