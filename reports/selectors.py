"""Read queries for completion reports, always scoped by the requesting user.

Every number is an aggregate over `Participant` using the unit the person had at the time of the
session (`Participant.unit`, frozen at invitation): a transfer never moves a past attendance.
A report runs a fixed number of queries whatever the number of units, people or sessions:

- the ranking of one level: one GROUP BY over participants keyed by the child-unit prefix of the
  participant's unit path (`Substr(unit.path, 1, len(child path))`), plus one query for the
  child units;
- every level at once (exports): one GROUP BY keyed by the participant's unit path, rolled up
  to each ancestor in Python, plus one query for the units of the subtree;
- the trend: one GROUP BY session; the people: one query (streamed for exports).

Scope: admins report on any unit; Operator, Pelatih and Pimpinan on their unit and the units
below it; everyone else only sees their own participations (`participations_of`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sessions.models import Participant, SessionModule, TrainingSession
from training.errors import ApplicationError
from training.models import Module, Personnel, Unit
from training.models.units import PATH_STEP
from training.selectors import unit_is_visible_to, user_sees_subtree

from .data import (
    COMPLETION_CERTIFIED,
    COMPLETION_COMPLETED,
    Counts,
    LevelGroup,
    PersonRow,
    ReportData,
    ReportLevel,
    Signatory,
    TrendPoint,
    UnitRow,
    rank_rows,
)

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


@dataclass(frozen=True)
class LevelReport:
    """The dashboard's ranking of the scope's children."""

    scope: Unit
    rows: list[UnitRow]
    totals: Counts
    completion_basis: str

    @property
    def totals_pct(self):
        return self.totals.completion_pct(basis=self.completion_basis)


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


def report_filter_clean(
    *,
    session_id: int | None = None,
    module_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    today: date | None = None,
) -> ReportFilter:
    """Validate a filter (ApplicationError with a readable message) and fill the default
    period: the last 90 days. A session excludes a module or dates."""
    if session_id is not None and (module_id is not None or date_from or date_to):
        raise ApplicationError(_("Choose either one session, or a module and/or a date range."))
    if session_id is not None:
        if not TrainingSession.objects.filter(pk=session_id).exists():
            raise ApplicationError(_("That session does not exist."))
        return ReportFilter(session_id=session_id)
    if module_id is not None and not Module.objects.filter(pk=module_id).exists():
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


# --- the aggregate -------------------------------------------------------------------------


def _certificate_model():
    """The certificates app's Certificate model, or None while it has none."""
    try:
        return apps.get_model("certificates", "Certificate")
    except LookupError:
        return None


def _participants(*, unit: Unit, filters: ReportFilter) -> QuerySet[Participant]:
    """Participants whose unit at the time lies in `unit`'s subtree, within the filter.
    Unscoped: callers check the user first."""
    qs = Participant.objects.filter(unit__path__startswith=unit.path)
    if filters.session_id is not None:
        return qs.filter(session_id=filters.session_id)
    zone = ZoneInfo(unit.timezone)
    start = datetime.combine(filters.date_from, time.min, tzinfo=zone)
    end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
    qs = qs.filter(
        session__status__in=COUNTED_SESSIONS,
        session__start_at__gte=start,
        session__start_at__lt=end,
    )
    if filters.module_id is not None:
        qs = qs.filter(
            session_id__in=SessionModule.objects.filter(module_id=filters.module_id).values(
                "session_id"
            )
        )
    return qs


def _count_annotations() -> dict:
    annotations = {
        "invited": Count("pk"),
        "attended": Count("pk", filter=Q(attendance_status__in=ATTENDED)),
        "excused": Count("pk", filter=Q(attendance_status__in=EXCUSED)),
        "absent": Count("pk", filter=Q(attendance_status__in=ABSENT)),
        "quiz_taken": Count("pk", filter=Q(quiz_passed__isnull=False)),
        "quiz_passed": Count("pk", filter=Q(quiz_passed=True)),
        "completed": Count("pk", filter=Q(completed_at__isnull=False)),
    }
    certificate = _certificate_model()
    if certificate is not None:
        issued = certificate.objects.filter(participant=OuterRef("pk"))
        annotations["certified"] = Count(
            "pk", filter=Q(Exists(issued.exclude(status=CERTIFICATE_REVOKED)))
        )
        annotations["with_certificate"] = Count("pk", filter=Q(Exists(issued)))
    return annotations


