"""HTML pages: my certificates, certificates in scope, a session's certificates (rule, bulk
issue, ZIP with progress), one certificate (download, revoke, re-issue), and the public
verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.client import client_address
from core.fields import parse_id
from sessions.models import TrainingSession
from sessions.selectors import sessions_visible_to
from training.errors import ApplicationError
from training.selectors import user_sees_subtree

from . import selectors, services
from .forms import CompletionRuleForm, ReasonForm
from .models import BulkJob, Certificate
from .numbering import date_range_id, verification_code_display
from .ratelimit import verification_allowed, verification_missed

DOWNLOADABLE = (Certificate.Status.READY, Certificate.Status.PENDING)


def _pdf_response(certificate: Certificate) -> HttpResponse:
    try:
        pdf = services.certificate_pdf(certificate=certificate)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = certificate.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="sertifikat-{filename}.pdf"'
    return response


@login_required
def my_certificates(request):
    certificates = selectors.certificates_of(user=request.user)
    return render(
        request,
        "certificates/mine.html",
        {"certificates": certificates, "sees_scope": user_sees_subtree(user=request.user)},
    )


@login_required
def certificate_list(request):
    """Certificates in the user's scope, filterable by session, status and text."""
    qs = selectors.certificates_visible_to(user=request.user)
    status = request.GET.get("status", "")
    if status in Certificate.Status.values:
        qs = qs.filter(status=status)
    session_id = parse_id(request.GET.get("session"), name=_("session"))
    if session_id is not None:
        qs = qs.filter(participant__session_id=session_id)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(
            Q(recipient_name__icontains=text)
            | Q(number__icontains=text)
            | Q(recipient_nrp__startswith=text)
        )
    page = Paginator(qs.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/list.html",
        {
            "page": page,
            "statuses": Certificate.Status.choices,
            "status": status,
            "q": text,
            "session_id": session_id or "",
        },
    )


def _visible_certificate(request, pk: int) -> Certificate:
    return get_object_or_404(selectors.certificates_visible_to(user=request.user), pk=pk)


@login_required
def certificate_detail(request, pk: int):
    certificate = _visible_certificate(request, pk)
    can_manage = selectors.certificate_can_manage(user=request.user, certificate=certificate)
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "can_manage": can_manage,
            "downloadable": certificate.status in DOWNLOADABLE,
            "dates": date_range_id(certificate.session_start, certificate.session_end),
            "code_display": verification_code_display(certificate.code),
            "verify_url": services.verification_url(certificate.code),
            "replaced_by": Certificate.objects.filter(replaces=certificate).first(),
            "form": ReasonForm(),
        },
    )


