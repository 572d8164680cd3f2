"""Question bank: import from GIFT/Aiken, export to GIFT."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from training.errors import ApplicationError
from training.models import Module
from training.uploads import refuse_non_text, utf16_codec

from ..exporters import gift as gift_export
from ..importers import ImportProblem, ParsedQuestion, parse
from ..models import Category, Choice, Question

# The default of settings.QUESTION_IMPORT_MAX_BYTES, the limit in force.
MAX_IMPORT_BYTES = 2 * 1024 * 1024
FORMATS = ("gift", "aiken")
_TOLERANCE_LIMIT = Decimal(10) ** 13


@dataclass
class ImportReport:
    """What an import found and did. `written` is False for a dry run or a file with errors."""

    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    duplicates: list[ParsedQuestion] = field(default_factory=list)
    created: int = 0
    categories_created: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.kind == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "written": self.written,
            "created": self.created,
            "found": len(self.questions),
            "duplicates": [q.name for q in self.duplicates],
            "categories_created": self.categories_created,
            "problems": [p.as_dict() for p in self.problems],
            "questions": [
                {"line": q.line, "name": q.name, "type": str(q.qtype), "category": q.category}
                for q in self.questions
            ],
        }


def _check_size(size: int) -> None:
    limit = getattr(settings, "QUESTION_IMPORT_MAX_BYTES", MAX_IMPORT_BYTES)
    if size > limit:
        raise ApplicationError(
            _("The file is larger than %(size)s MB.") % {"size": max(1, limit // (1024 * 1024))}
        )


def questions_file_text(content: bytes) -> str:
    """The text of an uploaded question file: UTF-8 (with or without BOM), UTF-16 (with or
    without BOM) or Windows-1252. Raises ApplicationError for a file over
    settings.QUESTION_IMPORT_MAX_BYTES, a program, a web page or SVG/XML document, binary data
    and a file with nothing in it, each with its reason."""
    _check_size(len(content))
    refuse_non_text(content[:8192])
    codec = utf16_codec(content)
    try:
        text = (
            content.decode(codec, errors="replace").lstrip("\ufeff")
            if codec
            else content.decode("utf-8-sig")
        )
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise ApplicationError(_("The file is not readable text (save it as UTF-8).")) from None
    if "\x00" in text:
        raise ApplicationError(_("The file contains binary data; it is not a text file."))
    if not text.strip():
        raise ApplicationError(_("The file is empty."))
    return text


def _decode(content: str | bytes) -> str:
    if isinstance(content, str):
        # Text posted back by the preview page's confirm step: held to the same limit.
        _check_size(len(content.encode()))
        return content
    return questions_file_text(content)


def _check_limits(question: ParsedQuestion) -> list[ImportProblem]:
    """Limits of the database the parser does not know about."""
    problems = []
    if len(question.category) > 255:
        problems.append(ImportProblem(question.line, _("The category name is too long.")))
    for choice in question.choices:
        if choice.tolerance is not None and abs(choice.tolerance) >= _TOLERANCE_LIMIT:
            problems.append(ImportProblem(question.line, _("The tolerance is too large.")))
        if choice.tolerance is not None and choice.tolerance.as_tuple().exponent < -10:
            problems.append(
                ImportProblem(question.line, _("The tolerance has more than 10 decimals."))
            )
        if choice.fraction != choice.fraction.quantize(Decimal("0.00001")):
            problems.append(ImportProblem(question.line, _("A weight has too many decimals.")))
    return problems


def _key(category: str, name: str, text: str) -> tuple[str, str, str]:
    return (category, name[:255], text)


def questions_import(
    *, module: Module, content: str | bytes, fmt: str, dry_run: bool = False, user=None
) -> ImportReport:
    """Parse `content` as `fmt` and, unless `dry_run` or there is any error, create the
    questions (and missing categories) in `module` — all or nothing.

    Unsupported question types are reported as "skipped" and do not block the import. A
    question identical to one already in the module (same category, name and text) is not
    created again, so importing the same file twice is harmless.
    """
    if fmt not in FORMATS:
        raise ApplicationError(_("Unknown format “%(fmt)s”: use gift or aiken.") % {"fmt": fmt})
    result = parse(_decode(content), fmt)
    report = ImportReport(questions=result.questions, problems=list(result.problems))
    for question in result.questions:
        report.problems.extend(_check_limits(question))
    report.problems.sort(key=lambda p: p.line)
    if not result.questions and report.ok:
        report.problems.append(ImportProblem(0, _("The file holds no questions.")))
    if not report.ok:
        return report

    existing = set(
        Question.objects.filter(module=module).values_list("category__name", "name", "text")
    )
    fresh = []
    for question in result.questions:
        key = _key(question.category, question.name, question.text)
        if key in existing:
            report.duplicates.append(question)
        else:
            existing.add(key)
            fresh.append(question)
    known = set(Category.objects.filter(module=module).values_list("name", flat=True))
    report.categories_created = sorted({q.category for q in fresh} - known)
    report.created = len(fresh)
    if dry_run:
        return report
    _write(module=module, questions=fresh, user=user)
    report.written = True
    return report


@transaction.atomic
def _write(*, module: Module, questions: list[ParsedQuestion], user) -> None:
    categories = {}
    for name in sorted({q.category for q in questions}):
        categories[name], _created = Category.objects.get_or_create(module=module, name=name)
    rows = Question.objects.bulk_create(
        [
            Question(
                module=module,
                category=categories[q.category],
                qtype=str(q.qtype),
                name=q.name[:255] or q.text[:255],
                text=q.text,
                text_format=str(q.text_format),
                general_feedback=q.general_feedback,
                created_by=user if user is not None and user.is_authenticated else None,
            )
            for q in questions
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(
                question=row,
                position=position,
                text=c.text,
                match_text=c.match_text,
                fraction=c.fraction,
                tolerance=c.tolerance,
                feedback=c.feedback,
            )
            for row, q in zip(rows, questions, strict=True)
            for position, c in enumerate(q.choices)
        ]
    )


def questions_export(*, module: Module) -> str:
    """The module's active questions as GIFT, grouped by category. Importing the text into an
    empty module gives the same questions back."""
    questions = (
        Question.objects.filter(module=module, is_active=True)
        .select_related("category")
        .prefetch_related("choices")
        .order_by("category__name", "id")
    )
    return gift_export.export(q.as_parsed() for q in questions)
