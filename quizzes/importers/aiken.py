"""Moodle Aiken import: single-choice questions, one line of text, lettered choices.

    The Moodle project was started by:
    A) Petr Skoda
    B) Martin Dougiamas
    ANSWER: B

A choice is a capital letter, `)` or `.`, an optional space, then the text. `ANSWER: X` ends the
question. The errors Moodle reports are reported here with line numbers: an answer before any
question, a new question before `ANSWER:`, fewer than two answers, an answer letter that names
no choice. Text is plain (HTML characters stay literal and are escaped when shown).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from .base import ImportProblem, ParsedChoice, ParsedQuestion, ParseResult, QuestionType, TextFormat

_CHOICE_RE = re.compile(r"^([A-Z])[.)][ \t]?(.*)$")
_ANSWER_RE = re.compile(r"^ANSWER\s*:\s*(.*)$")


def parse(text: str) -> ParseResult:
    result = ParseResult()
    question: ParsedQuestion | None = None
    letters: list[str] = []
    broken = False  # the current question already has an error: skip to its ANSWER line

    def start(line_no: int, line: str) -> None:
        nonlocal question, letters, broken
        question = ParsedQuestion(
            qtype=QuestionType.SINGLE,
            text=line,
            name=line[:100],
            line=line_no,
            text_format=TextFormat.PLAIN,
        )
        letters = []
        broken = False

    for line_no, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        choice = _CHOICE_RE.match(line)
        answer = _ANSWER_RE.match(line)
        if answer:
            if question is None:
                result.problems.append(
                    ImportProblem(line_no, _("“ANSWER:” without a question before it."))
                )
                continue
            letter = answer.group(1).strip()[:1]
            if broken:
                pass
            elif len(question.choices) < 2:
                result.problems.append(
                    ImportProblem(line_no, _("A question must have at least 2 answers."))
                )
            elif letter not in letters:
                result.problems.append(
                    ImportProblem(
                        line_no,
                        _("“ANSWER: %(letter)s” names none of the choices (%(letters)s).")
                        % {"letter": letter or "?", "letters": ", ".join(letters)},
                    )
                )
            else:
                question.choices[letters.index(letter)].fraction = Decimal(1)
                result.questions.append(question)
            question = None
        elif choice:
            if question is None:
                result.problems.append(
                    ImportProblem(line_no, _("An answer appears before its question text."))
                )
                continue
            letter, body = choice.group(1), choice.group(2).strip()
            if letter in letters:
                result.problems.append(
                    ImportProblem(
                        line_no, _("Choice %(letter)s appears twice.") % {"letter": letter}
                    )
                )
                broken = True
            elif not body:
                result.problems.append(
                    ImportProblem(line_no, _("Choice %(letter)s has no text.") % {"letter": letter})
                )
                broken = True
            letters.append(letter)
            question.choices.append(ParsedChoice(text=body, fraction=Decimal(0)))
        else:
            if question is not None:
                result.problems.append(
                    ImportProblem(
                        question.line,
                        _("The question was not completed with an “ANSWER:” line before the "
                          "next question (line %(line)s).") % {"line": line_no},
                    )
                )  # fmt: skip
            start(line_no, line)
    if question is not None:
        result.problems.append(
            ImportProblem(question.line, _("The last question has no “ANSWER:” line."))
        )
    return result
