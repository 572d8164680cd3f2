r"""Moodle GIFT import, following Moodle's own reader (question/format/gift/format.php).

Questions are separated by blank lines; `//` lines are comments; `$CATEGORY:` switches the
category; `::name::` names a question; `[html]`/`[moodle]`/`[plain]`/`[markdown]` tags the text
format. The first `{...}` block holds the answers and decides the type:

    {}                  essay (reported as unsupported)
    {#...}              numerical: `1822`, `1822:5` (± tolerance), `3.141..3.142` (range),
                        several `=%50%1822:2`, and `~#feedback` for "anything else"
    {... ~ ...}         multiple choice; without any `=` it is multiple response with weights
    {=a -> b ...}       matching (`= -> x` is a distractor)
    {T} {FALSE#..#..}   true/false with wrong-answer and right-answer feedback
    {=a =%50%b ...}     short answer

`#` starts per-answer feedback, `####` the general feedback, `%50%` a weight (may be negative).
`\\ \~ \= \# \{ \} \:` are escapes and `\n` a line break. Text after the closing brace is kept
as Moodle keeps it: the block becomes a blank (`_____`) inside the question text.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .base import (
    ImportProblem,
    ParsedChoice,
    ParsedQuestion,
    ParseResult,
    QuestionType,
    TextFormat,
)

# Escaped characters are swapped for private-use code points while parsing, then restored.
_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003",
            "\\{": "\ue004", "\\}": "\ue005", "\\:": "\ue006"}  # fmt: skip
_RESTORE = str.maketrans({v: k[1] for k, v in _ESCAPES.items()})
_FORMAT_RE = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT_RE = re.compile(r"^%\s*(-?\d+(?:\.\d+)?)\s*%")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CONTEXT_RE = re.compile(r"^\$[a-z0-9]+\$/", re.IGNORECASE)


class _Problem(Exception):
    def __init__(self, message: str, offset: int | None = None, kind: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.kind = kind


def _escape_line(line: str) -> str:
    for raw, placeholder in _ESCAPES.items():
        line = line.replace(raw, placeholder)
    return line.replace("\\n", "\n")


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _clean(text: str) -> str:
    return _restore(text).strip()


def _blocks(text: str):
    """Yield (line numbers, lines) per blank-line separated block, comments removed."""
    numbers: list[int] = []
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if lines:
                yield numbers, lines
            numbers, lines = [], []
            continue
        if line.lstrip().startswith("//"):
            continue
        numbers.append(number)
        lines.append(_escape_line(line))
    if lines:
        yield numbers, lines


def category_name(raw: str) -> str:
    """`$course$/top/Road safety` → `Road safety`; the context prefix means nothing here."""
    name = _CONTEXT_RE.sub("", raw.strip())
    if name == "top" or name.startswith("top/"):
        name = name[4:]
    return "/".join(part.strip() for part in name.split("/") if part.strip())


def parse(text: str) -> ParseResult:
    result = ParseResult()
    category = ""
    text = text.lstrip("\ufeff")
    for numbers, lines in _blocks(text):
        if lines[0].lstrip().startswith("$CATEGORY:"):
            category = category_name(_restore(lines[0].split(":", 1)[1]))
            numbers, lines = numbers[1:], lines[1:]
            if not lines:
                continue
        joined = "\n".join(lines)
        starts = []  # offset of each line in `joined`
        offset = 0
        for line in lines:
            starts.append(offset)
            offset += len(line) + 1

        def line_at(pos: int | None, numbers=numbers, starts=starts) -> int:
            if pos is None:
                return numbers[0]
            index = 0
            for i, start in enumerate(starts):
                if start <= pos:
                    index = i
            return numbers[index]

        try:
            question = _parse_question(joined)
        except _Problem as problem:
            result.problems.append(
                ImportProblem(
                    line=line_at(problem.offset), message=problem.message, kind=problem.kind
                )  # fmt: skip
            )
            continue
        question.line = numbers[0]
        question.category = category
        result.questions.append(question)
    return result


def _split_feedback(answer: str) -> tuple[str, str]:
    if "#" in answer:
        text, feedback = answer.split("#", 1)
        return text, feedback
    return answer, ""


def _strip_format(text: str) -> tuple[str, TextFormat | None]:
    match = _FORMAT_RE.match(text)
    if not match:
        return text, None
    return text[match.end() :], TextFormat(match.group(1).lower())


def _weight(answer: str, default: Decimal) -> tuple[Decimal, str]:
    match = _WEIGHT_RE.match(answer)
    if not match:
        return default, answer
    value = Decimal(match.group(1))
    if not Decimal(-100) <= value <= Decimal(100):
        raise _Problem(_("Weight %(weight)s%% is outside -100%%..100%%.") % {"weight": value})
    return value / Decimal(100), answer[match.end() :]


def _parse_question(raw: str) -> ParsedQuestion:
    text = raw.strip()
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise _Problem(_("The question name is not closed with '::'."))
        name = _clean(text[2:end])
        text = text[end + 2 :].strip()
    text, fmt = _strip_format(text)
    fmt = fmt or TextFormat.MOODLE

    start = text.find("{")
    close = text.find("}")
    label = name or _clean(text[:start] if start >= 0 else text)[:60]
    if start < 0:
        if close >= 0:
            raise _Problem(_("A '}' without an opening '{' (use \\} for a literal brace)."))
        raise _Problem(
            _("Question “%(q)s” has no answers: descriptions are not supported.") % {"q": label},
            kind="skipped",
        )
    close = text.find("}", start)
    if close < 0:
        raise _Problem(
            _("The answer block opened with '{' is not closed with '}'."),
            offset=raw.find(text[start:]),
        )
    block_offset = raw.find(text[start : close + 1])
    answer_text = text[start + 1 : close].strip()
    before, after = text[:start], text[close + 1 :]
    # Moodle: text after the block makes the block a blank inside the sentence.
    question_text = _clean(before + "_____" + after if after.strip() else before)

    general_feedback = ""
    if "####" in answer_text:
        answer_text, general_feedback = answer_text.split("####", 1)
        answer_text = answer_text.strip()
        general_feedback = _clean(general_feedback)

    question = ParsedQuestion(
        qtype=QuestionType.SINGLE,
        text=question_text,
        name=name,
        text_format=fmt,
        general_feedback=general_feedback,
    )
    if not question_text:
        raise _Problem(_("The question has no text."), offset=block_offset)

    def fail(message: str, needle: str = "") -> _Problem:
        pos = raw.find(needle, block_offset) if needle else block_offset
        return _Problem(message, offset=pos if pos >= 0 else block_offset)

    if answer_text == "":
        raise _Problem(
            _("Question “%(q)s” is an essay: essays are not supported.") % {"q": label},
            kind="skipped",
        )
    if answer_text.startswith("#"):
        _parse_numerical(question, answer_text[1:], fail)
    elif "~" in answer_text:
        _parse_multichoice(question, answer_text, fail)
    elif "=" in answer_text and "->" in answer_text:
        _parse_matching(question, answer_text, fail)
    else:
        tf_check = answer_text.split("#", 1)[0].strip()
        if tf_check.upper() in _TF:
            _parse_truefalse(question, answer_text, tf_check)
        else:
            _parse_shortanswer(question, answer_text, fail)
    if not name:
        question.name = _restore(question_text)[:100].strip()
    return question


def _answers(answer_text: str, sep: str) -> list[str]:
    parts = [part.strip() for part in answer_text.split(sep)]
    if parts and not parts[0]:
        parts = parts[1:]
    return parts


def _parse_multichoice(question: ParsedQuestion, answer_text: str, fail) -> None:
    single = "=" in answer_text
    question.qtype = QuestionType.SINGLE if single else QuestionType.MULTI
    for part in _answers(answer_text.replace("=", "~="), "~"):
        if part.startswith("="):
            fraction, body = _weight(part[1:].strip(), Decimal(1))
        else:
            fraction, body = _weight(part, Decimal(0))
        body, feedback = _split_feedback(body)
        body, _fmt = _strip_format(body)
        if not _clean(body):
            raise fail(_("An answer has no text."), part)
        question.choices.append(
            ParsedChoice(text=_clean(body), fraction=fraction, feedback=_clean(feedback))
        )
    if len(question.choices) < 2:
        raise fail(_("A multiple-choice question needs at least two answers."))
    if not any(choice.fraction > 0 for choice in question.choices):
        raise fail(_("No answer gives credit: mark one with '=' or a positive weight."))


def _parse_matching(question: ParsedQuestion, answer_text: str, fail) -> None:
    question.qtype = QuestionType.MATCHING
    for part in _answers(answer_text, "="):
        if "->" not in part:
            raise fail(_("A matching pair needs '->' between the item and its match."), part)
        prompt, match = part.split("->", 1)
        prompt, _fmt = _strip_format(prompt)
        if not _clean(match):
            raise fail(_("A matching pair has nothing after '->'."), part)
        question.choices.append(
            ParsedChoice(text=_clean(prompt), match_text=_clean(match), fraction=Decimal(1))
        )
    if sum(1 for choice in question.choices if choice.text) < 2:
        raise fail(_("A matching question needs at least two pairs."))


def _parse_truefalse(question: ParsedQuestion, answer_text: str, tf_check: str) -> None:
    question.qtype = QuestionType.TRUEFALSE
    correct = _TF[tf_check.upper()]
    rest = answer_text.split("#", 1)[1] if "#" in answer_text else ""
    wrong_feedback, right_feedback = (rest.split("#", 1) + [""])[:2] if rest else ("", "")
    for value in (True, False):
        is_right = value == correct
        question.choices.append(
            ParsedChoice(
                text="true" if value else "false",
                fraction=Decimal(1) if is_right else Decimal(0),
                feedback=_clean(right_feedback if is_right else wrong_feedback),
            )
        )


def _parse_shortanswer(question: ParsedQuestion, answer_text: str, fail) -> None:
    question.qtype = QuestionType.SHORTANSWER
    for part in _answers(answer_text, "="):
        fraction, body = _weight(part, Decimal(1))
        body, feedback = _split_feedback(body)
        body, _fmt = _strip_format(body)
        if not _clean(body):
            raise fail(_("An accepted answer is empty."), part)
        question.choices.append(
            ParsedChoice(text=_clean(body), fraction=fraction, feedback=_clean(feedback))
        )
    if not question.choices:
        raise fail(_("A short-answer question needs at least one accepted answer."))
    if not any(choice.fraction > 0 for choice in question.choices):
        raise fail(_("No accepted answer gives credit."))


def _number(text: str, fail, part: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise fail(
            _("“%(value)s” is not a number.") % {"value": _restore(text.strip())}, part
        ) from None
    if not value.is_finite():
        raise fail(_("“%(value)s” is not a number.") % {"value": text.strip()}, part)
    return value


def _parse_numerical(question: ParsedQuestion, answer_text: str, fail) -> None:
    question.qtype = QuestionType.NUMERICAL
    wrong_feedback = None
    if "~" in answer_text:
        answer_text, wrong = answer_text.split("~", 1)
        wrong_feedback = _split_feedback(wrong)[1]
    for part in _answers(answer_text, "="):
        fraction, body = _weight(part, Decimal(1))
        body, feedback = _split_feedback(body)
        body = body.strip()
        if body == "*":
            value, tolerance = "*", Decimal(0)
        elif ".." in body:
            low, high = (_number(x, fail, part) for x in body.split("..", 1))
            if low > high:
                raise fail(_("The range %(low)s..%(high)s runs backwards.")
                           % {"low": low, "high": high}, part)  # fmt: skip
            value = str((low + high) / 2)
            tolerance = (high - low) / 2
        elif ":" in body:
            number, margin = body.split(":", 1)
            value = str(_number(number, fail, part))
            tolerance = abs(_number(margin, fail, part))
        else:
            value, tolerance = str(_number(body, fail, part)), Decimal(0)
        question.choices.append(
            ParsedChoice(
                text=value, fraction=fraction, tolerance=tolerance, feedback=_clean(feedback)
            )
        )
    if not question.choices:
        raise fail(_("A numerical question needs at least one answer."))
    if wrong_feedback is not None:
        question.choices.append(
            ParsedChoice(
                text="*", fraction=Decimal(0), tolerance=Decimal(0), feedback=_clean(wrong_feedback)
            )  # fmt: skip
        )
    if not any(choice.fraction > 0 for choice in question.choices):
        raise fail(_("No numerical answer gives credit."))
