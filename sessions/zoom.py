"""Zoom join links and meeting ids: parsing, validation and display. Pure functions, no ORM.

Accepted links (https only, host zoom.us or any subdomain of it, e.g. us02web.zoom.us or a
vanity domain such as polri.zoom.us):

- ``/j/<9-11 digit id>`` with an optional ``pwd=`` query (the embedded passcode),
- ``/w/<id>`` (webinar) and ``/wc/join/<id>`` (web client), treated like ``/j/``,
- ``/my/<personal link name>`` (a personal meeting room; no numeric id in the link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _

from training.errors import ApplicationError

MEETING_ID_RE = re.compile(r"^\d{9,11}$")
_PATH_ID_RE = re.compile(r"^/(?:j|w|s|wc/join|wc)/(\d{9,11})/?$")
_PATH_MY_RE = re.compile(r"^/my/([A-Za-z0-9][A-Za-z0-9._-]{0,63})/?$")
_HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*zoom\.us$")


@dataclass(frozen=True)
class ZoomLink:
    url: str
    host: str
    meeting_id: str  # "" for /my/<name> links
    personal_name: str  # "" for /j/<id> links
    passcode_token: str  # the pwd= value ("" when absent)


def normalize_meeting_id(value: str) -> str:
    """ "812 3456 7890", "812-3456-7890" → "81234567890"; raises ApplicationError if not 9-11
    digits."""
    digits = re.sub(r"[\s\-.]", "", value or "")
    if not MEETING_ID_RE.match(digits):
        raise ApplicationError(_("A Zoom meeting ID has 9 to 11 digits."))
    return digits


def format_meeting_id(meeting_id: str) -> str:
    """Group digits the way Zoom shows them: 3-3-3 (9), 3-3-4 (10), 3-4-4 (11)."""
    if not meeting_id or not meeting_id.isdigit():
        return meeting_id or ""
    groups = {9: (3, 3, 3), 10: (3, 3, 4), 11: (3, 4, 4)}.get(len(meeting_id))
    if not groups:
        return meeting_id
    parts, start = [], 0
    for size in groups:
        parts.append(meeting_id[start : start + size])
        start += size
    return " ".join(parts)


def parse_join_url(url: str) -> ZoomLink:
    """Parse and validate a Zoom join link; raises ApplicationError with a readable reason."""
    text = (url or "").strip()
    if not text:
        raise ApplicationError(_("Enter the Zoom join link."))
    parts = urlsplit(text)
    if parts.scheme != "https":
        raise ApplicationError(_("The Zoom link must start with https://."))
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or parts.port not in (None, 443):
        raise ApplicationError(_("The Zoom link must not contain a user name or port."))
    if not _HOST_RE.match(host):
        raise ApplicationError(
            _("This is not a Zoom link (the address must end in zoom.us, e.g. us02web.zoom.us).")
        )
    query = parse_qs(parts.query)
    pwd = (query.get("pwd") or [""])[0]
    if pwd and not re.match(r"^[A-Za-z0-9._-]{1,128}$", pwd):
        raise ApplicationError(_("The pwd= part of the Zoom link is not valid."))
    if match := _PATH_ID_RE.match(parts.path):
        return ZoomLink(text, host, match.group(1), "", pwd)
    if match := _PATH_MY_RE.match(parts.path):
        return ZoomLink(text, host, "", match.group(1), pwd)
    raise ApplicationError(
        _("The Zoom link must look like https://zoom.us/j/81234567890 or https://zoom.us/my/name.")
    )