def _grouped_counts(qs: QuerySet[Participant], key) -> tuple[dict[str, Counts], bool]:
    """One GROUP BY `key`: {key: Counts}, and whether any participant has a certificate."""
    rows = qs.annotate(group_key=key).values("group_key").annotate(**_count_annotations())
    result = {}
    any_certificate = False
    for row in rows.order_by():
        any_certificate = any_certificate or bool(row.get("with_certificate"))
        result[row["group_key"]] = Counts(
            invited=row["invited"],
            attended=row["attended"],
            excused=row["excused"],
            absent=row["absent"],
            quiz_taken=row["quiz_taken"],
            quiz_passed=row["quiz_passed"],
            certified=row.get("certified", 0),
            completed=row["completed"],
        )
    return result, any_certificate


def _basis(any_certificate: bool) -> str:
    """Certified / invited once certificates are issued for the period; completed / invited
    where no certificate applies (no certificates app, or none issued for these sessions)."""
    return COMPLETION_CERTIFIED if any_certificate else COMPLETION_COMPLETED


def _child_path_length(unit: Unit) -> int:
    return len(unit.path) + PATH_STEP + 1


def _as_dict(unit: Unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": unit.kind}


def _row(unit: dict, counts: Counts, basis: str, *, has_children: bool) -> UnitRow:
    return UnitRow(
        unit_id=unit["id"],
        code=unit["code"],
        name=unit["name"],
        kind=unit["kind"],
        counts=counts,
        completion_pct=counts.completion_pct(basis=basis),
        has_children=has_children,
    )


def _direct_row(unit: dict, counts: Counts, basis: str) -> UnitRow:
    """The people attached to a parent unit itself (its headquarters staff)."""
    return UnitRow(
        unit_id=unit["id"],
        code=unit["code"],
        name=_("%(unit)s (own staff)") % {"unit": unit["name"]},
        kind=unit["kind"],
        counts=counts,
        completion_pct=counts.completion_pct(basis=basis),
        is_direct=True,
    )


def completion_by_child_unit(*, user: Personnel, unit: Unit, filters: ReportFilter) -> LevelReport:
    """The ranking of `unit`'s children (two queries). People attached to `unit` itself form a
    row of their own, counted in the totals but not ranked."""
    report_scope_check(user=user, unit=unit)
    key = Substr("unit__path", 1, _child_path_length(unit))
    counts, any_certificate = _grouped_counts(_participants(unit=unit, filters=filters), key)
    basis = _basis(any_certificate)
    children = Unit.objects.filter(parent=unit).annotate(
        has_children=Exists(Unit.objects.filter(parent=OuterRef("pk")))
    )
    rows = [
        _row(
            _as_dict(child),
            counts.get(child.path, Counts()),
            basis,
            has_children=child.has_children,
        )
        for child in children
    ]
    if unit.path in counts:
        rows.append(_direct_row(_as_dict(unit), counts[unit.path], basis))
    totals = sum(counts.values(), Counts())
    return LevelReport(scope=unit, rows=rank_rows(rows), totals=totals, completion_basis=basis)


def _level_title(kinds: set[str]) -> str:
    labels = dict(Unit.Kind.choices)
    return " / ".join(str(labels.get(kind, kind)) for kind in sorted(kinds))


def _levels(*, unit: Unit, filters: ReportFilter) -> tuple[list[ReportLevel], Counts, str]:
    """Every level below `unit`, each unit ranked among its siblings (two queries)."""
    per_unit, any_certificate = _grouped_counts(
        _participants(unit=unit, filters=filters), F("unit__path")
    )
    basis = _basis(any_certificate)
    units = list(
        Unit.objects.filter(path__startswith=unit.path).values(
            "id", "code", "name", "kind", "path", "depth", "parent_id"
        )
    )
    # Roll each unit's own participants up to every ancestor inside the scope.
    subtree: dict[str, Counts] = {}
    for path, counts in per_unit.items():
        for end in range(len(unit.path), len(path) + 1, PATH_STEP + 1):
            prefix = path[:end]
            subtree[prefix] = subtree.get(prefix, Counts()) + counts
    by_id = {row["id"]: row for row in units}
    children: dict[int, list[dict]] = {}
    for row in units:
        if row["parent_id"] in by_id and row["id"] != unit.pk:
            children.setdefault(row["parent_id"], []).append(row)
    levels = []
    parents = [by_id[unit.pk]]
    while True:
        groups, kinds, next_parents = [], set(), []
        for parent in parents:
            kids = children.get(parent["id"], [])
            if not kids:
                continue
            rows = [
                _row(
                    kid,
                    subtree.get(kid["path"], Counts()),
                    basis,
                    has_children=kid["id"] in children,
                )
                for kid in kids
            ]
            own = per_unit.get(parent["path"])
            if own is not None:
                rows.append(_direct_row(parent, own, basis))
            groups.append(LevelGroup(parent["code"], parent["name"], rank_rows(rows)))
            kinds.update(kid["kind"] for kid in kids)
            next_parents.extend(kids)
        if not groups:
            break
        levels.append(ReportLevel(_level_title(kinds), groups))
        parents = next_parents
    return levels, subtree.get(unit.path, Counts()), basis


def completion_trend(
    *, user: Personnel, unit: Unit, filters: ReportFilter, limit: int = TREND_SESSIONS
) -> list[TrendPoint]:
    """Completion of `unit`'s subtree in each of the last `limit` sessions of the period, oldest
    first (one query)."""
    report_scope_check(user=user, unit=unit)
    return _trend(unit=unit, filters=filters, limit=limit)


def _trend(*, unit: Unit, filters: ReportFilter, limit: int) -> list[TrendPoint]:
    annotations = _count_annotations()
    rows = (
        _participants(unit=unit, filters=filters)
        .values("session_id", "session__title", "session__start_at")
        .annotate(**annotations)
        .order_by("-session__start_at", "-session_id")[:limit]
    )
    zone = ZoneInfo(unit.timezone)
    points = []
    for row in reversed(list(rows)):
        counts = Counts(
            invited=row["invited"], certified=row.get("certified", 0), completed=row["completed"]
        )
        basis = _basis(bool(row.get("with_certificate")))
        start = row["session__start_at"].astimezone(zone)
        points.append(
            TrendPoint(
                label=start.strftime("%d/%m"),
                title=f"{row['session__title']} ({date_format(start, 'j M Y')})",
                completion_pct=counts.completion_pct(basis=basis),
                invited=row["invited"],
            )
        )
    return points


# --- people --------------------------------------------------------------------------------


def _people_values(qs: QuerySet[Participant]) -> QuerySet:
    certificate = _certificate_model()
    number = Value("")
    if certificate is not None:
        number = Coalesce(
            Subquery(
                certificate.objects.filter(participant=OuterRef("pk"))
                .exclude(status=CERTIFICATE_REVOKED)
                .values("number")[:1]
            ),
            Value(""),
        )
    return qs.annotate(certificate_number=number).values(
        "personnel__nrp",
        "personnel__name",
        "personnel__rank__abbreviation",
        "unit__name",
        "session__title",
        "session__start_at",
        "attendance_status",
        "minutes_attended",
        "quiz_score",
        "quiz_passed",
        "certificate_number",
    )


def _person_row(row: dict) -> PersonRow:
    return PersonRow(
        nrp=row["personnel__nrp"],
        name=row["personnel__name"],
        rank=row["personnel__rank__abbreviation"] or "",
        unit_name=row["unit__name"],
        session_title=row["session__title"],
        session_start=row["session__start_at"],
        attendance_status=row["attendance_status"],
        minutes_attended=row["minutes_attended"],
        quiz_score=row["quiz_score"],
        quiz_passed=row["quiz_passed"],
        certificate_number=row["certificate_number"] or "",
    )


SENIORITY_ORDER = (
    F("personnel__rank__seniority").desc(nulls_last=True),
    "personnel__name",
    "personnel_id",
    "session__start_at",
)


def people_in_unit(*, user: Personnel, unit: Unit, filters: ReportFilter) -> QuerySet:
    """The participations in `unit`'s subtree, most senior rank first, then by name: a values
    queryset the caller pages (`person_rows` turns rows into `PersonRow`)."""
    report_scope_check(user=user, unit=unit)
    return _people_values(_participants(unit=unit, filters=filters)).order_by(*SENIORITY_ORDER)


def person_rows(rows) -> list[PersonRow]:
    return [_person_row(row) for row in rows]


def participations_of(*, user: Personnel, filters: ReportFilter | None = None) -> list[PersonRow]:
    """The user's own record: every session they were invited to, newest first."""
    qs = Participant.objects.filter(personnel=user)
    if filters is not None and filters.session_id is not None:
        qs = qs.filter(session_id=filters.session_id)
    return person_rows(_people_values(qs).order_by("-session__start_at"))


def _people_stream(*, unit: Unit, filters: ReportFilter) -> Iterator[PersonRow]:
    qs = _people_values(_participants(unit=unit, filters=filters)).order_by(
        "unit__path", *SENIORITY_ORDER
    )
    for row in qs.iterator(chunk_size=2000):
        yield _person_row(row)


# --- filter choices ------------------------------------------------------------------------


def report_session_choices(*, user: Personnel, unit: Unit, limit: int = 50):
    """Recent sessions with participants in `unit`'s subtree, newest first (one query)."""
    report_scope_check(user=user, unit=unit)
    reach = Participant.objects.filter(session=OuterRef("pk"), unit__path__startswith=unit.path)
    return (
        TrainingSession.objects.filter(Exists(reach))
        .exclude(status__in=[TrainingSession.Status.DRAFT, TrainingSession.Status.CANCELLED])
        .only("id", "title", "start_at")
        .order_by("-start_at")[:limit]
    )


def report_module_choices():
    return Module.objects.filter(is_active=True).only("id", "title").order_by("title")


# --- the whole report for an export --------------------------------------------------------


def report_data_build(
    *,
    unit: Unit,
    filters: ReportFilter,
    requester: Personnel | None,
    people: bool = True,
) -> ReportData:
    """Everything an export needs, in a fixed number of queries; the people are a stream that
    is read while the file is written.

    Does not check scope: `report_data_for` does, for a user; the management command runs as
    the operations team and takes any unit.
    """
    levels, totals, basis = _levels(unit=unit, filters=filters)
    rows = levels[0].groups[0].rows if levels else []
    people_count = _participants(unit=unit, filters=filters).count() if people else 0
    signatory = None
    if requester is not None:
        signatory = Signatory(
            name=requester.name,
            rank=requester.rank.abbreviation if requester.rank_id else "",
            nrp=requester.nrp,
            position=requester.position,
            unit_name=requester.unit.name if requester.unit_id else "",
        )
    return ReportData(
        scope_code=unit.code,
        scope_name=unit.name,
        period_label=report_period_label(filters=filters, unit=unit),
        generated_at=timezone.now(),
        completion_basis=basis,
        rows=rows,
        totals=totals,
        levels=levels,
        trend=_trend(unit=unit, filters=filters, limit=TREND_SESSIONS),
        people=_people_stream(unit=unit, filters=filters) if people else [],
        people_count=people_count,
        signatory=signatory,
    )


def report_data_for(*, user: Personnel, unit: Unit, filters: ReportFilter) -> ReportData:
    """`report_data_build` for a user allowed to see `unit`, signed by them."""
    report_scope_check(user=user, unit=unit)
    return report_data_build(unit=unit, filters=filters, requester=user)


# --- export jobs ---------------------------------------------------------------------------


def report_job_visible_to(*, user: Personnel, job) -> bool:
    """A finished file is for its requester, admins, and those above the requester's unit (at
    the time of the request) who oversee a subtree: not colleagues of the same unit, not
    other branches."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.pk == job.requester_id or user.is_admin:
        return True
    if not user_sees_subtree(user=user) or job.requester_unit_id is None:
        return False
    requester_unit = job.requester_unit
    return (
        requester_unit.pk != user.unit_id
        and requester_unit.path.startswith(user.unit.path)
        and unit_is_visible_to(user=user, unit=job.scope_unit)
    )


def report_jobs_of(*, user: Personnel, limit: int = 10):
    """The user's own recent export jobs."""
    from .models import ReportJob

    return ReportJob.objects.filter(requester=user).select_related("scope_unit")[:limit]
