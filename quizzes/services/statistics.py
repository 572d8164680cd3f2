"""Quiz statistics: score distribution, pass rate by unit, facility and discrimination.

One aggregate query per table shape: attempts by score band, participants by unit, answers by
question. Computed inline for small quizzes and by a Celery task for large ones; the result is
kept on `Quiz.stats` with `stats_computed_at`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Case, Count, IntegerField, Q, When
from django.utils import timezone

from ..models import Answer, Attempt, Quiz

BANDS = list(range(0, 100, 10))  # 0-9.99, 10-19.99, ..., 90-100
FINISHED = (Attempt.Status.SUBMITTED, Attempt.Status.OVERDUE)


def _band_case():
    whens = [When(score__lt=low + 10, then=low) for low in BANDS[:-1]]
    return Case(*whens, default=90, output_field=IntegerField())


def _float(value) -> float | None:
    return None if value is None else round(float(value), 4)


def quiz_statistics_compute(*, quiz_id: int) -> dict:
    """Compute and store the statistics of quiz `quiz_id`; returns them. Idempotent."""
    quiz = Quiz.objects.get(pk=quiz_id)
    graded = Attempt.objects.filter(quiz=quiz, status__in=FINISHED, score__isnull=False)

    bands = dict(
        graded.annotate(band=_band_case())
        .values("band")
        .annotate(n=Count("pk"))
        .values_list("band", "n")
    )
    distribution = [{"from": low, "to": low + 10, "count": bands.get(low, 0)} for low in BANDS]

    by_unit = list(
        graded.values("participant__unit__code", "participant__unit__name")
        .annotate(
            attempts=Count("pk"),
            people=Count("participant", distinct=True),
            passed=Count("pk", filter=Q(score__gte=quiz.pass_mark)),
            average=Avg("score"),
        )
        .order_by("participant__unit__name")
    )
    units = [
        {
            "code": row["participant__unit__code"],
            "name": row["participant__unit__name"],
            "attempts": row["attempts"],
            "people": row["people"],
            "passed": row["passed"],
            "pass_rate": round(100 * row["passed"] / row["attempts"], 1),
            "average": _float(row["average"]),
        }
        for row in by_unit
    ]

    scores = sorted(graded.values_list("score", flat=True))
    count = len(scores)
    questions = []
    if count:
        third = max(1, count // 3)
        lower_cut, upper_cut = scores[third - 1], scores[count - third]
        rows = (
            Answer.objects.filter(attempt__in=graded, fraction__isnull=False)
            .values("question_id", "question__name")
            .annotate(
                n=Count("pk"),
                facility=Avg("fraction"),
                upper=Avg("fraction", filter=Q(attempt__score__gte=upper_cut)),
                lower=Avg("fraction", filter=Q(attempt__score__lte=lower_cut)),
            )
            .order_by("question_id")
        )
        for row in rows:
            upper, lower = row["upper"], row["lower"]
            questions.append(
                {
                    "question": row["question_id"],
                    "name": row["question__name"],
                    "answers": row["n"],
                    "facility": _float(row["facility"]),
                    "discrimination": None
                    if upper is None or lower is None
                    else _float(Decimal(upper) - Decimal(lower)),
                }
            )
    passed = sum(1 for score in scores if score >= quiz.pass_mark)
    stats = {
        "attempts": count,
        "pass_rate": round(100 * passed / count, 1) if count else None,
        "average": _float(sum(scores, Decimal(0)) / count) if count else None,
        "distribution": distribution,
        "units": units,
        "questions": questions,
    }
    quiz.stats = stats
    quiz.stats_computed_at = timezone.now()
    quiz.save(update_fields=["stats", "stats_computed_at"])
    return stats
