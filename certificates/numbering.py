"""Certificate numbers, verification codes and Indonesian dates: pure functions, no ORM.

Numbers follow the official letter style `0007/SERT/POLDA-KALBAR/XI/2022`: a sequence that is
gap-free per issuing unit and year (the counter lives in the database, see
`services.certificate_number_next`), the document kind, the issuer's code, the Roman month and the
year of issue.

Verification codes are 20 characters of Crockford base32 (100 random bits). The alphabet has no
I, L, O or U, so a code read aloud or typed from paper cannot be confused; input is normalised
the Crockford way (case folded, I/L → 1, O → 0, hyphens and spaces dropped).
"""

import datetime as dt
import re
import secrets

from sessions.timefmt import MONTHS_ID

DOCUMENT_KIND = "SERT"
SEQUENCE_DIGITS = 4

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 20 symbols x 5 bits = 100 random bits
CODE_RE = re.compile(rf"^[{CROCKFORD_ALPHABET}]{{{CODE_LENGTH}}}$")
_CROCKFORD_FOLD = str.maketrans({"I": "1", "L": "1", "O": "0"})


def roman_month(month: int) -> str:
    """1 → "I", 11 → "XI"."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return ROMAN_MONTHS[month - 1]


def certificate_number_format(*, sequence: int, issuer_code: str, issued_on: dt.date) -> str:
    """`0007/SERT/POLDA-KALBAR/XI/2022`. Sequences past 9999 simply grow wider."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return (
        f"{sequence:0{SEQUENCE_DIGITS}d}/{DOCUMENT_KIND}/{issuer_code.upper()}/"
        f"{roman_month(issued_on.month)}/{issued_on.year}"
    )


def verification_code_new() -> str:
    """A fresh verification code: 100 bits from the OS's CSPRNG, Crockford base32."""
    value = secrets.randbits(CODE_LENGTH * 5)
    symbols = []
    for _ in range(CODE_LENGTH):
        value, index = divmod(value, 32)
        symbols.append(CROCKFORD_ALPHABET[index])
    return "".join(symbols)


def verification_code_normalize(text: str) -> str | None:
    """The canonical code for what a person typed or scanned, or None if it cannot be one."""
    folded = re.sub(r"[\s\-]", "", str(text or "")).upper().translate(_CROCKFORD_FOLD)
    return folded if CODE_RE.match(folded) else None


def verification_code_display(code: str) -> str:
    """Groups of four for people: `7K3M-…`."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def date_id(value: dt.date) -> str:
    """Indonesian long date: 28 November 2022 (no leading zero, Indonesian month names)."""
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def date_range_id(start: dt.date, end: dt.date | None = None) -> str:
    """One day as `28 November 2022`; several as `28–30 November 2022`,
    `30 November – 2 Desember 2022` or `30 Desember 2022 – 2 Januari 2023`."""
    if end is None or end <= start:
        return date_id(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_id(end)}"
    if start.year == end.year:
        return f"{start.day} {MONTHS_ID[start.month - 1]} – {date_id(end)}"
    return f"{date_id(start)} – {date_id(end)}"
