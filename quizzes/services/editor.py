"""The question editor: create, change, reorder and delete single questions of a module's bank.

Who: whoever may keep the module's question bank (`selectors.bank_can_manage`: Admin, the
owning Pelatih, any Pelatih for an unowned module) — the rule the GIFT/Aiken import follows. A
wrong role or module is refused with `PermissionDenied` (403); bad content with
`ApplicationError` (400 / form error) listing every problem in `extra["errors"]`.

Questions in use follow Moodle's question versioning (4.0+): attempts keep the version they
were dealt, new attempts get the latest. Here a question is *in use* when an attempt was dealt it.
Editing one that is not in use changes it in place; editing one in use creates a new row
(`version + 1`, same category and position) and retires the old one (`is_active=False`,
`replaced_by` → the new row), which keeps grading and reviewing the attempts that hold it.
Deleting a question in use hides it (`is_active=False`) instead, like Moodle's "hidden" status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from training.errors import ApplicationError
from training.models import Module

from .. import grading
from ..importers.gift import category_name
from ..models import Answer, Attempt, Category, Choice, Question

FIELDS = ("category", "qtype", "name", "text", "text_format", "general_feedback", "default_mark")
MAX_CHOICES = 50
_MAX_MARK = Decimal("999.99")
_TOLERANCE_LIMIT = Decimal(10) ** 13
_FULL = Decimal(100)


@dataclass
class ChoiceInput:
    """One answer row as a trainer writes it; `credit` is a percentage (-100..100).

    - single/multi: `text` the choice, `credit` its share (negative subtracts in multi).
    - truefalse: two rows, texts "true" and "false"; the right one has credit 100.
    - shortanswer: `text` an accepted answer (`*` is a wildcard), `credit` its share.
    - numerical: `text` the number (or "*" for anything else), `tolerance` ≥ 0.
    - matching: `text` the item ("" for a distractor), `match_text` its match.
    """

    text: str = ""
    credit: Decimal = Decimal(0)
    feedback: str = ""
    match_text: str = ""
    tolerance: Decimal | None = None

    @property
    def is_blank(self) -> bool:
        return not (self.text.strip() or self.match_text.strip() or self.feedback.strip())


def _check_permission(user, module: Module) -> None:
    from ..selectors import bank_can_manage

    if not bank_can_manage(user=user, module=module):
        raise PermissionDenied(_("You may not edit this module's questions."))


def _as_decimal(value, problems: list[str], message: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        problems.append(message)
        return None
    if not number.is_finite():
        problems.append(message)
        return None
    return number


def _clean_choices(qtype: str, rows: Sequence[ChoiceInput], problems: list[str]) -> list[Choice]:
    """Validate the rows for `qtype`; return unsaved `Choice`s (blank rows dropped)."""
    kept = [row for row in rows if not row.is_blank]
    if len(kept) > MAX_CHOICES:
        problems.append(_("A question has at most %(n)s answers.") % {"n": MAX_CHOICES})
        return []
    choices = []
    for number, row in enumerate(kept, start=1):
        label = _("Answer %(n)s") % {"n": number}
        not_number = _("%(a)s: the credit is not a number.") % {"a": label}
        credit = _as_decimal(row.credit, problems, not_number)
        credit = Decimal(0) if credit is None else credit
        if not Decimal(-100) <= credit <= _FULL:
            problems.append(_("%(a)s: the credit must be between -100 and 100.") % {"a": label})
        elif credit != credit.quantize(Decimal("0.001")):
            problems.append(_("%(a)s: the credit has more than 3 decimals.") % {"a": label})
        tolerance = _as_decimal(
            row.tolerance, problems, _("%(a)s: the tolerance is not a number.") % {"a": label}
        )
        text, match_text = row.text.strip(), row.match_text.strip()
        if qtype == grading.NUMERICAL:
            if text != "*" and grading.parse_number(text) is None:
                problems.append(_("%(a)s: “%(t)s” is not a number.") % {"a": label, "t": text[:40]})
            if tolerance is not None and tolerance < 0:
                problems.append(_("%(a)s: the tolerance cannot be negative.") % {"a": label})
            elif tolerance is not None and (
                tolerance >= _TOLERANCE_LIMIT or tolerance.as_tuple().exponent < -10
            ):
                problems.append(
                    _("%(a)s: the tolerance is too large or too precise.") % {"a": label}
                )
        elif qtype == grading.MATCHING:
            if not match_text:
                problems.append(_("%(a)s: a matching pair needs its match.") % {"a": label})
        elif not text:
            problems.append(_("%(a)s: the answer text is empty.") % {"a": label})
        choices.append(
            Choice(
                position=number - 1,
                text=text if qtype != grading.NUMERICAL else text.replace(",", "."),
                match_text=match_text if qtype == grading.MATCHING else "",
                fraction=(credit / _FULL).quantize(Decimal("0.00001"))
                if qtype != grading.MATCHING and -100 <= credit <= 100
                else Decimal(0),
                tolerance=tolerance if qtype == grading.NUMERICAL else None,
                feedback=row.feedback.strip(),
            )
        )
    _check_type_rules(qtype, choices, problems)
    return choices


def _check_type_rules(qtype: str, choices: list[Choice], problems: list[str]) -> None:
    """The rules Moodle's editing forms apply, per type."""
    top = max((c.fraction for c in choices), default=Decimal(0))
    if qtype == grading.SINGLE:
        if len(choices) < 2:
            problems.append(_("A multiple-choice question needs at least two answers."))
        elif top != 1:
            problems.append(_("One answer must have a credit of 100%."))
    elif qtype == grading.MULTI:
        if len(choices) < 2:
            problems.append(_("A multiple-choice question needs at least two answers."))
        elif sum((c.fraction for c in choices if c.fraction > 0), Decimal(0)) != 1:
            problems.append(_("The positive credits must add up to 100%."))
    elif qtype == grading.TRUEFALSE:
        texts = sorted(c.text for c in choices)
        if texts != ["false", "true"]:
            problems.append(_("A true/false question has exactly the answers true and false."))
        elif sorted(c.fraction for c in choices) != [0, 1]:
            problems.append(_("Exactly one of true and false is right."))
    elif qtype in (grading.SHORTANSWER, grading.NUMERICAL):
        if not choices:
            problems.append(_("Give at least one accepted answer."))
        elif top != 1:
            problems.append(_("One answer must have a credit of 100%."))
    elif qtype == grading.MATCHING and sum(1 for c in choices if c.text) < 2:
        problems.append(_("A matching question needs at least two pairs."))


