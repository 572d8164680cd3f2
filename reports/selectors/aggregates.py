"""The GROUP BYs over participants: one level ranked, every level rolled up, the trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.scope import subtree_q
from sessions.models import Participant, SessionModule
from training.models import Personnel, Unit
from training.models.units import PATH_STEP

from ..data import (
    COMPLETION_CERTIFIED,
    COMPLETION_COMPLETED,
    Counts,
    LevelGroup,
    ReportLevel,
    TrendPoint,
    UnitRow,
    rank_rows,
)
from .scope import (
    ABSENT,
    ATTENDED,
    CERTIFICATE_REVOKED,
    COUNTED_SESSIONS,
    EXCUSED,
    TREND_SESSIONS,
    ReportFilter,
    report_scope_check,
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
    qs = Participant.objects.filter(subtree_q(unit, via="unit"))
    if filters.session_id is not None:
        return qs.filter(session_id=filters.session_id)
    zone = ZoneInfo(unit.timezone)
    start = datetime.combine(filters.date_from, time.min, tzinfo=zone)
    end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
    # Only sessions that have ended: nobody can have completed one still running or to come,
    # and counting it would pull every unit's completion down until it ends.
    qs = qs.filter(
        session__status__in=COUNTED_SESSIONS,
        session__start_at__gte=start,
        session__start_at__lt=end,
        session__end_at__lte=timezone.now(),
    )
    if filters.module_id is not None:
        qs = qs.filter(
            session_id__in=SessionModule.objects.filter(module_id=filters.module_id).values(
                "session_id"
            )
        )
    return qs


def _count_annotations() -> dict:
    return {
        "invited": Count("pk"),
        "attended": Count("pk", filter=Q(attendance_status__in=ATTENDED)),
        "excused": Count("pk", filter=Q(attendance_status__in=EXCUSED)),
        "absent": Count("pk", filter=Q(attendance_status__in=ABSENT)),
        "quiz_taken": Count("pk", filter=Q(quiz_passed__isnull=False)),
        "quiz_passed": Count("pk", filter=Q(quiz_passed=True)),
        "completed": Count("pk", filter=Q(completed_at__isnull=False)),
    }


def live_certificate_filter() -> tuple[str, Q] | None:
    """(relation name, condition) joining a participant to their live certificate, or None
    without a certificates app. A participant has at most one certificate that is not revoked
    (a constraint of the certificates app), so the join never repeats a participant."""
    certificate = _certificate_model()
    if certificate is None:
        return None
    name = certificate._meta.get_field("participant").related_query_name()
    live = [value for value in certificate.Status.values if value != CERTIFICATE_REVOKED]
    return name, Q(**{f"{name}__status__in": live})


def _certified_counts(qs: QuerySet[Participant], *group_by) -> dict:
    """{group: participants with a live certificate}: a second GROUP BY over an inner join
    (a hash join over the whole set; a per-row EXISTS probe was ten times slower)."""
    lookup = live_certificate_filter()
    if lookup is None:
        return {}
    _name, condition = lookup
    rows = qs.filter(condition).values(*group_by).annotate(certified=Count("pk")).order_by()
    return {tuple(row[field] for field in group_by): row["certified"] for row in rows}


def _grouped_counts(qs: QuerySet[Participant], key) -> tuple[dict[str, Counts], bool]:
    """Two GROUP BY `key` (counts, then certificates): {key: Counts}, and whether any
    participant holds a live certificate."""
    qs = qs.annotate(group_key=key)
    certified = _certified_counts(qs, "group_key")
    result = {}
    for row in qs.values("group_key").annotate(**_count_annotations()).order_by():
        result[row["group_key"]] = Counts(
            invited=row["invited"],
            attended=row["attended"],
            excused=row["excused"],
            absent=row["absent"],
            quiz_taken=row["quiz_taken"],
            quiz_passed=row["quiz_passed"],
            certified=certified.get((row["group_key"],), 0),
            completed=row["completed"],
        )
    return result, any(certified.values())


def _basis(any_certificate: bool) -> str:
    """Certified / invited once live certificates exist for the period; completed / invited
    where no certificate applies (no certificates app, or none issued for these sessions)."""
    return COMPLETION_CERTIFIED if any_certificate else COMPLETION_COMPLETED


def _child_path_length(unit: Unit) -> int:
    return len(unit.path) + PATH_STEP + 1


def _as_dict(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "path": unit.path,
    }


def _row(unit: dict, counts: Counts, basis: str, *, has_children: bool) -> UnitRow:
    return UnitRow(
        unit_id=unit["id"],
        code=unit["code"],
        name=unit["name"],
        kind=unit["kind"],
        counts=counts,
        completion_pct=counts.completion_pct(basis=basis),
        has_children=has_children,
        path=unit["path"],
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
        path=unit["path"],
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
        Unit.objects.subtree_of(unit).values(
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
    qs = _participants(unit=unit, filters=filters)
    rows = list(
        qs.values("session_id", "session__title", "session__start_at")
        .annotate(invited=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
        .order_by("-session__start_at", "-session_id")[:limit]
    )
    certified = _certified_counts(
        qs.filter(session_id__in=[row["session_id"] for row in rows]), "session_id"
    )
    zone = ZoneInfo(unit.timezone)
    points = []
    for row in reversed(rows):
        done = certified.get((row["session_id"],), 0)
        counts = Counts(invited=row["invited"], certified=done, completed=row["completed"])
        start = row["session__start_at"].astimezone(zone)
        points.append(
            TrendPoint(
                label=start.strftime("%d/%m"),
                title=f"{row['session__title']} ({date_format(start, 'j M Y')})",
                completion_pct=counts.completion_pct(basis=_basis(bool(done))),
                invited=row["invited"],
            )
        )
    return points
