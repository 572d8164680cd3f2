"""Read queries for sessions and participants, always scoped by the requesting user.

Visibility of a session (see README.md):
- Admin: every session.
- Pelatih: sessions hosted in their subtree (drafts included), and published sessions whose
  invitations reach their subtree or their own unit.
- Operator and Pimpinan: published sessions hosted in their subtree, or inviting a unit in their
  subtree, or inviting an ancestor of their unit (a Polda-wide session reaches a Polres operator).
- Everyone: sessions they are invited to (a Participant), lead or present.
Drafts are seen only by Pelatih in scope of the host unit, admins and their creator.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.scope import subtree_q
from training.models import Module, Personnel, Role, Unit
from training.selectors import SCOPED_ROLES

from .models import (
    Participant,
    Presenter,
    SessionInvitedUnit,
    SessionModule,
    TrainingSession,
    ViconPoint,
)

PUBLISHED = (
    TrainingSession.Status.SCHEDULED,
    TrainingSession.Status.LIVE,
    TrainingSession.Status.FINISHED,
    TrainingSession.Status.CANCELLED,
)
ATTENDANCE_ROLES = (Role.OPERATOR, Role.PELATIH)


def _is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _personal_q(user: Personnel) -> Q:
    return (
        Q(Exists(Participant.objects.filter(session=OuterRef("pk"), personnel=user)))
        | Q(led_by=user)
        | Q(Exists(Presenter.objects.filter(session=OuterRef("pk"), personnel=user)))
    )


def _unit_reach_q(unit: Unit) -> Q:
    """Sessions hosted in `unit`'s subtree, or inviting a unit in it or above it."""
    up = [*unit.ancestor_ids, unit.pk]
    invites = SessionInvitedUnit.objects.filter(session=OuterRef("pk")).filter(
        subtree_q(unit, via="unit") | Q(unit_id__in=up)
    )
    return subtree_q(unit, via="host_unit") | Q(Exists(invites))


def sessions_visible_to(*, user) -> QuerySet[TrainingSession]:
    base = TrainingSession.objects.select_related("host_unit", "led_by", "led_by__rank")
    if not _is_active_user(user):
        return base.none()
    if user.is_admin:
        return base.all()
    q = _personal_q(user) | Q(created_by=user)
    if user.unit_id is not None and user.has_role(*SCOPED_ROLES):
        q |= Q(status__in=PUBLISHED) & _unit_reach_q(user.unit)
        if user.has_role(Role.PELATIH):
            q |= subtree_q(user.unit, via="host_unit")
    return base.filter(q)


def session_is_visible_to(*, user, session: TrainingSession) -> bool:
    return sessions_visible_to(user=user).filter(pk=session.pk).exists()


def participant_for(*, session: TrainingSession, user) -> Participant | None:
    """The user's own invitation to `session`, or None."""
    if not _is_active_user(user):
        return None
    return (
        Participant.objects.select_related("unit", "vicon_point")
        .filter(session=session, personnel=user)
        .first()
    )


def session_can_manage(*, user, session: TrainingSession) -> bool:
    """Schedule, edit, publish, cancel, add late participants, import Zoom reports: a Pelatih
    whose subtree holds the host unit, or an admin."""
    if not _is_active_user(user):
        return False
    if user.is_admin:
        return True
    return (
        user.has_role(Role.PELATIH)
        and user.unit_id is not None
        and user.unit.contains(session.host_unit)
    )


def user_can_schedule_in(*, user, unit: Unit) -> bool:
    if not _is_active_user(user):
        return False
    if user.is_admin:
        return True
    return user.has_role(Role.PELATIH) and user.unit_id is not None and user.unit.contains(unit)


def session_can_see_join_link(*, user, session: TrainingSession) -> bool:
    """The Zoom link goes to invitees, the leader and presenters, and to Pelatih/Pimpinan (and
    admins) who can see the session through their scope. Never to anyone else."""
    if not _is_active_user(user):
        return False
    if user.is_admin or session.led_by_id == user.pk:
        return True
    if Participant.objects.filter(session=session, personnel=user).exists():
        return True
    if Presenter.objects.filter(session=session, personnel=user).exists():
        return True
    return user.has_role(Role.PELATIH, Role.PIMPINAN) and session_is_visible_to(
        user=user, session=session
    )


def user_can_mark_attendance(*, user) -> bool:
    return _is_active_user(user) and (user.is_admin or user.has_role(*ATTENDANCE_ROLES))


def participants_visible_to(*, user, session: TrainingSession) -> QuerySet[Participant]:
    """Participants of `session` the user may see: admins and the session's managers all of them;
    Operator/Pelatih/Pimpinan those whose frozen unit lies in their subtree; others themselves."""
    base = Participant.objects.filter(session=session).select_related(
        "personnel", "personnel__rank", "unit", "vicon_point", "recorded_by"
    )
    if not _is_active_user(user) or not session_is_visible_to(user=user, session=session):
        return base.none()
    if user.is_admin or session_can_manage(user=user, session=session):
        return base
    if user.unit_id is not None and user.has_role(*SCOPED_ROLES):
        return base.filter(subtree_q(user.unit, via="unit"))
    return base.filter(personnel=user)


