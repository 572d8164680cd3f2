"""Question importers: one pure module per format, returning `ParseResult`.

`parse(text, fmt)` picks the module. Importers never touch the database; `quizzes.services`
turns a clean result into rows.
"""

from .base import ImportProblem, ParsedChoice, ParsedQuestion, ParseResult, QuestionType


def parse(text: str, fmt: str) -> ParseResult:
    """Parse `text` in format `fmt` ("gift" or "aiken")."""
    from . import aiken, gift

    parsers = {"gift": gift.parse, "aiken": aiken.parse}
    if fmt not in parsers:
        raise ValueError(f"Unknown question format: {fmt!r}")
    return parsers[fmt](text)


__all__ = [
    "ImportProblem",
    "ParseResult",
    "ParsedChoice",
    "ParsedQuestion",
    "QuestionType",
    "parse",
]
