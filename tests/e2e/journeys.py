"""Objects the browser journeys share."""

from datetime import timedelta

from django.utils import timezone

from sessions.models import TrainingSession
from sessions.services import session_create, session_publish


def live_session(pelatih, units, *, title: str) -> TrainingSession:
    """Published, started five minutes ago (within the check-in grace period), inviting Polres
    Sanggau with its Polsek."""
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    session = session_create(
        user=pelatih,
        title=title,
        host_unit=units["POLDA-KALBAR"],
        start_at=start,
        end_at=start + timedelta(hours=2),
        zoom_join_url="https://us02web.zoom.us/j/81234567890?pwd=Xy12ab",
        zoom_passcode="246810",
        invited_units=[units["POLRES-SANGGAU"]],
    )
    return session_publish(session=session, user=pelatih, now=start - timedelta(minutes=1))
