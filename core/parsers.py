"""Strict request parsing: refuse input no field can hold with a 400, before a view sees it.

Two kinds of input break the stack below a view rather than its validation:

- NUL characters. PostgreSQL text cannot hold a NUL byte: a lookup such as
  `Unit.objects.get(code="A\\x00")` fails with DataError (a 500) instead of "not found". Form and
  serializer CharFields already refuse NUL; lookups by slug, code or id from paths, query strings
  and bodies do not. `RejectNulMiddleware` closes that gap for paths, query strings and urlencoded
  forms, the DRF parsers for JSON, form and multipart bodies.
- JSON nested deeper than any payload of this platform (`[[[[...]]]]` fifty thousand times).
  `json.loads` recurses once per level and raises RecursionError, and so would every recursive
  walk of the parsed value after it. `json_loads` measures the nesting first, without recursion,
  and refuses anything deeper than `MAX_JSON_DEPTH`.

Every view that reads a JSON body itself (rather than through DRF's `request.data`) must call
`json_loads` instead of `json.loads`.
"""

from __future__ import annotations

import codecs
import json
import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.utils.json import strict_constant

NUL = "\x00"

# The deepest JSON body a client may send. Real payloads here nest three or four levels (an
# object of lists of objects); 32 leaves ample room and stays far below Python's recursion limit
# for everything that walks the parsed value afterwards.
MAX_JSON_DEPTH = 32

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONTooDeep(ValueError):
    """The JSON text nests deeper than allowed; `str(exc)` is a sentence for the client."""


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text`, counting brackets outside strings.

    Runs in linear time without recursion, so it is safe on any input. `text` need not be valid
    JSON: for invalid text the answer is an estimate, and parsing will refuse the text anyway.
    """
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(_STEP[char] for char in brackets), default=0)


def json_loads(text: str | bytes, **kwargs: Any) -> Any:
    """`json.loads`, refusing text nested deeper than `MAX_JSON_DEPTH` with `JSONTooDeep`
    (a ValueError, like every other reason `json.loads` refuses text)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    # Counting every opening bracket (strings included) bounds the depth from above and is
    # cheap: only a body with many brackets needs the scan.
    many_brackets = text.count("[") + text.count("{") > MAX_JSON_DEPTH
    if many_brackets and json_depth(text) > MAX_JSON_DEPTH:
        raise JSONTooDeep(
            _("The JSON body is nested more than %(depth)d levels deep.")
            % {"depth": MAX_JSON_DEPTH}
        )
    return json.loads(text, **kwargs)


def contains_nul(value) -> bool:
    """True if any string inside `value` (nested lists, dicts, QueryDicts) contains NUL.

    Recursive: only call it on values whose depth is bounded (parsed by `json_loads`)."""
    if isinstance(value, str):
        return NUL in value
    if hasattr(value, "lists"):  # QueryDict / MultiValueDict
        return any(contains_nul(key) or contains_nul(items) for key, items in value.lists())
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def _nul_message() -> str:
    return _("The request contains a NUL character, which no field accepts.")


class RejectNulMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        suspicious = NUL in request.path or contains_nul(request.GET)
        if not suspicious and request.content_type == "application/x-www-form-urlencoded":
            suspicious = contains_nul(request.POST)
        if suspicious:
            return HttpResponseBadRequest(_nul_message(), content_type="text/plain")
        return self.get_response(request)


class _RejectNul:
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        data = getattr(parsed, "data", parsed)  # multipart returns DataAndFiles
        if contains_nul(data):
            raise ParseError(_nul_message())
        return parsed


def _text_encoding(parser_context: dict) -> str:
    """The body's charset, refusing codecs that are not text encodings: decoding through one
    such as `bz2_codec` would decompress a small body without bound."""
    encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
    try:
        "".encode(encoding)  # unlike codecs.getreader(), str.encode() refuses bytes-to-bytes codecs
    except (LookupError, UnicodeError) as exc:
        raise ParseError(
            _("Unsupported charset “%(charset)s” in the Content-Type header.")
            % {"charset": encoding}
        ) from exc
    return encoding


class _DepthLimitedJSONParser(JSONParser):
    """DRF's JSONParser (same strictness about NaN and Infinity), parsing through `json_loads`."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = _text_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
            parse_constant = strict_constant if self.strict else None
            return json_loads(text, parse_constant=parse_constant)
        except JSONTooDeep as exc:
            raise ParseError(str(exc)) from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc


class StrictJSONParser(_RejectNul, _DepthLimitedJSONParser):
    pass


class StrictFormParser(_RejectNul, FormParser):
    pass


class StrictMultiPartParser(_RejectNul, MultiPartParser):
    pass
