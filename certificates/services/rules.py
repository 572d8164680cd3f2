"""The completion rule: who has earned a certificate for a session.

A participant completes a session when the session has ended (and was not cancelled), their
attendance status is one the rule counts (default HADIR, TERLAMBAT), they attended at least the
rule's minimum minutes (if any; unknown minutes do not meet a minimum), passed the quiz (if the
rule asks and the session has a quiz) and opened every material of the session's modules (if the
rule asks). Sessions without a `CompletionRule` row use its defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.models import Participant, TrainingSession
from training.errors import ApplicationError

from ..models import CompletionRule

ISSUABLE_SESSION_STATES = (
    TrainingSession.Status.SCHEDULED,
    TrainingSession.Status.LIVE,
    TrainingSession.Status.FINISHED,
)


def rule_for(*, session: TrainingSession) -> CompletionRule:
    """The session's rule, or an unsaved one holding the defaults."""
    rule = CompletionRule.objects.filter(session=session).first()
    return rule if rule is not None else CompletionRule(session=session)


def session_has_quiz(*, session: TrainingSession) -> bool:
    """True when a quiz is attached to the session. Works before the quizzes app has models."""
    try:
        quiz_model = apps.get_model("quizzes", "Quiz")
    except LookupError:
        return False
    if not any(f.name == "session" for f in quiz_model._meta.get_fields()):
        return False
    return quiz_model.objects.filter(session=session).exists()


def session_material_ids(*, session: TrainingSession) -> list[int]:
    """Active materials of the session's modules (what "material read" asks to have opened)."""
    try:
        material_model = apps.get_model("training", "Material")
    except LookupError:
        return []
    return list(
        material_model.objects.filter(module__in=session.modules.all(), is_active=True).values_list(
            "pk", flat=True
        )
    )


@dataclass(frozen=True)
class RuleContext:
    """Everything about a session the rule needs, read once for many participants."""

    session: TrainingSession
    rule: CompletionRule
    has_quiz: bool
    material_ids: tuple[int, ...]
    now: object

    @property
    def quiz_required(self) -> bool:
        return self.rule.require_quiz and self.has_quiz

    @property
    def materials_required(self) -> bool:
        return self.rule.require_material_read and bool(self.material_ids)


def rule_context(*, session: TrainingSession, now=None) -> RuleContext:
    rule = rule_for(session=session)
    return RuleContext(
        session=session,
        rule=rule,
        has_quiz=session_has_quiz(session=session),
        material_ids=tuple(session_material_ids(session=session))
        if rule.require_material_read
        else (),
        now=now or timezone.now(),
    )


@dataclass(frozen=True)
class RuleCheck:
    met: bool
    reasons: tuple[str, ...]


def _session_reasons(context: RuleContext) -> list[str]:
    session = context.session
    if session.status == TrainingSession.Status.CANCELLED:
        return [_("The session was cancelled.")]
    if session.status not in ISSUABLE_SESSION_STATES:
        return [_("The session has not been published.")]
    if session.end_at > context.now:
        return [_("The session has not ended yet.")]
    return []


def _materials_read_count(*, participant: Participant, context: RuleContext) -> int:
    read_model = apps.get_model("training", "MaterialRead")
    return read_model.objects.filter(
        person_id=participant.personnel_id, material_id__in=context.material_ids
    ).count()


def completion_check(*, participant: Participant, context: RuleContext | None = None) -> RuleCheck:
    """Whether `participant` meets the rule, with the unmet items as sentences."""
    context = context or rule_context(session=participant.session)
    rule = context.rule
    reasons = _session_reasons(context)
    if participant.attendance_status not in rule.attendance_statuses:
        counted = ", ".join(rule.attendance_statuses) or "—"
        reasons.append(
            _("Attendance is %(status)s; counted are %(counted)s.")
            % {"status": participant.attendance_status or _("not recorded"), "counted": counted}
        )
    if rule.min_minutes and (participant.minutes_attended or 0) < rule.min_minutes:
        reasons.append(
            _("Attended %(minutes)s of the required %(required)s minutes.")
            % {
                "minutes": participant.minutes_attended
                if participant.minutes_attended is not None
                else "?",
                "required": rule.min_minutes,
            }
        )
    if context.quiz_required and participant.quiz_passed is not True:
        reasons.append(
            _("The quiz has not been taken.")
            if participant.quiz_passed is None
            else _("The quiz was not passed.")
        )
    if context.materials_required:
        read = _materials_read_count(participant=participant, context=context)
        if read < len(context.material_ids):
            reasons.append(
                _("Opened %(read)s of %(total)s materials.")
                % {"read": read, "total": len(context.material_ids)}
            )
    return RuleCheck(met=not reasons, reasons=tuple(reasons))


def participants_eligible(
    *, session: TrainingSession, context: RuleContext | None = None
) -> QuerySet[Participant]:
    """The session's participants who meet the rule: one query, whatever their number."""
    context = context or rule_context(session=session)
    if _session_reasons(context):
        return Participant.objects.none()
    rule = context.rule
    qs = Participant.objects.filter(
        session=session, attendance_status__in=list(rule.attendance_statuses)
    )
    if rule.min_minutes:
        qs = qs.filter(minutes_attended__gte=rule.min_minutes)
    if context.quiz_required:
        qs = qs.filter(quiz_passed=True)
    if context.materials_required:
        read_model = apps.get_model("training", "MaterialRead")
        reads = (
            read_model.objects.filter(
                person_id=OuterRef("personnel_id"), material_id__in=context.material_ids
            )
            .order_by()
            .values("person_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(
            materials_read=Coalesce(Subquery(reads, output_field=IntegerField()), Value(0))
        ).filter(materials_read__gte=len(context.material_ids))
    return qs


def completion_rule_set(
    *,
    session: TrainingSession,
    by,
    attendance_statuses: list[str],
    min_minutes: int | None,
    require_quiz: bool,
    require_material_read: bool,
    auto_issue: bool,
) -> CompletionRule:
    """Create or change the session's rule. Certificates already issued stay as they are."""
    valid = set(Participant.AttendanceStatus.values)
    statuses = list(dict.fromkeys(attendance_statuses))
    unknown = [s for s in statuses if s not in valid]
    if unknown:
        raise ApplicationError(
            _("Unknown attendance status: %(statuses)s.") % {"statuses": ", ".join(unknown)}
        )
    if not statuses:
        raise ApplicationError(_("Choose at least one attendance status that counts."))
    if min_minutes is not None and (min_minutes < 0 or min_minutes > 24 * 60):
        raise ApplicationError(_("Minimum minutes must be between 0 and 1440."))
    rule, _created = CompletionRule.objects.update_or_create(
        session=session,
        defaults={
            "attendance_statuses": statuses,
            "min_minutes": min_minutes or None,
            "require_quiz": require_quiz,
            "require_material_read": require_material_read,
            "auto_issue": auto_issue,
            "updated_by": by,
        },
    )
    return rule