def _clean(
    *, module: Module, qtype: str, name: str, text: str, text_format: str, default_mark,
    choices: Sequence[ChoiceInput],
) -> tuple[list[Choice], Decimal]:  # fmt: skip
    problems: list[str] = []
    if qtype not in Question.Type.values:
        raise ApplicationError(_("Unknown question type."), extra={"errors": []})
    if text_format not in Question.TextFormat.values:
        problems.append(_("Unknown text format."))
    if not text.strip():
        problems.append(_("The question text is empty."))
    if len(name) > 255:
        problems.append(_("The name is longer than 255 characters."))
    mark = _as_decimal(default_mark, problems, _("The mark is not a number."))
    mark = Decimal(1) if mark is None else mark
    if not Decimal("0.01") <= mark <= _MAX_MARK or mark != mark.quantize(Decimal("0.01")):
        problems.append(_("The mark is between 0.01 and 999.99, with at most 2 decimals."))
    cleaned = _clean_choices(qtype, choices, problems)
    if problems:
        raise ApplicationError(" ".join(problems), extra={"errors": problems})
    return cleaned, mark


def _category(module: Module, category: Category | str) -> Category:
    if isinstance(category, Category):
        if category.module_id != module.pk:
            raise ApplicationError(_("The category belongs to another module."))
        return category
    name = category_name(str(category))
    if len(name) > 255:
        raise ApplicationError(_("The category name is too long."))
    return Category.objects.get_or_create(module=module, name=name)[0]


def question_in_use(*, question: Question) -> bool:
    """An attempt was dealt this question (finished attempts hold an answer row for every
    question they were dealt; attempts in progress are checked through their dealt ids)."""
    if Answer.objects.filter(question=question).exists():
        return True
    # Every attempt in progress, not only those of quizzes drawing on the question's category
    # now: a quiz's categories may have changed since the attempt was dealt.
    dealt = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS).values_list(
        "question_ids", flat=True
    )
    return any(question.pk in ids for ids in dealt.iterator())


@transaction.atomic
def question_create(
    *, user, module: Module, category: Category | str, qtype: str, text: str, name: str = "",
    text_format: str = Question.TextFormat.MOODLE, general_feedback: str = "",
    default_mark: Decimal | str = Decimal(1), choices: Sequence[ChoiceInput] = (),
) -> Question:  # fmt: skip
    """A new question at the end of its category (created when it does not exist yet)."""
    _check_permission(user, module)
    cleaned, mark = _clean(module=module, qtype=qtype, name=name, text=text,
                           text_format=text_format, default_mark=default_mark,
                           choices=choices)  # fmt: skip
    category = _category(module, category)
    last = Question.objects.filter(category=category).aggregate(p=Max("position"))["p"]
    question = Question.objects.create(
        module=module, category=category, qtype=qtype, name=(name.strip() or text.strip())[:255],
        text=text, text_format=text_format, general_feedback=general_feedback.strip(),
        default_mark=mark, position=0 if last is None else last + 1, created_by=user,
    )  # fmt: skip
    _store_choices(question, cleaned)
    return question


