"""Hand-built `ReportData` for the renderer tests (no database)."""

from datetime import UTC, datetime
from decimal import Decimal

from reports.data import (
    Counts,
    LevelGroup,
    PersonRow,
    ReportData,
    ReportLevel,
    Signatory,
    TrendPoint,
    UnitRow,
    rank_rows,
)


def unit_row(code: str, name: str, invited: int, certified: int, **counts) -> UnitRow:
    c = Counts(invited=invited, certified=certified, **counts)
    return UnitRow(
        unit_id=None,
        code=code,
        name=name,
        kind="POLRES",
        counts=c,
        completion_pct=c.completion_pct(basis="certified"),
    )


def person(index: int, **overrides) -> PersonRow:
    values = {
        "nrp": f"{80010000 + index:08d}",
        "name": f"Personel {index:05d}",
        "rank": "Bripka",
        "unit_name": "Polsek Kapuas",
        "session_title": "Literasi Digital",
        "session_start": datetime(2025, 3, 4, 2, 0, tzinfo=UTC),
        "attendance_status": "HADIR",
        "minutes_attended": 90,
        "quiz_score": Decimal("85.5"),
        "quiz_passed": True,
        "certificate_number": f"{index:04d}/SERT/POLDA-KALBAR/III/2025",
    }
    values.update(overrides)
    return PersonRow(**values)


def sample_report(*, people=None, people_count=None, extra_names=()) -> ReportData:
    rows = rank_rows(
        [
            unit_row("POLRES-A", "Polres Alpha", 10, 9, attended=9, absent=1),
            unit_row("POLRES-B", "Polres Bravo", 10, 5, attended=6, excused=2, absent=2),
            unit_row("POLRES-C", "Polres Charlie", 4, 1, attended=2, absent=2),
            unit_row("POLRES-D", "Polres Delta", 8, 8, attended=8),
            unit_row("POLRES-E", "Polres Echo", 10, 5, attended=5, absent=5),
            *[unit_row(f"X-{i}", name, 2, 0) for i, name in enumerate(extra_names)],
        ]
    )
    totals = Counts()
    for row in rows:
        totals = totals + row.counts
    people = (
        [
            person(1, name="Zainal", rank="Bripka"),
            person(2, name="Agus", rank="AKBP", attendance_status="ALPA", quiz_score=None),
        ]
        if people is None
        else people
    )
    sub = rank_rows(
        [unit_row("POLSEK-1", "Polsek Satu", 5, 4), unit_row("POLSEK-2", "Polsek Dua", 5, 5)]
    )
    return ReportData(
        scope_code="POLDA-KALBAR",
        scope_name="Polda Kalimantan Barat",
        period_label="1 Maret 2025 – 31 Maret 2025",
        generated_at=datetime(2025, 4, 1, 3, 0, tzinfo=UTC),
        completion_basis="certified",
        rows=rows,
        totals=totals,
        levels=[
            ReportLevel("Polres", [LevelGroup("POLDA-KALBAR", "Polda Kalimantan Barat", rows)]),
            ReportLevel("Polsek", [LevelGroup("POLRES-A", "Polres Alpha", sub)]),
        ],
        trend=[
            TrendPoint("04/03", "Literasi Digital", Decimal("60.0"), 20),
            TrendPoint("11/03", "Etika Profesi", Decimal("75.5"), 20),
            TrendPoint("18/03", "Tanpa peserta", None, 0),
        ],
        people=people,
        people_count=len(people) if people_count is None else people_count,
        signatory=Signatory(
            name="Bambang Sutrisno, S.I.K.",
            rank="AKBP",
            nrp="75010123",
            position="Kapolres",
            unit_name="Polres Sanggau",
        ),
    )
