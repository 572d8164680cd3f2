"""Calendar data for a viewer: turns sessions into IcsEvents (the Zoom link only for those who
may see it) and renders them with sessions.ics."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .ics import IcsEvent, render_calendar
from .models import TrainingSession
from .selectors import session_can_see_join_link


def session_event(*, session: TrainingSession, user, base_url: str) -> IcsEvent:
    detail = f"{base_url}/sessions/{session.pk}/"
    lines = [session.description.strip()] if session.description.strip() else []
    lines.append(_("Host: %(unit)s") % {"unit": session.host_unit.name})
    location = "Zoom"
    if session_can_see_join_link(user=user, session=session) and session.zoom_join_url:
        lines.append(_("Join Zoom: %(url)s") % {"url": session.zoom_join_url})
        if session.zoom_meeting_id:
            lines.append(_("Meeting ID: %(id)s") % {"id": session.zoom_meeting_id_display})
        if session.zoom_passcode:
            lines.append(_("Passcode: %(code)s") % {"code": session.zoom_passcode})
        location = session.zoom_join_url
    lines.append(_("Details and check-in: %(url)s") % {"url": detail})
    if session.status == TrainingSession.Status.CANCELLED and session.cancel_reason:
        lines.insert(0, _("CANCELLED: %(reason)s") % {"reason": session.cancel_reason})
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "polri-belajar"
    return IcsEvent(
        uid=f"session-{session.pk}@{host}",
        start=session.start_at,
        end=session.end_at,
        summary=session.title,
        description="\n".join(lines),
        location=location,
        url=detail,
        sequence=session.ics_sequence,
        cancelled=session.status == TrainingSession.Status.CANCELLED,
        stamp=session.updated_at,
    )


def calendar_for(
    *, sessions: Iterable[TrainingSession], user, base_url: str, name: str = "Polri Belajar"
) -> str:
    return render_calendar(
        (session_event(session=s, user=user, base_url=base_url) for s in sessions), name=name
    )
