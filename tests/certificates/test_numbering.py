import datetime as dt

import pytest

from certificates.numbering import (
    CROCKFORD_ALPHABET,
    certificate_number_format,
    date_id,
    date_range_id,
    roman_month,
    verification_code_display,
    verification_code_new,
    verification_code_normalize,
)


def test_roman_months():
    assert [roman_month(m) for m in (1, 4, 9, 11, 12)] == ["I", "IV", "IX", "XI", "XII"]
    with pytest.raises(ValueError):
        roman_month(13)


def test_number_in_official_style():
    number = certificate_number_format(
        sequence=7, issuer_code="polda-kalbar", issued_on=dt.date(2022, 11, 28)
    )
    assert number == "0007/SERT/POLDA-KALBAR/XI/2022"
    assert certificate_number_format(
        sequence=12345, issuer_code="POLRES-SANGGAU", issued_on=dt.date(2023, 1, 2)
    ) == ("12345/SERT/POLRES-SANGGAU/I/2023")


def test_verification_codes_are_long_random_and_unambiguous():
    codes = {verification_code_new() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:200]:
        assert len(code) == 20  # 100 bits
        assert set(code) <= set(CROCKFORD_ALPHABET)
        assert not set(code) & set("ILOU")
    # Every symbol appears: the bits are spread over the whole alphabet.
    assert set("".join(codes)) == set(CROCKFORD_ALPHABET)


def test_code_input_is_normalised_the_crockford_way():
    code = "7K3MZ9QW2XH4TB6RPJ0C"
    assert verification_code_normalize("7k3m-z9qw-2xh4-tb6r-pjoc") == code
    assert verification_code_normalize(verification_code_display(code)) == code
    assert verification_code_normalize("7K3MZ9QW2XH4TB6RPJ0") is None  # too short
    assert verification_code_normalize("7K3MZ9QW2XH4TB6RPJ0U") is None  # U is not a symbol
    assert verification_code_normalize("../../etc/passwd") is None


def test_indonesian_dates():
    assert date_id(dt.date(2022, 11, 28)) == "28 November 2022"
    assert date_id(dt.date(2023, 8, 1)) == "1 Agustus 2023"
    assert date_range_id(dt.date(2022, 11, 28), dt.date(2022, 11, 30)) == "28–30 November 2022"
    assert (
        date_range_id(dt.date(2022, 11, 30), dt.date(2022, 12, 2))
        == "30 November – 2 Desember 2022"
    )
    assert (
        date_range_id(dt.date(2022, 12, 30), dt.date(2023, 1, 2))
        == "30 Desember 2022 – 2 Januari 2023"
    )
    assert date_range_id(dt.date(2022, 5, 3), None) == "3 Mei 2022"
