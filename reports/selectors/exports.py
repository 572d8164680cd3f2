"""Everything an export needs, and who may download a finished one."""

from __future__ import annotations

from django.utils import timezone

from training.models import Personnel, Unit
from training.selectors import unit_is_visible_to, user_sees_subtree

from ..data import (
    ReportData,
    Signatory,
)
from .aggregates import _levels, _participants, _trend
from .people import _people_stream
from .scope import TREND_SESSIONS, ReportFilter, report_period_label, report_scope_check

# --- the whole report for an export --------------------------------------------------------


def report_data_build(
    *,
    unit: Unit,
    filters: ReportFilter,
    requester: Personnel | None,
    people: bool = True,
    people_limit: int | None = None,
) -> ReportData:
    """Everything an export needs, in a fixed number of queries; the people are a stream that
    is read while the file is written (at most `people_limit` of them; `people_count` is
    always the full number).

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
        people=_people_stream(unit=unit, filters=filters, limit=people_limit) if people else [],
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
        and user.unit.contains(requester_unit)
        and unit_is_visible_to(user=user, unit=job.scope_unit)
    )


def report_jobs_of(*, user: Personnel, limit: int = 10):
    """The user's own recent export jobs."""
    from ..models import ReportJob

    return ReportJob.objects.filter(requester=user).select_related("scope_unit")[:limit]
