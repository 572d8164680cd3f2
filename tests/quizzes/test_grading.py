"""Pure grading of every question type, including partial and negative credit."""

from decimal import Decimal

import pytest

from quizzes import grading
from quizzes.grading import KeyChoice, ResponseError, clean_response, combine, grade, percent

D = Decimal


def test_single_choice_gives_the_chosen_fraction_and_never_below_zero():
    key = [KeyChoice(1, "a", D(1)), KeyChoice(2, "b", D(0)), KeyChoice(3, "c", D("-0.5"))]
    assert grade("single", key, {"choice": 1}).fraction == 1
    assert grade("single", key, {"choice": 2}).fraction == 0
    assert grade("single", key, {"choice": 3}).fraction == 0
    assert grade("single", key, {}).fraction == 0


def test_multiple_response_adds_weights_subtracts_negatives_and_clamps():
    key = [
        KeyChoice(1, "ponsel", D("0.5")),
        KeyChoice(2, "laptop", D("0.5")),
        KeyChoice(3, "kertas", D("-1")),
        KeyChoice(4, "flashdisk", D("0")),
    ]
    assert grade("multi", key, {"choices": [1, 2]}).fraction == 1
    assert grade("multi", key, {"choices": [1]}).fraction == D("0.5")
    assert grade("multi", key, {"choices": [1, 2, 4]}).fraction == 1
    assert grade("multi", key, {"choices": [1, 3]}).fraction == 0  # clamped, not -0.5
    assert grade("multi", key, {"choices": [1, 2, 3]}).fraction == 0
    partial = [
        KeyChoice(1, "a", D("0.5")),
        KeyChoice(2, "b", D("0.5")),
        KeyChoice(3, "c", D("-0.25")),
    ]
    assert grade("multi", partial, {"choices": [1, 2, 3]}).fraction == D("0.75")


def test_true_false():
    key = [KeyChoice(10, "true", D(0)), KeyChoice(11, "false", D(1))]
    assert grade("truefalse", key, {"choice": 11}).fraction == 1
    assert grade("truefalse", key, {"choice": 10}).fraction == 0


def test_short_answer_is_case_and_space_insensitive_with_wildcards_and_partial_credit():
    key = [
        KeyChoice(1, "BSSN", D(1)),
        KeyChoice(2, "Badan Siber dan Sandi Negara", D(1)),
        KeyChoice(3, "Lemsaneg", D("0.5")),
        KeyChoice(4, "badan * sandi*", D("0.25")),
        KeyChoice(5, "*", D(0), feedback="Salah"),
    ]
    assert grade("shortanswer", key, {"text": "bssn"}).fraction == 1
    assert grade("shortanswer", key, {"text": "  badan   siber DAN sandi negara "}).fraction == 1
    assert grade("shortanswer", key, {"text": "lemsaneg"}).fraction == D("0.5")
    hit = grade("shortanswer", key, {"text": "Badan Intel Sandi"})
    assert hit.fraction == D("0.25") and hit.matched == [4]
    miss = grade("shortanswer", key, {"text": "Kominfo"})
    assert miss.fraction == 0 and miss.matched == [5]
    assert grade("shortanswer", key, {"text": ""}).fraction == 0


def test_wildcard_does_not_turn_into_a_regex():
    assert grading.shortanswer_matches("a.b*", "a.bcd")
    assert not grading.shortanswer_matches("a.b*", "axbcd")


def test_numerical_tolerance_range_several_answers_and_comma_decimals():
    key = [
        KeyChoice(1, "2016", D(1), tolerance=D(0)),
        KeyChoice(2, "2016", D("0.5"), tolerance=D(1)),
        KeyChoice(3, "*", D(0)),
    ]
    assert grade("numerical", key, {"value": "2016"}).fraction == 1
    assert grade("numerical", key, {"value": "2015"}).fraction == D("0.5")
    assert grade("numerical", key, {"value": "2017"}).fraction == D("0.5")
    assert grade("numerical", key, {"value": "2018"}).matched == [3]
    pi = [KeyChoice(1, "3.1415", D(1), tolerance=D("0.0005"))]
    assert grade("numerical", pi, {"value": "3,141"}).fraction == 1
    assert grade("numerical", pi, {"value": "3.142"}).fraction == 1
    assert grade("numerical", pi, {"value": "3.1425"}).fraction == 0
    assert grade("numerical", pi, {"value": "pi"}).fraction == 0


def test_matching_gives_the_share_of_correct_pairs_ignoring_distractors():
    key = [
        KeyChoice(1, "Phishing", D(1), match_text="Pancingan"),
        KeyChoice(2, "Malware", D(1), match_text="Jahat"),
        KeyChoice(3, "Carding", D(1), match_text="Kartu"),
        KeyChoice(4, "", D(1), match_text="Distraktor"),
    ]
    all_right = {"1": "Pancingan", "2": "Jahat", "3": "Kartu"}
    assert grade("matching", key, {"matches": all_right}).fraction == 1
    two = {"1": "Pancingan", "2": "Jahat", "3": "Distraktor"}
    assert grade("matching", key, {"matches": two}).fraction == D(2) / D(3)


def test_clean_response_refuses_unknown_choices_and_bad_shapes():
    key = [KeyChoice(1, "a", D(1)), KeyChoice(2, "b", D(0))]
    assert clean_response("single", key, {"choice": "1"}) == {"choice": 1}
    assert clean_response("multi", key, {"choices": [2, "1", 2]}) == {"choices": [1, 2]}
    for bad in ({"choice": 99}, [], "x"):
        with pytest.raises(ResponseError):
            clean_response("single", key, bad)
    with pytest.raises(ResponseError):
        clean_response("numerical", key, {"value": "abc"})
    with pytest.raises(ResponseError):
        clean_response("shortanswer", key, {"text": "x" * 501})
    match_key = [KeyChoice(1, "p", D(1), match_text="m"), KeyChoice(2, "", D(1), match_text="d")]
    with pytest.raises(ResponseError):
        clean_response("matching", match_key, {"matches": {"2": "m"}})  # distractor is no item
    with pytest.raises(ResponseError):
        clean_response("matching", match_key, {"matches": {"1": "zzz"}})
    assert clean_response("matching", match_key, {"matches": {"1": "d"}}) == {"matches": {"1": "d"}}


def test_percent_and_grading_methods():
    assert percent(D(2), D(3)) == D("66.67")
    assert percent(D(0), D(0)) == D("0.00")
    scores = [D("40.00"), D("90.00"), D("70.00")]
    assert combine("highest", scores) == D("90.00")
    assert combine("last", scores) == D("70.00")
    assert combine("first", scores) == D("40.00")
    assert combine("average", scores) == D("66.67")
    assert combine("highest", []) is None
