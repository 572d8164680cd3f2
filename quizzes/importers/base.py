"""Plain data the importers produce and the exporter consumes (no ORM)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    TRUEFALSE = "truefalse"
    SHORTANSWER = "shortanswer"
    NUMERICAL = "numerical"
    MATCHING = "matching"


class TextFormat(StrEnum):
    MOODLE = "moodle"
    HTML = "html"
    PLAIN = "plain"
    MARKDOWN = "markdown"


@dataclass
class ParsedChoice:
    """One answer line.

    - single/multi/truefalse: `text` is the choice, `fraction` its credit (-1..1).
    - shortanswer: `text` is an accepted answer (may contain `*`), `fraction` its credit.
    - numerical: `text` is the number (or "*" for "anything else"), `tolerance` the ± margin.
    - matching: `text` is the prompt ("" for a distractor), `match_text` its answer.
    """

    text: str
    fraction: Decimal = Decimal(0)
    feedback: str = ""
    match_text: str = ""
    tolerance: Decimal | None = None


@dataclass
class ParsedQuestion:
    qtype: QuestionType
    text: str
    line: int = 0
    name: str = ""
    category: str = ""
    text_format: TextFormat = TextFormat.MOODLE
    general_feedback: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)


@dataclass
class ImportProblem:
    """A line-numbered problem. `kind` is "error" (the file is refused) or "skipped" (an
    unsupported question type, reported and left out)."""

    line: int
    message: str
    kind: str = "error"

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message, "kind": self.kind}

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.kind == "error"]

    @property
    def skipped(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.kind == "skipped"]

    @property
    def ok(self) -> bool:
        return not self.errors
