"""Everything an export needs, and who may download a finished one."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from core.scope import subtree_q
from training.models import Personnel, Unit
from training.selectors import user_sees_subtree

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


def report_jobs_visible_to(*, user: Personnel):
    """Export jobs (and their files) `user` may follow: their own, every job for admins, and
    for those who oversee a subtree the jobs requested below their unit (the requester's unit
    at the time of the request) on a unit in their scope: not colleagues of the same unit, not
    other branches."""
    from ..models import ReportJob

    base = ReportJob.objects.select_related("requester_unit", "scope_unit")
    if not (user.is_authenticated and user.is_active):
        return base.none()
    if user.is_admin:
        return base.all()
    mine = Q(requester=user)
    if user_sees_subtree(user=user):
        below = subtree_q(user.unit, via="requester_unit") & ~Q(requester_unit=user.unit)
        mine |= below & subtree_q(user.unit, via="scope_unit")
    return base.filter(mine)


def report_jobs_of(*, user: Personnel, limit: int = 10):
    """The user's own recent export jobs."""
    from ..models import ReportJob

    return ReportJob.objects.filter(requester=user).select_related("scope_unit")[:limit]
