"""Cell text safe for spreadsheets: no formula injection.

A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a tab or
carriage return) as a formula, so a unit or person named "=HYPERLINK(...)" could run something
on the reader's machine. Every text cell of the XLSX and CSV exports goes through `safe_cell`,
which prefixes such text with an apostrophe, as OWASP recommends. Numbers are left alone: they
are written as numbers, never as text.
"""

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` unchanged unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
