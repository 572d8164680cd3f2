"""The commander's dashboard and the export buttons (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from training.models import Unit
from training.selectors import unit_ancestors, units_visible_to, user_sees_subtree

from .charts import completion_bar_chart, completion_trend_chart
from .forms import ReportFilterForm
from .models import ReportJob
from .selectors import (
    completion_by_child_unit,
    completion_trend,
    participations_of,
    people_in_unit,
    person_rows,
    report_jobs_of,
    report_jobs_visible_to,
    report_module_choices,
    report_scope_default,
    report_session_choices,
)
from .services import CONTENT_TYPES, report_job_request

PEOPLE_PAGE = 50


def _scope_unit(request: HttpRequest, code: str | None) -> Unit:
    """The unit asked for, if the user may see it (404 otherwise: no hint that it exists)."""
    if code:
        return get_object_or_404(units_visible_to(user=request.user), code=code)
    unit = report_scope_default(user=request.user)
    if unit is None:
        raise Http404
    return unit


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_sees_subtree(user=user):
        # Personnel see their own record only.
        return render(request, "reports/my_record.html", {"rows": participations_of(user=user)})
    unit = _scope_unit(request, request.GET.get("unit"))
    form = ReportFilterForm(
        request.GET,
        user=user,
        sessions=report_session_choices(user=user, unit=unit),
        modules=report_module_choices(user=user),
    )
    context = {"form": form, "unit": unit, "jobs": report_jobs_of(user=user)}
    if not form.is_valid():
        return render(request, "reports/dashboard.html", context, status=400)
    filters = form.report_filter
    report = completion_by_child_unit(user=user, unit=unit, filters=filters)
    trend = completion_trend(user=user, unit=unit, filters=filters)
    query = request.GET.copy()
    query.pop("unit", None)
    query.pop("people", None)
    query.pop("page", None)
    chain = [
        ancestor
        for ancestor in unit_ancestors(unit=unit, include_self=True)
        if user.is_admin or user.unit.contains(ancestor)
    ]
    context.update(
        report=report,
        filters=filters,
        chain=chain,
        query=query.urlencode(),
        bar_chart=completion_bar_chart(report.rows),
        trend_chart=completion_trend_chart(trend),
        # A unit without units below it is drilled down to its people straight away.
        show_people=request.GET.get("people") == "1" or all(row.is_direct for row in report.rows),
    )
    if context["show_people"]:
        page = Paginator(people_in_unit(user=user, unit=unit, filters=filters), PEOPLE_PAGE)
        people_page = page.get_page(request.GET.get("page"))
        context.update(people_page=people_page, people=person_rows(people_page.object_list))
    return render(request, "reports/dashboard.html", context)


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    """Start an export job; answers with the job's progress fragment (htmx) or its page."""
    if not user_sees_subtree(user=request.user):
        return HttpResponse(status=403)
    unit = _scope_unit(request, request.POST.get("unit"))
    form = ReportFilterForm(request.POST, user=request.user)
    fmt = request.POST.get("format")
    if fmt not in ReportJob.Format.values:
        form.add_error(None, _("Choose PDF, XLSX or CSV."))
    if not form.is_valid():
        return render(request, "reports/_job_error.html", {"form": form}, status=400)
    job = report_job_request(
        user=request.user,
        unit=unit,
        filters=form.report_filter,
        fmt=fmt,
        language=get_language() or "id",
    )
    return render(request, "reports/_job.html", {"job": job}, status=202)


def _visible_job(request: HttpRequest, pk: int) -> ReportJob:
    return get_object_or_404(report_jobs_visible_to(user=request.user), pk=pk)


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reports/_job.html", {"job": _visible_job(request, pk)})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _visible_job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES[job.format],
    )