def participants_markable_by(*, user, session: TrainingSession) -> QuerySet[Participant]:
    """Participants whose attendance `user` may record: Operator/Pelatih within their subtree
    (by the unit frozen at invitation), admins all. Pimpinan and Peserta nobody."""
    if not user_can_mark_attendance(user=user):
        return Participant.objects.none()
    base = participants_visible_to(user=user, session=session)
    if user.is_admin:
        return base
    return base.filter(subtree_q(user.unit, via="unit"))


def vicon_points_for(*, user) -> QuerySet[ViconPoint]:
    qs = ViconPoint.objects.filter(is_active=True).select_related("unit")
    if not _is_active_user(user):
        return qs.none()
    if user.is_admin:
        return qs
    if user.unit_id is None:
        return qs.none()
    if user.has_role(*SCOPED_ROLES):
        return qs.filter(subtree_q(user.unit, via="unit"))
    return qs.filter(unit_id=user.unit_id)


def session_list(
    *,
    user,
    when: str = "",
    unit: Unit | None = None,
    module_id: int | None = None,
    mine: bool = False,
    now: datetime | None = None,
) -> QuerySet[TrainingSession]:
    """Visible sessions filtered for the list page: `when` is "upcoming", "today" (in the
    viewer's time zone) or "past"; `unit` keeps sessions hosted in or inviting its subtree."""
    now = now or timezone.now()
    qs = sessions_visible_to(user=user)
    if mine and _is_active_user(user):
        qs = qs.filter(_personal_q(user))
    if unit is not None:
        invites = SessionInvitedUnit.objects.filter(
            subtree_q(unit, via="unit"), session=OuterRef("pk")
        )
        qs = qs.filter(subtree_q(unit, via="host_unit") | Q(Exists(invites)))
    if module_id:
        qs = qs.filter(session_modules__module_id=module_id).distinct()
    if when == "today":
        tz = ZoneInfo(viewer_timezone(user=user))
        local = now.astimezone(tz).date()
        day_start = datetime.combine(local, time.min, tzinfo=tz)
        qs = qs.filter(start_at__lt=day_start + timedelta(days=1), end_at__gt=day_start)
        return qs.order_by("start_at")
    if when == "upcoming":
        return qs.filter(end_at__gt=now).order_by("start_at")
    if when == "past":
        return qs.filter(end_at__lte=now).order_by("-start_at")
    return qs.order_by("-start_at")


def viewer_timezone(*, user) -> str:
    """The viewer's unit time zone, falling back to WIB."""
    if _is_active_user(user) and user.unit_id is not None:
        return user.unit.timezone
    return "Asia/Jakarta"


def attendance_summary_by_unit(*, user, session: TrainingSession) -> list[dict]:
    """Per frozen unit: invited, each status and minutes, in one GROUP BY query, scoped."""
    status = Participant.AttendanceStatus
    qs = participants_visible_to(user=user, session=session).order_by()
    rows = (
        qs.values("unit_id", "unit__name", "unit__path")
        .annotate(
            invited=Count("id"),
            hadir=Count("id", filter=Q(attendance_status=status.HADIR)),
            terlambat=Count("id", filter=Q(attendance_status=status.TERLAMBAT)),
            izin=Count("id", filter=Q(attendance_status=status.IZIN)),
            sakit=Count("id", filter=Q(attendance_status=status.SAKIT)),
            dinas=Count("id", filter=Q(attendance_status=status.DINAS)),
            alpa=Count("id", filter=Q(attendance_status=status.ALPA)),
            unrecorded=Count("id", filter=Q(attendance_status="")),
        )
        .order_by("unit__path")
    )
    result = []
    for row in rows:
        present = row["hadir"] + row["terlambat"]
        row["present"] = present
        row["present_percent"] = round(100 * present / row["invited"]) if row["invited"] else 0
        result.append(row)
    return result


def sessions_for_feed(*, personnel: Personnel) -> QuerySet[TrainingSession]:
    """Sessions for a personal calendar feed: the ones the person is invited to, leads or
    presents, excluding drafts."""
    return (
        TrainingSession.objects.filter(_personal_q(personnel))
        .exclude(status=TrainingSession.Status.DRAFT)
        .select_related("host_unit")
        .order_by("start_at")
    )


# --- Curriculum hooks (registered with training.access in apps.py) --------------------------


def module_ids_for_participant(user: Personnel) -> QuerySet:
    """Module access provider: ids of the modules used in the sessions `user` is invited to (a
    Participant). A `values()` query, so `training` uses it as a subquery (no extra round trip).
    Requires an authenticated, active user (training.access only asks for such users)."""
    return SessionModule.objects.filter(session__participants__personnel=user).values("module_id")


def sessions_using_module(*, module: Module, user: Personnel) -> QuerySet[TrainingSession]:
    """Module usage provider: the sessions `user` may see that presented `module`, newest first."""
    return (
        sessions_visible_to(user=user)
        .filter(Exists(SessionModule.objects.filter(session=OuterRef("pk"), module=module)))
        .order_by("-start_at")
    )