def _store_choices(question: Question, choices: list[Choice]) -> None:
    for choice in choices:
        choice.question = question
    Choice.objects.bulk_create(choices)


@transaction.atomic
def question_update(
    *, user, question: Question, category: Category | str | None = None, text: str,
    name: str = "", text_format: str | None = None, general_feedback: str = "",
    default_mark: Decimal | str | None = None, choices: Sequence[ChoiceInput] = (),
) -> Question:  # fmt: skip
    """Replace the question's content and answers (the type stays). Returns the question as it
    now stands: the same row when no attempt was dealt it, else a new version (see module doc).
    Refuses to edit a version already replaced (edit the latest one)."""
    _check_permission(user, question.module)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.replaced_by_id is not None:
        raise ApplicationError(
            _("This is an old version of the question; edit the latest version instead.")
        )
    text_format = text_format or question.text_format
    default_mark = question.default_mark if default_mark is None else default_mark
    cleaned, mark = _clean(module=question.module, qtype=question.qtype, name=name, text=text,
                           text_format=text_format, default_mark=default_mark,
                           choices=choices)  # fmt: skip
    target_category = (
        question.category if category is None else _category(question.module, category)
    )
    values = {
        "category": target_category, "name": (name.strip() or text.strip())[:255], "text": text,
        "text_format": text_format, "general_feedback": general_feedback.strip(),
        "default_mark": mark,
    }  # fmt: skip
    if target_category.pk != question.category_id:
        last = Question.objects.filter(category=target_category).aggregate(p=Max("position"))["p"]
        values["position"] = 0 if last is None else last + 1
    if not question_in_use(question=question):
        for field, value in values.items():
            setattr(question, field, value)
        question.save(update_fields=list(values))
        question.choices.all().delete()
        _store_choices(question, cleaned)
        return question
    newer = Question.objects.create(
        module=question.module, qtype=question.qtype, is_active=question.is_active,
        position=values.pop("position", question.position), version=question.version + 1,
        created_by=user, **values,
    )  # fmt: skip
    _store_choices(newer, cleaned)
    question.is_active = False
    question.replaced_by = newer
    question.save(update_fields=["is_active", "replaced_by"])
    return newer


@transaction.atomic
def question_delete(*, user, question: Question) -> bool:
    """Delete the question, or hide it when an attempt was dealt it (its answers stay graded).
    Returns True when the row was deleted, False when it was hidden."""
    _check_permission(user, question.module)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question_in_use(question=question):
        if question.is_active:
            question.is_active = False
            question.save(update_fields=["is_active"])
        return False
    Question.objects.filter(replaced_by=question).update(replaced_by=None)
    question.delete()
    return True


@transaction.atomic
def question_restore(*, user, question: Question) -> Question:
    """Show a hidden question to new attempts again (not an old version)."""
    _check_permission(user, question.module)
    if question.replaced_by_id is not None:
        raise ApplicationError(_("This is an old version of the question; it cannot be restored."))
    if not question.is_active:
        question.is_active = True
        question.save(update_fields=["is_active"])
    return question


@transaction.atomic
def questions_reorder(*, user, category: Category, question_ids: Sequence[int]) -> None:
    """Put the category's current questions (old versions aside) in the order given; the list
    must hold each of them exactly once."""
    _check_permission(user, category.module)
    current = list(
        Question.objects.select_for_update()
        .filter(category=category, replaced_by__isnull=True)
        .values_list("pk", flat=True)
    )
    try:
        wanted = [int(pk) for pk in question_ids]
    except (TypeError, ValueError):
        raise ApplicationError(_("The order must list question ids.")) from None
    if len(wanted) != len(set(wanted)) or set(wanted) != set(current):
        raise ApplicationError(
            _("The order must list every question of the category exactly once.")
        )
    rows = [Question(pk=pk, position=position) for position, pk in enumerate(wanted)]
    Question.objects.bulk_update(rows, ["position"])


def question_move(*, user, question: Question, offset: int) -> None:
    """Move the question `offset` places within its category (-1 up, +1 down), clamped."""
    _check_permission(user, question.module)
    order = list(
        Question.objects.filter(category=question.category, replaced_by__isnull=True)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    if question.pk not in order:
        raise ApplicationError(_("This is an old version of the question; it has no place."))
    index = order.index(question.pk)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    questions_reorder(user=user, category=question.category, question_ids=order)
