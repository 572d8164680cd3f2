"""Moved to `core.parsers` (strict parsers belong below every app). Kept so that existing
imports and the `MIDDLEWARE` entry `config.nul.RejectNulMiddleware` keep working; new code
imports from `core.parsers`."""

from core.parsers import (  # noqa: F401
    NUL,
    RejectNulMiddleware,
    StrictFormParser,
    StrictJSONParser,
    StrictMultiPartParser,
    contains_nul,
)
