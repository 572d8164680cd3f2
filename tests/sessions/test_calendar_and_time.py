from datetime import UTC, datetime, timedelta

import pytest

from sessions.ics import IcsEvent, escape_text, fold, render_calendar
from sessions.timefmt import format_local


@pytest.mark.parametrize(
    "tz, expected",
    [
        ("Asia/Pontianak", "Selasa, 15 November 2022 09.00 WIB"),
        ("Asia/Jakarta", "Selasa, 15 November 2022 09.00 WIB"),
        ("Asia/Makassar", "Selasa, 15 November 2022 10.00 WITA"),
        ("Asia/Jayapura", "Selasa, 15 November 2022 11.00 WIT"),
        (None, "Selasa, 15 November 2022 09.00 WIB"),
    ],
)
def test_times_shown_in_the_viewers_zone(tz, expected):
    moment = datetime(2022, 11, 15, 2, 0, tzinfo=UTC)
    assert format_local(moment, tz) == expected


def test_date_changes_across_zones():
    moment = datetime(2022, 11, 15, 16, 30, tzinfo=UTC)  # 23.30 WIB, 01.30 WIT next day
    assert format_local(moment, "Asia/Jakarta").startswith("Selasa, 15 November")
    assert format_local(moment, "Asia/Jayapura") == "Rabu, 16 November 2022 01.30 WIT"


def test_escaping():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_folding_at_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "é" * 100  # 2 octets each
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


def test_calendar_is_valid_rfc5545_text():
    start = datetime(2022, 11, 15, 2, 0, tzinfo=UTC)
    body = render_calendar(
        [
            IcsEvent(
                uid="session-1@example",
                start=start,
                end=start + timedelta(hours=2),
                summary="Polri Belajar: Cyber Crime, sesi 1",
                description="Join Zoom: https://us02web.zoom.us/j/81234567890?pwd=" + "x" * 80,
                sequence=2,
            )
        ]
    )
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # only CRLF line ends
    for line in body.split("\r\n"):
        assert len(line.encode()) <= 75
    unfolded = body.replace("\r\n ", "")
    assert "DTSTART:20221115T020000Z" in unfolded
    assert "SUMMARY:Polri Belajar: Cyber Crime\\, sesi 1" in unfolded
    assert "SEQUENCE:2" in unfolded
