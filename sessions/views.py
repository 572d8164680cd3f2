"""HTML pages for sessions. Thin: scope through selectors, write through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.fields import id_or_none
from training.errors import ApplicationError
from training.models import Role
from training.selectors import modules_visible_to, units_visible_to

from . import selectors, services
from .calendar import calendar_for
from .extensions import session_links
from .forms import SessionForm, ZoomUploadForm
from .models import CalendarFeed, Participant, SessionModule, TrainingSession, ZoomImport

WHEN_CHOICES = ("upcoming", "today", "past")


def _visible_session(request, pk: int) -> TrainingSession:
    return get_object_or_404(selectors.sessions_visible_to(user=request.user), pk=pk)


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@login_required
@require_GET
def session_list(request):
    when = request.GET.get("when") or "upcoming"
    if when not in WHEN_CHOICES:
        when = "upcoming"
    # Filters are looked up in the viewer's scope; an unknown, foreign or impossible id is no
    # filter at all (the form offers only the viewer's own choices).
    units = units_visible_to(user=request.user)
    unit_id = id_or_none(request.GET.get("unit", ""))
    unit = units.filter(pk=unit_id).first() if unit_id else None
    modules = modules_visible_to(user=request.user).filter(is_active=True)
    module_id = id_or_none(request.GET.get("module", ""))
    module = modules.filter(pk=module_id).first() if module_id else None
    mine = request.GET.get("mine") == "1"
    sessions = selectors.session_list(
        user=request.user,
        when=when,
        unit=unit,
        module_id=module.pk if module else None,
        mine=mine,
    ).prefetch_related(
        Prefetch("session_modules", queryset=SessionModule.objects.select_related("module"))
    )[:200]
    mine_ids = set(
        Participant.objects.filter(
            personnel=request.user, session__in=[s.pk for s in sessions]
        ).values_list("session_id", flat=True)
    )
    return render(
        request,
        "sessions/session_list.html",
        {
            "sessions": sessions,
            "when": when,
            "mine": mine,
            "units": units.order_by("path")[:500],
            "unit": unit,
            "modules": modules,
            "module": str(module.pk) if module else "",
            "mine_ids": mine_ids,
            "can_schedule": request.user.is_admin or request.user.has_role(Role.PELATIH),
            "tz": selectors.viewer_timezone(user=request.user),
        },
    )


def _detail_context(request, session: TrainingSession) -> dict:
    participant = selectors.participant_for(session=session, user=request.user)
    return {
        "session": session,
        "participant": participant,
        "tz": selectors.viewer_timezone(user=request.user),
        "can_join": selectors.session_can_see_join_link(user=request.user, session=session),
        "can_manage": selectors.session_can_manage(user=request.user, session=session),
        "can_mark": selectors.user_can_mark_attendance(user=request.user) and session.is_published,
        "checkin_open": session.checkin_is_open(),
    }


@login_required
@require_GET
def session_detail(request, pk: int):
    session = _visible_session(request, pk)
    context = _detail_context(request, session)
    context["presenters"] = session.presenters.select_related("personnel", "personnel__rank")
    context["modules"] = session.session_modules.select_related("module")
    context["invited_units"] = session.invited_units.order_by("path")
    # Quizzes and certificates add their pages here (sessions.extensions), as the user may see.
    context["extra_links"] = session_links(session=session, user=request.user)
    return render(request, "sessions/session_detail.html", context)


@login_required
@require_POST
def session_check_in(request, pk: int):
    session = _visible_session(request, pk)
    error = ""
    try:
        services.participant_check_in(session=session, user=request.user)
    except ApplicationError as exc:
        error = exc.message
    if request.headers.get("HX-Request"):
        context = _detail_context(request, session)
        context["error"] = error
        # htmx swaps only 2xx responses, so a refusal is shown inside the fragment.
        return render(request, "sessions/_checkin.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your attendance has been recorded."))
    return redirect("sessions:detail", pk=pk)


@login_required
@require_GET
def session_ics(request, pk: int):
    session = _visible_session(request, pk)
    body = calendar_for(sessions=[session], user=request.user, base_url=_base_url(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sesi-{session.pk}.ics"'
    return response


@require_GET
def calendar_feed(request, token: str):
    """The personal feed: the unguessable token is the credential (calendar apps cannot log in)."""
    feed = CalendarFeed.objects.select_related("personnel").filter(token=token).first()
    if feed is None or not feed.personnel.is_active:
        raise Http404
    sessions = selectors.sessions_for_feed(personnel=feed.personnel)
    body = calendar_for(
        sessions=sessions,
        user=feed.personnel,
        base_url=_base_url(request),
        name=f"Polri Belajar · {feed.personnel.name}",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request):
    if request.method == "POST":
        feed = services.calendar_feed_reset(personnel=request.user)
        messages.success(request, _("A new calendar link was made; the old one no longer works."))
    else:
        feed = services.calendar_feed_get_or_create(personnel=request.user)
    url = request.build_absolute_uri(f"/sessions/feed/{feed.token}.ics")
    return render(request, "sessions/my_calendar.html", {"feed_url": url})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int | None = None):
    session = _visible_session(request, pk) if pk else None
    if session and not selectors.session_can_manage(user=request.user, session=session):
        raise PermissionDenied
    if session is None and not (request.user.is_admin or request.user.has_role(Role.PELATIH)):
        raise PermissionDenied
    tz = selectors.viewer_timezone(user=request.user)
    initial = SessionForm.initial_for(session, tz) if session else None
    form = SessionForm(
        request.POST or None, user=request.user, session=session, tz_name=tz, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invited = list(data.pop("invited_units"))
        modules = list(data.pop("modules"))
        presenters = data.pop("presenters")
        options = {
            key: data.pop(key)
            for key in (
                "checkin_opens_before",
                "checkin_grace",
                "min_attendance_percent",
                "reminder_minutes_before",
            )
        }
        try:
            if session is None:
                session = services.session_create(
                    user=request.user,
                    invited_units=invited,
                    modules=modules,
                    presenters=presenters,
                    options=options,
                    **data,
                )
                messages.success(request, _("Draft saved. Publish it to invite the units."))
            else:
                services.session_update(
                    session=session,
                    user=request.user,
                    invited_units=invited,
                    modules=modules,
                    presenters=presenters,
                    **data,
                    **options,
                )
                messages.success(request, _("Session updated."))
            return redirect("sessions:detail", pk=session.pk)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    return render(request, "sessions/session_form.html", {"form": form, "session": session})


@login_required
@require_POST
def session_publish(request, pk: int):
    session = _visible_session(request, pk)
    try:
        services.session_publish(session=session, user=request.user)
        messages.success(request, _("Published: the invited units' personnel are now invited."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("sessions:detail", pk=pk)


@login_required
@require_POST
def session_cancel(request, pk: int):
    session = _visible_session(request, pk)
    try:
        services.session_cancel(
            session=session, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The session was cancelled."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("sessions:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_sheet(request, pk: int):
    """One page for an operator to mark everyone of their units: defaults, mark-all, per-row
    status and note, and the vicon room they sat in."""
    session = _visible_session(request, pk)
    if not selectors.user_can_mark_attendance(user=request.user):
        raise PermissionDenied
    rows = selectors.participants_markable_by(user=request.user, session=session).order_by(
        "unit__path", "personnel__name"
    )
    vicon_points = selectors.vicon_points_for(user=request.user)
    error = ""
    if request.method == "POST":
        marks = []
        for p in rows:
            status = request.POST.get(f"status-{p.pk}", "")
            if not status:
                continue
            vicon = request.POST.get(f"vicon-{p.pk}", "").strip()
            vicon_id = id_or_none(vicon)
            if vicon and vicon_id is None:
                # Not an id at all: refused like an id of a room that is not the user's.
                error = _("That vicon point is not one of your units' rooms.")
            marks.append(
                services.AttendanceMark(
                    participant_id=p.pk,
                    status=status,
                    note=request.POST.get(f"note-{p.pk}", ""),
                    vicon_point_id=vicon_id,
                )
            )
    if request.method == "POST" and not error:
        try:
            changed = services.attendance_mark_bulk(session=session, user=request.user, marks=marks)
            messages.success(request, _("%(count)d records saved.") % {"count": changed})
            return redirect("sessions:sheet", pk=pk)
        except ApplicationError as exc:
            error = exc.message
    return render(
        request,
        "sessions/attendance_sheet.html",
        {
            "session": session,
            "rows": rows,
            "vicon_points": vicon_points,
            "statuses": Participant.AttendanceStatus.choices,
            "error": error,
            "tz": selectors.viewer_timezone(user=request.user),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def zoom_import(request, pk: int):
    """Upload → preview (nothing written) → confirm, with manual matching of unmatched names."""
    session = _visible_session(request, pk)
    if not selectors.session_can_manage(user=request.user, session=session):
        raise PermissionDenied
    form = ZoomUploadForm(user=request.user)
    context = {"session": session, "form": form, "problems": [], "error": ""}
    if request.method == "POST" and "confirm" in request.POST:
        confirm = id_or_none(request.POST["confirm"])
        # Unconfirmed previews are purged after SESSIONS_ZOOM_PREVIEW_MAX_AGE_HOURS.
        upload = ZoomImport.objects.filter(pk=confirm, session=session).first() if confirm else None
        decisions = {
            key[len("match:") :]: value
            for key, value in request.POST.items()
            if key.startswith("match:")
        }
        try:
            if upload is None:
                raise ApplicationError(_("This preview has expired; upload the report again."))
            result = services.zoom_import_confirm(
                upload=upload, user=request.user, decisions=decisions
            )
            messages.success(
                request,
                _("Zoom report applied: %(count)d participants updated.")
                % {"count": result["participants_changed"]},
            )
            return redirect("sessions:summary", pk=pk)
        except ApplicationError as exc:
            context["error"] = exc.message
    elif request.method == "POST":
        form = ZoomUploadForm(request.POST, request.FILES, user=request.user)
        context["form"] = form
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                upload, plan = services.zoom_import_preview(
                    session=session, user=request.user, filename=file.name, content=file.read()
                )
                context.update(upload=upload, plan=plan)
                context["participants"] = selectors.participants_visible_to(
                    user=request.user, session=session
                ).order_by("personnel__name")
                context["vicon_points"] = selectors.vicon_points_for(user=request.user)
            except ApplicationError as exc:
                context["error"] = exc.message
                context["problems"] = exc.extra.get("problems", [])
    status = 400 if context["error"] or (request.method == "POST" and not form.is_valid()) else 200
    return render(request, "sessions/zoom_import.html", context, status=status)


@login_required
@require_GET
def attendance_summary(request, pk: int):
    session = _visible_session(request, pk)
    rows = selectors.attendance_summary_by_unit(user=request.user, session=session)
    totals = {
        key: sum(r[key] for r in rows)
        for key in ("invited", "hadir", "terlambat", "izin", "sakit", "dinas", "alpa", "unrecorded")
    }
    totals["present"] = totals["hadir"] + totals["terlambat"]
    return render(
        request,
        "sessions/attendance_summary.html",
        {
            "session": session,
            "rows": rows,
            "totals": totals,
            "vicon": session.vicon_connections.select_related("vicon_point"),
            "tz": selectors.viewer_timezone(user=request.user),
        },
    )
