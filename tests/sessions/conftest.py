"""Sessions fixtures: a Polda Kalbar session inviting Polres Sanggau (with its Polsek).

Personas (tests/conftest.py): peserta (Polsek Kapuas, in Sanggau: invited), operator and
pimpinan (Polres Sanggau: invited), pelatih (Polda Kalbar: hosts, not invited), outsider
(Polres Sintang: neither).
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from sessions.services import session_create, session_publish

FIXTURES = Path(__file__).parent / "fixtures"


def make_session(
    pelatih,
    units,
    *,
    start_in=timedelta(days=2),
    hours=2,
    invite=("POLRES-SANGGAU",),
    publish=True,
    **kwargs,
):
    start = timezone.now().replace(microsecond=0) + start_in
    publish_now = min(timezone.now(), start - timedelta(minutes=1))
    session = session_create(
        user=pelatih,
        title=kwargs.pop("title", "Polri Belajar: Cyber Crime"),
        host_unit=units["POLDA-KALBAR"],
        start_at=start,
        end_at=start + timedelta(hours=hours),
        zoom_join_url=kwargs.pop(
            "zoom_join_url", "https://us02web.zoom.us/j/81234567890?pwd=Xy12ab"
        ),
        zoom_passcode=kwargs.pop("zoom_passcode", "246810"),
        invited_units=[units[code] for code in invite],
        **kwargs,
    )
    if publish:
        session = session_publish(session=session, user=pelatih, now=publish_now)
    return session


@pytest.fixture
def session_factory(pelatih, units):
    def factory(**kwargs):
        return make_session(pelatih, units, **kwargs)

    return factory


@pytest.fixture
def upcoming(session_factory, peserta, operator, pimpinan):
    """Published, starting in two days; personas created before publishing so they are invited."""
    return session_factory()


@pytest.fixture
def live(session_factory, peserta, operator, pimpinan):
    """Published, started 5 minutes ago, two hours long."""
    return session_factory(start_in=-timedelta(minutes=5))


@pytest.fixture
def ended(session_factory, peserta, operator, pimpinan):
    """Published, ended an hour ago."""
    return session_factory(start_in=-timedelta(hours=3))


@pytest.fixture(autouse=True)
def english_messages():
    """Service refusals are asserted by their English msgid; pages still negotiate per request."""
    from django.utils import translation

    with translation.override("en"):
        yield
