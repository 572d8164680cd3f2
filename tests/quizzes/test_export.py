"""GIFT export round-trips through the importer."""

from pathlib import Path

from quizzes.exporters.gift import escape, export
from quizzes.importers import gift
from quizzes.importers.base import ParsedChoice, ParsedQuestion

FIXTURES = Path(__file__).parent / "fixtures"


def _strip_lines(questions):
    for q in questions:
        q.line = 0
    return questions


def test_export_then_import_gives_back_every_question():
    original = gift.parse((FIXTURES / "features.gift").read_text()).questions
    text = export(original)
    again = gift.parse(text)
    assert again.ok, again.problems
    assert _strip_lines(again.questions) == _strip_lines(original)


def test_round_trip_of_awkward_text():
    question = ParsedQuestion(
        qtype="shortanswer",
        name="a::b {x}",
        text="Line 1\nLine \\n 2 with = ~ # { } : \\ and a literal \\\\",
        category="Kat/Sub",
        general_feedback="gf # with hash",
        choices=[
            ParsedChoice(text="%50% literal percent", fraction=1),
            ParsedChoice(text="half", fraction="0.5", feedback="fb ~ tilde"),
        ],
    )
    (back,) = gift.parse(export([question])).questions
    assert back.text == question.text
    assert back.name == question.name
    assert back.category == "Kat/Sub"
    assert back.general_feedback == question.general_feedback
    assert [(c.text, str(c.fraction), c.feedback) for c in back.choices] == [
        ("%50% literal percent", "1", ""),
        ("half", "0.5", "fb ~ tilde"),
    ]


def test_escape_covers_every_special_character():
    assert escape("a=b~c#d{e}f:g\\h") == "a\\=b\\~c\\#d\\{e\\}f\\:g\\\\h"
