"""Write questions as Moodle GIFT, such that `importers.gift.parse(export(qs))` gives them back.

Accepts any objects shaped like `importers.base.ParsedQuestion` (the ORM `Question` provides the
same attributes through `Question.as_parsed()`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from quizzes.importers.base import ParsedChoice, ParsedQuestion, QuestionType

_SPECIAL = "~=#{}:"


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _percent(fraction: Decimal) -> str:
    value = (Decimal(fraction) * 100).normalize()
    text = format(value, "f")
    return f"%{text}%"


def _feedback(text: str) -> str:
    return f"#{escape(text)}" if text else ""


def _choice_body(choice: ParsedChoice) -> str:
    return escape(choice.text)


def _answer_lines(question: ParsedQuestion) -> list[str]:
    lines: list[str] = []
    qtype = QuestionType(question.qtype)
    if qtype in (QuestionType.SINGLE, QuestionType.MULTI):
        for choice in question.choices:
            fraction = Decimal(choice.fraction)
            if qtype == QuestionType.SINGLE and fraction == 1:
                prefix = "="
            elif fraction == 0 and not choice.text.startswith("%"):
                prefix = "~"
            else:
                prefix = "~" + _percent(fraction)
            lines.append(f"{prefix}{_choice_body(choice)}{_feedback(choice.feedback)}")
    elif qtype == QuestionType.SHORTANSWER:
        for choice in question.choices:
            fraction = Decimal(choice.fraction)
            prefix = (
                "="
                if fraction == 1 and not choice.text.startswith("%")
                else ("=" + _percent(fraction))
            )
            lines.append(f"{prefix}{_choice_body(choice)}{_feedback(choice.feedback)}")
    elif qtype == QuestionType.NUMERICAL:
        lines.append("#")
        for choice in question.choices:
            if choice.text == "*":
                number = "*"
            else:
                number = choice.text
                if choice.tolerance:
                    number += f":{format(Decimal(choice.tolerance).normalize(), 'f')}"
            lines.append(
                f"={_percent(Decimal(choice.fraction))}{number}{_feedback(choice.feedback)}"
            )
    elif qtype == QuestionType.MATCHING:
        for choice in question.choices:
            prompt = escape(choice.text)
            lines.append(f"={prompt} -> {escape(choice.match_text)}")
    elif qtype == QuestionType.TRUEFALSE:
        correct = next(c for c in question.choices if Decimal(c.fraction) == 1)
        wrong = next((c for c in question.choices if c is not correct), None)
        answer = "TRUE" if correct.text == "true" else "FALSE"
        wrong_fb = wrong.feedback if wrong else ""
        if correct.feedback or wrong_fb:
            answer += f"#{escape(wrong_fb)}#{escape(correct.feedback)}"
        lines.append(answer)
    if question.general_feedback:
        lines.append(f"####{escape(question.general_feedback)}")
    return lines


def export_question(question: ParsedQuestion) -> str:
    head = f"::{escape(question.name)}::" if question.name else ""
    text = f"[{question.text_format}]{escape(question.text)}"
    lines = _answer_lines(question)
    if QuestionType(question.qtype) == QuestionType.NUMERICAL:
        first, rest = lines[0], lines[1:]
        body = "\n".join([first, *(f"\t{line}" for line in rest)])
        return f"{head}{text} {{{body}\n}}"
    if QuestionType(question.qtype) == QuestionType.TRUEFALSE:
        return f"{head}{text} {{{' '.join(lines)}}}"
    body = "\n".join(f"\t{line}" for line in lines)
    return f"{head}{text} {{\n{body}\n}}"


def export(questions: Iterable[ParsedQuestion]) -> str:
    """GIFT text for `questions`, with a `$CATEGORY:` line whenever the category changes."""
    parts: list[str] = []
    category = None
    for question in questions:
        if question.category != category:
            category = question.category
            parts.append(f"$CATEGORY: {escape(category)}" if category else "$CATEGORY: top")
        parts.append(export_question(question))
    return "\n\n".join(parts) + "\n"
