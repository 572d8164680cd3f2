"""import_questions / export_questions commands."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Question

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dry_run_writes_nothing_then_import_and_export_round_trip(module, tmp_path):
    fixture = str(FIXTURES / "features.gift")
    out = _run("import_questions", "--module", module.code, fixture, "--dry-run")
    assert "would create 17" in out and "skipped" in out
    assert not Question.objects.exists()
    report = json.loads(_run("import_questions", "--module", module.code, fixture, "--json"))
    assert report["created"] == 17 and report["written"] is True
    assert report["problems"][0]["line"] == 64
    again = json.loads(_run("import_questions", "--module", module.code, fixture, "--json"))
    assert again["created"] == 0 and len(again["duplicates"]) == 17  # idempotent
    exported = tmp_path / "out.gift"
    _run("export_questions", "--module", module.code, "--output", str(exported))
    from tests.factories import ModuleFactory

    other = ModuleFactory(code="salinan")
    report = json.loads(_run("import_questions", "--module", other.code, str(exported), "--json"))
    assert report["created"] == 17 and report["problems"] == []
    original = [q.as_parsed() for q in Question.objects.filter(module=module).order_by("id")]
    copied = [q.as_parsed() for q in Question.objects.filter(module=other).order_by("id")]
    assert copied == original


def test_a_file_with_errors_fails_listing_lines_and_writes_nothing(module):
    out = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_questions", "--module", module.code,
                     str(FIXTURES / "errors.gift"), stdout=out)  # fmt: skip
    assert "errors.gift:3:" in out.getvalue() and "errors.gift:11:" in out.getvalue()
    assert not Question.objects.exists()


def test_aiken_by_option_and_unknown_module(module):
    out = _run("import_questions", "--module", module.code, str(FIXTURES / "good.aiken"),
               "--format", "aiken")  # fmt: skip
    assert "created 3" in out
    with pytest.raises(CommandError):
        call_command("import_questions", "--module", "nope", str(FIXTURES / "good.aiken"))
