"""The pure Zoom report parser on every layout of ZOOM_FORMAT_NOTES.md."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sessions.importers.zoom import (
    ZoomReportError,
    find_nrps,
    merge_intervals,
    normalize_person_name,
    parse_report,
    split_display_name,
)
from tests.sessions.conftest import FIXTURES

WIB = ZoneInfo("Asia/Pontianak")


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def at(*args):
    return datetime(*args, tzinfo=WIB)


def test_plain_participant_list_real_export():
    report = parse_report(load("zoomclass_participants_plain.csv"), tz=WIB)
    assert report.layout == "participants"
    assert len(report.rows) == 31  # rows, not people: rejoins are separate rows
    loki = report.rows[0]
    assert (loki.line, loki.name, loki.original_name) == (2, "015_Loki", "Loki Laufeyson")
    assert loki.email == "loki_asgardian@marvel.com"
    assert loki.join == at(2021, 11, 19, 9, 54, 15) and loki.leave == at(2021, 11, 19, 12, 1, 59)
    assert loki.duration_minutes == 128


def test_summary_block_without_trailing_newline():
    content = load("polri_summary_block.csv")
    assert not content.endswith(b"\n")
    report = parse_report(content, tz=WIB)
    assert report.layout == "participants+summary"
    assert report.meeting_id == "81234567890"
    assert report.topic == "Polri Belajar: Cyber Crime"
    assert report.start == at(2022, 11, 15, 9, 0) and report.end == at(2022, 11, 15, 11, 0)
    assert report.header_line == 4
    assert [r.line for r in report.rows] == [5, 6, 7, 8, 9, 10]
    # Non-padded 12h hour ("9:20:00 AM") parses like the padded one.
    assert report.rows[2].join == at(2022, 11, 15, 9, 20)


def test_indonesian_headers_semicolon_bom_crlf_day_first():
    report = parse_report(load("polri_indonesian_semicolon_bom.csv"), tz=WIB)
    assert report.delimiter == ";"
    assert report.meeting_id == "81234567890"  # "812 3456 7890" in the summary
    assert report.rows[0].join == at(2022, 11, 15, 8, 55, 10)
    assert report.rows[2].email == "rina.oktaviani@polri.go.id"
    assert len(report.rows) == 4


def test_lowercase_extended_columns_iso_dates_and_quoted_comma():
    report = parse_report(load("lowercase_extended_iso.csv"), tz=WIB)
    assert report.meeting_id == "81234567890"
    assert report.rows[1].name == "Oktaviani, Rina"
    assert report.rows[0].leave == at(2022, 11, 15, 10, 59)


def test_japanese_excel_resave_year_first_no_seconds():
    report = parse_report(load("japanese_excel_ymd.csv"), tz=WIB)
    assert report.rows[0].name == "太郎1"
    assert report.rows[0].join == at(2020, 12, 8, 8, 35)
    assert report.rows[0].duration_minutes == 245


def test_ambiguous_day_month_resolved_by_session_date():
    content = load("dmy_ambiguous_no_seconds.csv")
    day_first = parse_report(content, tz=WIB, date_hint=date(2023, 6, 1))
    assert day_first.rows[0].join == at(2023, 6, 1, 0, 21)
    month_first = parse_report(content, tz=WIB, date_hint=date(2023, 1, 6))
    assert month_first.rows[0].join == at(2023, 1, 6, 0, 21)
    # Without a hint Zoom's month-first default applies.
    assert parse_report(content, tz=WIB).rows[0].join == at(2023, 1, 6, 0, 21)


def test_webinar_attendee_report_sections_and_absent_registrants():
    report = parse_report(load("webinar_attendee.csv"), tz=WIB)
    assert report.layout == "webinar"
    assert [r.name for r in report.rows] == ["Humas Polda", "Andi Saputra"]
    assert report.meeting_id == "81234567890"
    assert any("did not attend" in reason for _line, reason in report.skipped)


def test_bad_rows_are_refused_with_line_numbers():
    with pytest.raises(ZoomReportError) as exc:
        parse_report(load("bad_rows.csv"), tz=WIB)
    assert [line for line, _ in exc.value.problems] == [3, 4, 5]
    messages = " | ".join(m for _, m in exc.value.problems)
    assert "yesterday morning" in messages
    assert "before join time" in messages
    assert "sixty" in messages


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty"),
        (b"Nama,NRP,Satuan\nAndi,87120345,Polsek Kapuas\n", "no participant header"),
        (
            b"Name (Original Name),Join Time,Leave Time\n",
            "no participant rows",
        ),
        (
            b'Name (Original Name),Join Time,Leave Time\n"Andi,11/15/2022 09:00:00 AM\n',
            "line 2",
        ),
    ],
)
def test_files_that_are_not_reports_are_refused(content, expected):
    with pytest.raises(ZoomReportError, match=expected):
        parse_report(content, tz=WIB)


def test_cp1252_excel_resave_is_read():
    content = (
        "Name (Original Name),Join Time,Leave Time\n"
        "José Ramírez,11/15/2022 09:00:00 AM,11/15/2022 10:00:00 AM\n"
    )
    report = parse_report(content.encode("cp1252"), tz=WIB)
    assert report.rows[0].name == "José Ramírez"
    assert report.rows[0].duration_minutes == 60  # computed when the column is missing


def test_overlapping_rejoins_are_not_double_counted():
    # Power Girl in the real export: 10:08:26-12:01:58 and 10:11:31-12:01:58 (two devices).
    report = parse_report(load("zoomclass_participants_plain.csv"), tz=WIB)
    rows = [r for r in report.rows if r.name == "003_Power Girl"]
    assert len(rows) == 2
    minutes, first = merge_intervals((r.join, r.leave) for r in rows)
    assert first == at(2021, 11, 19, 10, 8, 26)
    assert minutes == 114  # not 114 + 111
    # Clipped to a 10:00-12:00 session.
    clipped, _ = merge_intervals(
        ((r.join, r.leave) for r in rows),
        window=(at(2021, 11, 19, 10, 0), at(2021, 11, 19, 12, 0)),
    )
    assert clipped == 112


def test_separate_rejoins_add_up():
    minutes, _ = merge_intervals(
        [
            (at(2021, 11, 19, 11, 1, 2), at(2021, 11, 19, 11, 2, 35)),
            (at(2021, 11, 19, 11, 2, 46), at(2021, 11, 19, 11, 29, 38)),
        ]
    )
    assert minutes == 29  # 93 s + 1612 s = 1705 s → 28.4 → 29


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("POLSEK KAPUAS - Bripka Andi Saputra", "andi saputra"),
        ("Dr. Hendra Wijaya, S.I.K., M.H.", "hendra wijaya"),
        ("Kombes Pol. Dr. Hendra Wijaya", "hendra wijaya"),
        ("015_Loki", "loki"),
        ("AKBP BAMBANG SUTRISNO, S.I.K.", "bambang sutrisno"),
        ("Bripka I Gusti Ngurah Rai", "i gusti ngurah rai"),
    ],
)
def test_name_normalization(raw, expected):
    ranks = {"BRIPKA", "KOMBES", "AKBP", "KOMPOL"}
    assert normalize_person_name(raw, rank_words=ranks) == expected


def test_nrp_found_anywhere_in_name():
    assert find_nrps("87120345_Bripka Andi") == ["87120345"]
    assert find_nrps("Andi (NRP 8712 0345)") == ["87120345"]
    assert find_nrps("198503152010121001 Siti") == ["198503152010121001"]
    assert find_nrps("015_Loki 123") == []


def test_split_display_name():
    assert split_display_name("Rina (Rina Oktaviani)") == ("Rina", "Rina Oktaviani")
    assert split_display_name("Galaxy A12") == ("Galaxy A12", "")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("11/19/2021 12:05:00 AM", at(2021, 11, 19, 0, 5)),
        ("11/19/2021 12:05:00 PM", at(2021, 11, 19, 12, 5)),
        ("11/19/2021 1:05 pm", at(2021, 11, 19, 13, 5)),
        ("2022-11-15T09:00:00", at(2022, 11, 15, 9, 0)),
    ],
)
def test_clock_edge_cases(raw, expected):
    from sessions.importers.zoom import parse_datetime

    assert parse_datetime(raw, tz=WIB, day_first=False) == expected


@pytest.mark.parametrize(
    "raw", ["31/02/2022 09:00", "11/19/2021 13:05:00 PM", "2022-11-15", "9:00"]
)
def test_impossible_times_are_refused(raw):
    from sessions.importers.zoom import parse_datetime

    with pytest.raises(ValueError):
        parse_datetime(raw, tz=WIB, day_first=True)