@login_required
def certificate_download(request, pk: int):
    certificate = _visible_certificate(request, pk)
    if certificate.status not in DOWNLOADABLE:
        return HttpResponse(
            _("This certificate is %(status)s and cannot be downloaded.")
            % {"status": certificate.get_status_display().lower()},
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    return _pdf_response(certificate)


def _managed_certificate(request, pk: int) -> Certificate:
    certificate = _visible_certificate(request, pk)
    if not selectors.certificate_can_manage(user=request.user, certificate=certificate):
        raise PermissionDenied
    return certificate


def _reason_action(request, pk: int, action, done_message: str):
    certificate = _managed_certificate(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason (at most 1000 characters)."))
        return redirect("certificates:detail", pk=certificate.pk)
    try:
        result = action(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("certificates:detail", pk=certificate.pk)
    messages.success(request, done_message % {"number": result.number})
    return redirect("certificates:detail", pk=result.pk)


@login_required
@require_POST
def certificate_revoke(request, pk: int):
    return _reason_action(
        request, pk, services.certificate_revoke, _("Certificate %(number)s was revoked.")
    )


@login_required
@require_POST
def certificate_reissue(request, pk: int):
    return _reason_action(
        request, pk, services.certificate_reissue, _("Certificate %(number)s was issued.")
    )


@login_required
@require_POST
def certificate_retry(request, pk: int):
    certificate = _managed_certificate(request, pk)
    try:
        services.certificate_retry(certificate=certificate)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The certificate is being prepared again."))
    return redirect("certificates:detail", pk=certificate.pk)


# --- A session's certificates ---------------------------------------------------------------


def _visible_session(request, session_id: int) -> TrainingSession:
    return get_object_or_404(sessions_visible_to(user=request.user), pk=session_id)


def _rule_initial(rule) -> dict:
    return {
        "attendance_statuses": rule.attendance_statuses,
        "min_minutes": rule.min_minutes,
        "require_quiz": rule.require_quiz,
        "require_material_read": rule.require_material_read,
        "auto_issue": rule.auto_issue,
    }


@login_required
def session_certificates(request, session_id: int):
    session = _visible_session(request, session_id)
    can_manage = selectors.session_certificates_can_manage(user=request.user, session=session)
    certificates = (
        selectors.certificates_visible_to(user=request.user)
        .filter(participant__session=session)
        .order_by("sequence")
    )
    if not can_manage and not certificates.exists():
        raise Http404
    context = services.rule_context(session=session)
    return render(
        request,
        "certificates/session.html",
        {
            "session": session,
            "can_manage": can_manage,
            "certificates": certificates[:500],
            "counts": selectors.session_certificate_counts(session=session),
            "eligible": services.participants_eligible(session=session, context=context).count()
            if can_manage
            else None,
            "rule_context": context,
            "rule_form": CompletionRuleForm(initial=_rule_initial(context.rule)),
            "jobs": selectors.bulk_jobs_visible_to(user=request.user).filter(session=session)[:5],
        },
    )


def _managed_session(request, session_id: int) -> TrainingSession:
    session = _visible_session(request, session_id)
    if not selectors.session_certificates_can_manage(user=request.user, session=session):
        raise PermissionDenied
    return session


@login_required
@require_POST
def session_rule(request, session_id: int):
    session = _managed_session(request, session_id)
    form = CompletionRuleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("certificates:session", session_id=session.pk)
    try:
        services.completion_rule_set(session=session, by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The completion rule was saved."))
    return redirect("certificates:session", session_id=session.pk)


@login_required
@require_POST
def session_issue(request, session_id: int):
    session = _managed_session(request, session_id)
    try:
        services.certificates_issue_bulk(session=session, requested_by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Issuing certificates has started."))
    return redirect("certificates:session", session_id=session.pk)


@login_required
@require_POST
def session_zip(request, session_id: int):
    session = _visible_session(request, session_id)
    try:
        services.certificates_zip_request(session=session, requested_by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The ZIP file is being prepared."))
    return redirect("certificates:session", session_id=session.pk)


@login_required
@never_cache
def job_status(request, pk: int):
    """The job's progress as an HTML fragment; htmx polls it until the job is finished."""
    job = get_object_or_404(selectors.bulk_jobs_visible_to(user=request.user), pk=pk)
    return render(request, "certificates/_job.html", {"job": job, **_job_figures(job)})


def _job_figures(job: BulkJob) -> dict:
    figures = {"percent": int(100 * job.progress / job.total) if job.total else 0}
    if job.kind == BulkJob.Kind.ISSUE:
        counts = selectors.session_certificate_counts(session=job.session)
        live = counts["pending"] + counts["ready"] + counts["failed"]
        figures.update(
            rendered=counts["ready"],
            live=live,
            render_percent=int(100 * counts["ready"] / live) if live else 0,
        )
    return figures


@login_required
def job_download(request, pk: int):
    job = get_object_or_404(
        selectors.bulk_jobs_visible_to(user=request.user), pk=pk, kind=BulkJob.Kind.ZIP
    )
    return zip_response(job)


def zip_response(job: BulkJob) -> FileResponse:
    """The finished ZIP of `job` (the caller has checked the user may have it)."""
    if job.status != BulkJob.Status.DONE or not job.file:
        raise Http404
    if not default_storage.exists(job.file.name):
        raise Http404
    return FileResponse(
        default_storage.open(job.file.name, "rb"),
        as_attachment=True,
        filename=f"sertifikat-sesi-{job.session_id}.zip",
        content_type="application/zip",
    )


# --- Public verification --------------------------------------------------------------------


@never_cache
def verify(request, code: str):
    """Public: valid or revoked, with name, rank, unit, session, date and number only."""
    client = client_address(request)
    if not verification_allowed(client=client):
        return render(request, "certificates/verify.html", {"throttled": True}, status=429)
    certificate = selectors.certificate_for_verification(code=code)
    if certificate is None:
        verification_missed(client=client)
        return render(
            request, "certificates/verify.html", {"unknown": True, "code": code}, status=404
        )
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "dates": date_range_id(certificate.session_start, certificate.session_end),
        },
    )
