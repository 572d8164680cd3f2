"""Pure grading: a question's answer key plus a person's response → credit between 0 and 1.

No ORM here. An answer key is any sequence of objects with `id`, `text`, `fraction`, `feedback`,
`match_text` and `tolerance` (the `Choice` model, or `KeyChoice` below). Responses are small JSON
objects, one shape per type:

    single, truefalse   {"choice": <choice id>}
    multi               {"choices": [<choice id>, ...]}
    shortanswer         {"text": "..."}
    numerical           {"value": "3,14"}          (comma or point as decimal separator)
    matching            {"matches": {"<prompt choice id>": "<answer text>", ...}}

`clean_response` validates and normalizes a response before it is stored; `grade` scores it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from django.utils.translation import gettext as _

SINGLE, MULTI, TRUEFALSE = "single", "multi", "truefalse"
SHORTANSWER, NUMERICAL, MATCHING = "shortanswer", "numerical", "matching"
MAX_TEXT = 500
ZERO, ONE = Decimal(0), Decimal(1)


class KeyChoiceLike(Protocol):
    id: Any
    text: str
    fraction: Decimal
    feedback: str
    match_text: str
    tolerance: Decimal | None


@dataclass
class KeyChoice:
    id: int
    text: str
    fraction: Decimal = ZERO
    feedback: str = ""
    match_text: str = ""
    tolerance: Decimal | None = None


@dataclass
class Grade:
    fraction: Decimal
    # Ids of the key choices the response hit (for per-answer feedback and review).
    matched: list = field(default_factory=list)


class ResponseError(ValueError):
    """A response that does not fit the question (wrong shape, unknown choice)."""


def normalize_text(text: str) -> str:
    """Case- and space-insensitive form: casefolded, runs of whitespace as one space."""
    return " ".join(str(text).split()).casefold()


def shortanswer_matches(pattern: str, response: str) -> bool:
    """`pattern` accepts `response`, ignoring case and spacing; `*` matches any run of text."""
    pattern_n, response_n = normalize_text(pattern), normalize_text(response)
    if "*" not in pattern_n:
        return pattern_n == response_n
    regex = ".*".join(re.escape(part) for part in pattern_n.split("*"))
    return re.fullmatch(regex, response_n, flags=re.DOTALL) is not None


def parse_number(text: str) -> Decimal | None:
    """Read a typed number: "1822", "3,14", "3.14", "-0,5", "1 822". None when it is not one."""
    cleaned = re.sub(r"\s+", "", str(text))
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _ids(choices: Sequence[KeyChoiceLike]) -> dict[str, KeyChoiceLike]:
    return {str(choice.id): choice for choice in choices}


def clean_response(qtype: str, choices: Sequence[KeyChoiceLike], response: Any) -> dict:
    """Validate `response` for a question of `qtype` and return its normalized form.

    Raises `ResponseError` with a message a person understands.
    """
    if not isinstance(response, dict):
        raise ResponseError(_("The answer must be a JSON object."))
    by_id = _ids(choices)
    if qtype in (SINGLE, TRUEFALSE):
        choice = str(response.get("choice", ""))
        if choice not in by_id:
            raise ResponseError(_("Choose one of the offered answers."))
        return {"choice": by_id[choice].id}
    if qtype == MULTI:
        picked = response.get("choices", [])
        if not isinstance(picked, list) or any(str(p) not in by_id for p in picked):
            raise ResponseError(_("Choose among the offered answers."))
        return {"choices": sorted({by_id[str(p)].id for p in picked})}
    if qtype in (SHORTANSWER, NUMERICAL):
        key = "text" if qtype == SHORTANSWER else "value"
        value = response.get(key, "")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ResponseError(_("The answer must be text."))
        value = str(value).strip()
        if len(value) > MAX_TEXT:
            raise ResponseError(_("The answer is too long."))
        if qtype == NUMERICAL and value and parse_number(value) is None:
            raise ResponseError(_("“%(value)s” is not a number.") % {"value": value[:40]})
        return {key: value}
    if qtype == MATCHING:
        matches = response.get("matches", {})
        options = {choice.match_text for choice in choices}
        prompts = {str(choice.id) for choice in choices if choice.text}
        if not isinstance(matches, dict):
            raise ResponseError(_("The matches must be an object."))
        cleaned = {}
        for prompt, answer in matches.items():
            if str(prompt) not in prompts:
                raise ResponseError(_("Unknown item to match."))
            if answer in ("", None):
                continue
            if answer not in options:
                raise ResponseError(_("Choose one of the offered matches."))
            cleaned[str(prompt)] = answer
        return {"matches": cleaned}
    raise ResponseError(_("Unknown question type."))


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def grade(qtype: str, choices: Sequence[KeyChoiceLike], response: dict | None) -> Grade:
    """Credit for `response` (already cleaned; None or {} scores 0).

    - single/truefalse: the chosen choice's fraction (negative counts as 0).
    - multi: sum of the chosen fractions, clamped to 0..1 (negative weights subtract).
    - shortanswer/numerical: the first key answer, in order, that accepts the response.
    - matching: share of the (non-distractor) items matched correctly.
    """
    if not response:
        return Grade(ZERO)
    by_id = _ids(choices)
    if qtype in (SINGLE, TRUEFALSE):
        choice = by_id.get(str(response.get("choice")))
        if choice is None:
            return Grade(ZERO)
        return Grade(_clamp(Decimal(choice.fraction)), [choice.id])
    if qtype == MULTI:
        picked = [by_id[str(p)] for p in response.get("choices", []) if str(p) in by_id]
        total = sum((Decimal(c.fraction) for c in picked), ZERO)
        return Grade(_clamp(total), [c.id for c in picked])
    if qtype == SHORTANSWER:
        text = response.get("text", "")
        if not str(text).strip():
            return Grade(ZERO)
        for choice in choices:
            if shortanswer_matches(choice.text, text):
                return Grade(_clamp(Decimal(choice.fraction)), [choice.id])
        return Grade(ZERO)
    if qtype == NUMERICAL:
        value = parse_number(response.get("value", ""))
        if value is None:
            return Grade(ZERO)
        for choice in choices:
            if choice.text == "*":
                return Grade(_clamp(Decimal(choice.fraction)), [choice.id])
            target = parse_number(choice.text)
            tolerance = Decimal(choice.tolerance or 0)
            if target is not None and abs(value - target) <= tolerance:
                return Grade(_clamp(Decimal(choice.fraction)), [choice.id])
        return Grade(ZERO)
    if qtype == MATCHING:
        prompts = [choice for choice in choices if choice.text]
        if not prompts:
            return Grade(ZERO)
        matches = response.get("matches", {})
        right = [c for c in prompts if matches.get(str(c.id)) == c.match_text]
        return Grade(Decimal(len(right)) / Decimal(len(prompts)), [c.id for c in right])
    return Grade(ZERO)


def percent(earned: Decimal, possible: Decimal) -> Decimal:
    """Score as a percentage with two decimals (0 when nothing was possible)."""
    if not possible:
        return Decimal("0.00")
    value = Decimal(earned) * 100 / Decimal(possible)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


HIGHEST, LAST, FIRST, AVERAGE = "highest", "last", "first", "average"


def combine(method: str, scores: Sequence[Decimal]) -> Decimal | None:
    """The quiz result from graded attempt scores listed in attempt order."""
    if not scores:
        return None
    if method == HIGHEST:
        return max(scores)
    if method == LAST:
        return scores[-1]
    if method == FIRST:
        return scores[0]
    if method == AVERAGE:
        total = sum(scores, ZERO) / Decimal(len(scores))
        return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    raise ValueError(f"Unknown grading method: {method}")
