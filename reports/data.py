"""Plain data that the selectors produce and the renderers (charts, PDF, XLSX, CSV) consume.

Nothing here touches the database: a renderer given a `ReportData` can be tested without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

# Fewer siblings than this and "the bottom three" would be most of the table: nothing is flagged.
BOTTOM_COUNT = 3


@dataclass(frozen=True)
class Counts:
    """Participants of one group. `completed` is participants with `completed_at` set."""

    invited: int = 0
    attended: int = 0
    excused: int = 0
    absent: int = 0
    quiz_taken: int = 0
    quiz_passed: int = 0
    certified: int = 0
    completed: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            invited=self.invited + other.invited,
            attended=self.attended + other.attended,
            excused=self.excused + other.excused,
            absent=self.absent + other.absent,
            quiz_taken=self.quiz_taken + other.quiz_taken,
            quiz_passed=self.quiz_passed + other.quiz_passed,
            certified=self.certified + other.certified,
            completed=self.completed + other.completed,
        )

    def completion_pct(self, *, basis: str) -> Decimal | None:
        """Completion as a percentage with one decimal, or None when nobody was invited.

        `basis` is "certified" (certified / invited) or "completed" (completed / invited, where
        no certificate applies)."""
        if not self.invited:
            return None
        done = self.certified if basis == COMPLETION_CERTIFIED else self.completed
        return (Decimal(done) * 100 / Decimal(self.invited)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


COMPLETION_CERTIFIED = "certified"
COMPLETION_COMPLETED = "completed"


@dataclass(frozen=True)
class UnitRow:
    """One unit's line in a ranking table. `rank` is None when nobody in it was invited."""

    unit_id: int | None
    code: str
    name: str
    kind: str
    counts: Counts
    completion_pct: Decimal | None
    rank: int | None = None
    is_bottom: bool = False
    has_children: bool = False
    # True for the row of people attached directly to the scope unit (its own staff).
    is_direct: bool = False
    # The unit's materialized path (the key `PersonRow.branch_key` points at); "" for totals.
    path: str = ""


@dataclass(frozen=True)
class LevelGroup:
    """The children of one parent unit, ranked among themselves."""

    parent_code: str
    parent_name: str
    rows: list[UnitRow]


@dataclass(frozen=True)
class ReportLevel:
    """Every unit at one depth below the scope (e.g. all Polres, then all Polsek)."""

    title: str
    groups: list[LevelGroup]

    @property
    def row_count(self) -> int:
        return sum(len(group.rows) for group in self.groups)


class PersonRow(NamedTuple):
    """One participation in the people list. A named tuple, not a dataclass: an export of a
    Polda makes hundreds of thousands of them, and a tuple is several times cheaper to build.

    `branch_key` is the path of the report scope's child unit the person belonged to (the
    scope's own path for its own staff): the XLSX export files people by it, one sheet per
    Polres. "" when unknown."""

    nrp: str
    name: str
    rank: str
    unit_name: str
    session_title: str
    session_start: datetime | None
    attendance_status: str
    minutes_attended: int | None
    quiz_score: Decimal | None
    quiz_passed: bool | None
    certificate_number: str
    branch_key: str = ""


@dataclass(frozen=True)
class TrendPoint:
    label: str
    title: str
    completion_pct: Decimal | None
    invited: int


@dataclass(frozen=True)
class Signatory:
    """Who signs the report: the requesting commander."""

    name: str
    rank: str
    nrp: str
    position: str
    unit_name: str


@dataclass
class ReportData:
    """Everything a report export says.

    `people` may be a one-shot iterator streamed from the database (exports of a Polda hold
    hundreds of thousands of rows); `people_count` says how many it yields.
    """

    scope_code: str
    scope_name: str
    period_label: str
    generated_at: datetime
    completion_basis: str
    rows: list[UnitRow]
    totals: Counts
    levels: list[ReportLevel] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    people: Iterable[PersonRow] = field(default_factory=list)
    people_count: int = 0
    signatory: Signatory | None = None
    place: str = ""

    @property
    def totals_pct(self) -> Decimal | None:
        return self.totals.completion_pct(basis=self.completion_basis)

    def iter_people(self) -> Iterator[PersonRow]:
        return iter(self.people)

    def level_list(self, *, title: str = "") -> list[ReportLevel]:
        """The levels, or the ranking alone as one level when no levels were gathered."""
        if self.levels:
            return self.levels
        return [ReportLevel(title, [LevelGroup(self.scope_code, self.scope_name, self.rows)])]


def rank_rows(rows: list[UnitRow]) -> list[UnitRow]:
    """Rank sibling rows by completion, best first, and flag the bottom three.

    Ties share a rank ("1, 2, 2, 4"). Units where nobody was invited, and the row of the
    parent's own staff, are not ranked. A tie group
    is flagged when any of the positions it shares falls in the last three, so two units with
    the same figure are never told apart; nothing is flagged among three or fewer ranked units,
    and a unit ranked first is never flagged (all equal means nobody is at the bottom).
    Returns new rows: ranked ones first by rank then name, then the unranked by name.
    """
    ranked = [row for row in rows if row.completion_pct is not None and not row.is_direct]
    unranked = [row for row in rows if row.completion_pct is None or row.is_direct]
    values = [row.completion_pct for row in ranked]
    n = len(ranked)
    result = []
    for row in ranked:
        above = sum(1 for value in values if value > row.completion_pct)
        below = sum(1 for value in values if value < row.completion_pct)
        rank = above + 1
        is_bottom = n > BOTTOM_COUNT and rank > 1 and below < BOTTOM_COUNT
        result.append(replace(row, rank=rank, is_bottom=is_bottom))
    result.sort(key=lambda row: (row.rank, row.name))
    unranked = sorted(
        (replace(row, rank=None, is_bottom=False) for row in unranked),
        key=lambda row: (not row.is_direct, row.name),
    )
    return result + unranked
