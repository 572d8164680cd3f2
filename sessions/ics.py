"""RFC 5545 calendar rendering. Pure: takes plain data, returns text with CRLF line endings.

Lines are folded at 75 octets (never inside a UTF-8 character), and TEXT values escape
backslash, semicolon, comma and newlines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//Polri Belajar//Training sessions//ID"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False
    stamp: datetime | None = None


def escape_text(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets joined by CRLF + space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space
        current.append(ch)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_calendar(events: Iterable[IcsEvent], *, name: str = "Polri Belajar") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    now = datetime.now(UTC)
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(event.stamp or now)}",
            f"DTSTART:{_utc(event.start)}",
            f"DTEND:{_utc(event.end)}",
            f"SEQUENCE:{event.sequence}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
