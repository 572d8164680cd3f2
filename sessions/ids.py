"""Ids as clients send them: in a query string, a form field or a JSON body.

Every primary key here is a 64-bit integer, so an id is a whole number from 1 to 2**63 - 1. A
value outside that range names nothing; letting it reach the database would be an
OverflowError on SQLite or a DataError on PostgreSQL, so it is turned away first.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: "²".isdigit() is true, int("²") fails


def parse_id(value: object) -> int | None:
    """The id `value` names (an int, or a string of ASCII digits), or None when it names none:
    empty, not a whole number, zero, negative or above `MAX_ID`."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None
