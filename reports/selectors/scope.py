"""What a report covers and who may read it: filters, scope checks, period labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sessions.models import Participant, TrainingSession
from sessions.selectors import sessions_visible_to
from training.errors import ApplicationError
from training.models import Module, Personnel, Unit
from training.selectors import modules_visible_to, unit_is_visible_to, user_sees_subtree

Status = Participant.AttendanceStatus
ATTENDED = (Status.HADIR, Status.TERLAMBAT)
EXCUSED = (Status.IZIN, Status.SAKIT, Status.DINAS)
ABSENT = (Status.ALPA,)
# Drafts have invited nobody yet and cancelled sessions did not take place.
COUNTED_SESSIONS = (
    TrainingSession.Status.SCHEDULED,
    TrainingSession.Status.LIVE,
    TrainingSession.Status.FINISHED,
)
DEFAULT_PERIOD_DAYS = 90
TREND_SESSIONS = 10
CERTIFICATE_REVOKED = "revoked"


@dataclass(frozen=True)
class ReportFilter:
    """What a report covers: one session, or sessions (optionally of one module) whose start
    falls between two dates (inclusive, in the scope unit's time zone)."""

    session_id: int | None = None
    module_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_params(self) -> dict:
        return {
            "session": self.session_id,
            "module": self.module_id,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_params(cls, params: dict) -> ReportFilter:
        return cls(
            session_id=params.get("session"),
            module_id=params.get("module"),
            date_from=date.fromisoformat(params["from"]) if params.get("from") else None,
            date_to=date.fromisoformat(params["to"]) if params.get("to") else None,
        )


# --- scope ---------------------------------------------------------------------------------


def report_scope_default(*, user: Personnel) -> Unit | None:
    """The unit a user's dashboard opens on: their own, or the root for an admin without one."""
    if user.unit_id is not None:
        return user.unit
    if user.is_admin:
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def report_scope_check(*, user: Personnel, unit: Unit) -> None:
    """Refuse (PermissionDenied) a unit report the user may not see: it must be their unit or
    below it, and only admins, operators, trainers and commanders read unit reports."""
    if not (user.is_authenticated and user.is_active and user_sees_subtree(user=user)):
        raise PermissionDenied(_("Only commanders, operators and trainers see unit reports."))
    if not unit_is_visible_to(user=user, unit=unit):
        raise PermissionDenied(_("This unit is outside your command."))


def report_sessions_for(*, user: Personnel | None) -> QuerySet[TrainingSession]:
    """Sessions a report may be filtered by: those `user` may see (drafts have invited nobody
    and are left out). `user=None` is the operations team (the management command): all."""
    qs = TrainingSession.objects.all() if user is None else sessions_visible_to(user=user)
    return qs.exclude(status=TrainingSession.Status.DRAFT)


def report_modules_for(*, user: Personnel | None) -> QuerySet[Module]:
    """Modules a report may be filtered by: the active curriculum, which every reader of unit
    reports may see, and any module `user` may read. `user=None`: all."""
    if user is None:
        return Module.objects.all()
    readable = modules_visible_to(user=user).values("pk")
    return Module.objects.filter(Q(is_active=True) | Q(pk__in=readable))


def report_filter_clean(
    *,
    user: Personnel | None,
    session_id: int | None = None,
    module_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    today: date | None = None,
) -> ReportFilter:
    """Validate a filter (ApplicationError with a readable message) and fill the default
    period: the last 90 days. A session excludes a module or dates.

    The session and the module are looked up through `user`'s scope: one the user may not see
    is refused with the same words as one that does not exist, so ids cannot be probed and no
    title from outside the scope reaches a report's period line. `user=None` skips the scope
    (the operations team's management command)."""
    if session_id is not None and (module_id is not None or date_from or date_to):
        raise ApplicationError(_("Choose either one session, or a module and/or a date range."))
    if session_id is not None:
        if not report_sessions_for(user=user).filter(pk=session_id).exists():
            raise ApplicationError(_("That session does not exist."))
        return ReportFilter(session_id=session_id)
    if module_id is not None and not report_modules_for(user=user).filter(pk=module_id).exists():
        raise ApplicationError(_("That module does not exist."))
    today = today or timezone.localdate()
    date_to = date_to or today
    date_from = date_from or (date_to - timedelta(days=DEFAULT_PERIOD_DAYS - 1))
    if date_from > date_to:
        raise ApplicationError(_("The start date must not be after the end date."))
    return ReportFilter(module_id=module_id, date_from=date_from, date_to=date_to)


def report_period_label(*, filters: ReportFilter, unit: Unit) -> str:
    """How the period reads in a heading: the session and its date, or the dates (and module)."""
    zone = ZoneInfo(unit.timezone)
    if filters.session_id is not None:
        session = TrainingSession.objects.only("title", "start_at").get(pk=filters.session_id)
        when = date_format(session.start_at.astimezone(zone), "j F Y")
        return _("Session: %(title)s (%(date)s)") % {"title": session.title, "date": when}
    dates = "{} – {}".format(
        date_format(filters.date_from, "j F Y"), date_format(filters.date_to, "j F Y")
    )
    if filters.module_id is not None:
        module = Module.objects.only("title").get(pk=filters.module_id)
        return _("Module: %(title)s, %(dates)s") % {"title": module.title, "dates": dates}
    return dates
