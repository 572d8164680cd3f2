"""GIFT and Aiken import: every grammar feature, with line-numbered problems."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from quizzes.importers import aiken, gift, parse
from quizzes.importers.base import QuestionType, TextFormat

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def features():
    result = gift.parse((FIXTURES / "features.gift").read_text())
    return result, {q.name: q for q in result.questions}


def test_feature_file_imports_every_supported_question(features):
    result, by_name = features
    assert result.ok, result.problems
    assert len(result.questions) == 17


def test_comments_are_ignored_and_lines_are_numbered_from_the_file(features):
    _, by_name = features
    assert by_name["Q-TF"].line == 6
    assert by_name["Q-MC"].line == 10


def test_category_switch_strips_context_and_top(features):
    _, by_name = features
    assert by_name["Q-TF"].category == "Cyber Crime/Dasar"
    assert by_name["Q-SA"].category == "Cyber Crime/Lanjut"


def test_true_false_with_wrong_right_and_general_feedback(features):
    _, by_name = features
    q = by_name["Q-TF"]
    assert q.qtype == QuestionType.TRUEFALSE
    assert [(c.text, c.fraction) for c in q.choices] == [("true", 1), ("false", 0)]
    q = by_name["Q-TF-FB"]
    true, false = q.choices
    assert (true.fraction, false.fraction) == (0, 1)
    assert true.feedback == "Salah, juga lewat SMS dan WA."  # shown to whoever picks "true"
    assert false.feedback == "Benar."
    assert q.general_feedback == "Phishing bisa lewat kanal apa pun."


def test_single_choice_feedback_and_multiline_answers(features):
    _, by_name = features
    q = by_name["Q-MC"]
    assert q.qtype == QuestionType.SINGLE
    assert [c.fraction for c in q.choices] == [1, 0, 0]
    assert q.choices[0].feedback == "Tepat."
    assert q.choices[2].feedback == ""
    assert q.general_feedback == "Lihat UU 11/2008."


def test_missing_word_puts_a_blank_in_the_sentence(features):
    result, _ = features
    q = next(q for q in result.questions if q.text.startswith("Barang bukti"))
    assert q.text == "Barang bukti digital harus _____ sebelum dianalisis."
    assert [c.text for c in q.choices if c.fraction == 1] == ["diamankan"]
    assert q.name == q.text  # no ::title:: → the text names it


def test_multiple_response_with_negative_weights(features):
    _, by_name = features
    q = by_name["Q-MULTI"]
    assert q.qtype == QuestionType.MULTI
    assert [c.fraction for c in q.choices] == [Decimal("0.5"), Decimal("0.5"), Decimal("-1")]
    assert q.choices[2].feedback == "Bukan digital"


def test_short_answer_weights_and_wildcard(features):
    _, by_name = features
    q = by_name["Q-SA"]
    assert q.qtype == QuestionType.SHORTANSWER
    assert [(c.text, c.fraction) for c in q.choices] == [
        ("BSSN", 1),
        ("Badan Siber dan Sandi Negara", 1),
        ("Lemsaneg", Decimal("0.5")),
        ("*", 0),
    ]
    assert q.choices[3].feedback == "Salah sama sekali"


def test_numerical_exact_tolerance_range_and_several_answers(features):
    _, by_name = features
    exact = by_name["Q-NUM"].choices
    assert [(c.text, c.tolerance) for c in exact] == [("2008", 0)]
    assert [(c.text, c.tolerance) for c in by_name["Q-NUM-TOL"].choices] == [("27", 1)]
    (pi,) = by_name["Q-NUM-RANGE"].choices
    assert Decimal(pi.text) == Decimal("3.1415") and pi.tolerance == Decimal("0.0005")
    multi = by_name["Q-NUM-MULTI"].choices
    assert [(c.text, c.fraction, c.tolerance, c.feedback) for c in multi] == [
        ("2016", 1, 0, "Tepat."),
        ("2016", Decimal("0.5"), 1, "Hampir."),
    ]


def test_numerical_with_wrong_answer_feedback_and_stray_text_after_the_brace(features):
    _, by_name = features
    q = by_name["Q-NUM-WRONG"]
    assert [(c.text, c.fraction, c.feedback) for c in q.choices] == [
        ("4", 1, ""),
        ("*", 0, "Salah sama sekali"),
    ]
    # Moodle keeps text after the block: the block becomes a blank in the question.
    assert q.text == 'Berapa 2+2?_____";'


def test_matching_with_optional_spaces_distractor_and_general_feedback(features):
    _, by_name = features
    q = by_name["Q-MATCH"]
    assert q.qtype == QuestionType.MATCHING
    assert [(c.text, c.match_text) for c in q.choices] == [
        ("Phishing", "Pancingan data"),
        ("Malware", "Perangkat lunak jahat"),
        ("Carding", "Penipuan kartu kredit"),
        ("", "Distraktor"),
    ]
    assert q.general_feedback == "Istilah dasar."


def test_escapes_are_literal(features):
    _, by_name = features
    q = by_name["Q-ESC"]
    assert q.text == "Tanda = ~ # { } : dan \\ ditulis dengan escape."
    assert q.choices[0].text == "a=b#c"


def test_multiline_question_and_newline_escape(features):
    _, by_name = features
    assert by_name["Q-MULTILINE"].text == "Baris pertama,\nbaris kedua\nbaris ketiga."


def test_text_format_tags(features):
    _, by_name = features
    assert by_name["Q-HTML"].text_format == TextFormat.HTML
    assert by_name["Q-HTML"].text.startswith("<b>Tebal</b>")
    assert by_name["Q-PLAIN"].text_format == TextFormat.PLAIN
    assert by_name["Q-MD"].text_format == TextFormat.MARKDOWN
    assert by_name["Q-MC"].text_format == TextFormat.MOODLE


def test_essay_is_reported_as_skipped_with_its_line(features):
    result, by_name = features
    assert "Q-ESSAY" not in by_name
    (skipped,) = result.skipped
    assert skipped.line == 64 and "essay" in skipped.message.lower()
    assert result.ok  # skipping is reported, not an error


def test_description_without_answers_is_reported_as_skipped():
    result = gift.parse("::D::Just some text.\n")
    assert result.questions == [] and result.skipped[0].line == 1


def test_errors_carry_line_numbers_and_keep_good_questions_apart():
    result = gift.parse((FIXTURES / "errors.gift").read_text())
    assert not result.ok
    assert [p.line for p in result.errors] == [3, 5, 7, 9, 11]
    messages = [p.message for p in result.errors]
    assert "not closed" in messages[0]
    assert "not a number" in messages[1]
    assert "at least two answers" in messages[2]
    assert "->" in messages[3]
    assert "-100%..100%" in messages[4]


def test_error_line_points_inside_a_multiline_block():
    text = "::X::Q {\n  =Canada -> Ottawa\n  =Rome\n}\n"
    (problem,) = gift.parse(text).errors
    assert problem.line == 3


def test_name_not_closed_is_an_error():
    (problem,) = gift.parse("\n\n::Oops Q {=a}\n").errors
    assert problem.line == 3


def test_closing_brace_without_opening_is_an_error():
    assert gift.parse("Q } =a\n").errors[0].line == 1


def test_aiken_valid_file():
    result = aiken.parse((FIXTURES / "good.aiken").read_text())
    assert result.ok
    assert len(result.questions) == 3
    first, html, nospace = result.questions
    assert first.qtype == QuestionType.SINGLE
    assert [c.fraction for c in first.choices] == [1, 0, 0, 0]
    assert html.text == "Karakter HTML seperti > < & tetap utuh?"
    assert html.text_format == TextFormat.PLAIN  # escaped when shown
    assert [c.text for c in nospace.choices] == ["Salah", "Benar"]
    assert nospace.choices[1].fraction == 1


def test_aiken_errors_match_moodles_with_line_numbers():
    result = aiken.parse((FIXTURES / "errors.aiken").read_text())
    lines = [(p.line, p.message) for p in result.errors]
    assert lines[0][0] == 1 and "before its question" in lines[0][1]
    assert lines[1][0] == 3 and "not completed" in lines[1][1]
    assert lines[2][0] == 8 and "at least 2 answers" in lines[2][1]
    assert lines[3][0] == 13 and "names none" in lines[3][1]
    assert lines[4][0] == 15 and "no “ANSWER:”" in lines[4][1]
    assert result.questions == []


def test_parse_dispatches_by_format():
    assert parse("Q?\nA) a\nB) b\nANSWER: B\n", "aiken").ok
    with pytest.raises(ValueError):
        parse("", "xml")
