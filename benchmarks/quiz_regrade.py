"""Recomputing a post-test's results after its grading method changes.

    .venv/bin/python benchmarks/quiz_regrade.py [--people 2000] [--attempts 2]

Self-contained: a throwaway SQLite database in a temporary folder (migrated, reference units
loaded), a finished session with `--people` participants, each with `--attempts` graded
attempts (bulk inserts). Baseline: the least any recompute must do — read every graded score
in one query and write every participant's result with one `bulk_update`. Then
`quiz_results_recompute` after switching highest → last (every result changes, each written
through `participant_record_quiz_result`, which announces `participant_changed`; the
certificates receiver enqueues an auto-issue task per participant on the filesystem broker),
and again with nothing to change. Prints seconds, participants/s and the ratio to the baseline.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{folder / 'benchmark.sqlite3'}",
            "POLRI_VAR_DIR": str(folder),
            "MEDIA_ROOT": str(folder / "media"),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from training.reference import reference_data_load

    call_command("migrate", verbosity=0)
    reference_data_load()


def make_data(people: int, attempts: int):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from quizzes.models import Attempt, Category, Quiz
    from quizzes.services import questions_import
    from sessions.models import Participant, TrainingSession
    from training.models import Module, Personnel, Unit

    units = list(Unit.objects.filter(kind="POLSEK"))[:20]
    now = timezone.now()
    session = TrainingSession.objects.create(
        title="Benchmark", host_unit=Unit.objects.get(code="POLDA-KALBAR"), status="finished",
        start_at=now - timedelta(hours=3), end_at=now - timedelta(hours=2),
    )  # fmt: skip
    module = Module.objects.create(code="bench", title="Bench")
    questions_import(module=module, content="::A::Soal?{=ya ~tidak}\n", fmt="gift")
    quiz = Quiz.objects.create(
        session=session, title="Post-test", open_at=now - timedelta(hours=1),
        close_at=now + timedelta(hours=1), attempts_allowed=attempts,
        grading_method=Quiz.GradingMethod.HIGHEST,
    )  # fmt: skip
    quiz.categories.set(Category.objects.filter(module=module))
    users = Personnel.objects.bulk_create(
        Personnel(nrp=f"{90000000 + i:08d}", name=f"Peserta {i}", unit=units[i % len(units)])
        for i in range(people)
    )
    participants = Participant.objects.bulk_create(
        Participant(session=session, personnel=u, unit_id=u.unit_id, attendance_status="HADIR")
        for u in users
    )
    rng = random.Random(7)
    rows, results = [], []
    for participant in participants:
        # Falling scores: the first attempt is each person's best, so switching "highest" to
        # "last" changes every result.
        scores = sorted((Decimal(rng.randint(0, 100)) for _ in range(attempts)), reverse=True)
        if scores[0] == scores[-1]:
            scores[-1] = scores[0] - 1 if scores[0] else Decimal(1)
        for number, score in enumerate(scores, start=1):
            rows.append(
                Attempt(
                    quiz=quiz,
                    participant=participant,
                    number=number,
                    status="submitted",
                    deadline=now,
                    submitted_at=now,
                    graded_at=now,
                    score=score,
                )  # fmt: skip
            )
        participant.quiz_score = max(scores)
        participant.quiz_passed = participant.quiz_score >= quiz.pass_mark
        results.append(participant)
    Attempt.objects.bulk_create(rows, batch_size=2000)
    Participant.objects.bulk_update(results, ["quiz_score", "quiz_passed"], batch_size=2000)
    return quiz


def baseline(quiz) -> float:
    from decimal import Decimal

    from quizzes.models import Attempt
    from sessions.models import Participant

    started = time.perf_counter()
    best: dict[int, Decimal] = {}
    for participant_id, score in Attempt.objects.filter(quiz=quiz).values_list(
        "participant_id", "score"
    ):
        best[participant_id] = max(best.get(participant_id, score), score)
    rows = [Participant(pk=pk, quiz_score=score, quiz_passed=True) for pk, score in best.items()]
    Participant.objects.bulk_update(rows, ["quiz_score", "quiz_passed"], batch_size=2000)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--attempts", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder))
        from quizzes.models import Quiz
        from quizzes.services import quiz_results_recompute

        quiz = make_data(args.people, args.attempts)
        base = baseline(quiz)
        # Restore the "highest" results the baseline overwrote (quiz_passed=True for all).
        quiz_results_recompute(quiz_id=quiz.pk)
        Quiz.objects.filter(pk=quiz.pk).update(grading_method=Quiz.GradingMethod.LAST)
        started = time.perf_counter()
        changed = quiz_results_recompute(quiz_id=quiz.pk).changed
        full = time.perf_counter() - started
        started = time.perf_counter()
        again = quiz_results_recompute(quiz_id=quiz.pk).changed
        idle = time.perf_counter() - started
        print(f"participants: {args.people}, attempts each: {args.attempts}")
        print(f"baseline (1 read + bulk_update): {base:.3f} s, {args.people / base:,.0f}/s")
        for label, seconds, count in (
            ("recompute, every result changes", full, changed),
            ("recompute again, nothing changes", idle, again),
        ):
            print(
                f"{label}: {seconds:.3f} s, {args.people / seconds:,.0f}/s, "
                f"changed {count}, ratio {seconds / base:.1f}x baseline"
            )
        assert changed == args.people and again == 0, (changed, again)


if __name__ == "__main__":
    main()
