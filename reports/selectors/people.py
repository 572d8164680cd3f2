"""The people behind the numbers, and the choices the filters offer."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from core.scope import subtree_q
from sessions.models import Participant, TrainingSession
from training.models import Personnel, Unit

from ..data import (
    PersonRow,
)
from .aggregates import _child_path_length, _participants, live_certificate_filter
from .scope import ReportFilter, report_modules_for, report_scope_check, report_sessions_for

# --- people --------------------------------------------------------------------------------


# The people columns, in `PersonRow` order.
PEOPLE_FIELDS = (
    "personnel__nrp",
    "personnel__name",
    "rank_abbreviation",
    "unit__name",
    "session__title",
    "session__start_at",
    "attendance_status",
    "minutes_attended",
    "quiz_score",
    "quiz_passed",
    "certificate_number",
)


def _people_annotated(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    number = Value("")
    lookup = live_certificate_filter()
    if lookup is not None:
        # A LEFT JOIN to the live certificate (at most one), not a subquery per row.
        name, condition = lookup
        qs = qs.annotate(live_certificate=FilteredRelation(name, condition=condition))
        number = Coalesce(F("live_certificate__number"), Value(""))
    return qs.annotate(
        certificate_number=number,
        rank_abbreviation=Coalesce(F("personnel__rank__abbreviation"), Value("")),
    )


def _people_values(qs: QuerySet[Participant]) -> QuerySet:
    return _people_annotated(qs).values(*PEOPLE_FIELDS)


def _person_row(row: dict) -> PersonRow:
    return PersonRow(*(row[name] for name in PEOPLE_FIELDS))


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


STREAM_CHUNK = 2000  # rows fetched per round trip (a server-side cursor on PostgreSQL)


def _people_stream(
    *, unit: Unit, filters: ReportFilter, limit: int | None = None
) -> Iterator[PersonRow]:
    """The participations of `unit`'s subtree for an export, unit by unit (by path, so each
    child unit's people come together), then by seniority: one query, read in chunks as
    tuples (no model instances, no dicts), each tagged with the child unit it falls under."""
    qs = (
        _people_annotated(_participants(unit=unit, filters=filters))
        .order_by("unit__path", *SENIORITY_ORDER)
        .values_list(*PEOPLE_FIELDS, "unit__path")
    )
    if limit is not None:
        qs = qs[:limit]
    branch_length = _child_path_length(unit)
    make = PersonRow._make
    for row in qs.iterator(chunk_size=STREAM_CHUNK):
        yield make((*row[:-1], row[-1][:branch_length]))


# --- filter choices ------------------------------------------------------------------------


def report_session_choices(*, user: Personnel, unit: Unit, limit: int = 50):
    """Recent sessions with participants in `unit`'s subtree, newest first (one query)."""
    report_scope_check(user=user, unit=unit)
    reach = Participant.objects.filter(subtree_q(unit, via="unit"), session=OuterRef("pk"))
    return (
        report_sessions_for(user=user)
        .filter(Exists(reach))
        .exclude(status=TrainingSession.Status.CANCELLED)
        .select_related(None)
        .only("id", "title", "start_at")
        .order_by("-start_at")[:limit]
    )


def report_module_choices(*, user: Personnel):
    """The active modules offered in the filter (each accepted by `report_filter_clean`)."""
    return (
        report_modules_for(user=user).filter(is_active=True).only("id", "title").order_by("title")
    )
