"""Refuse NUL characters in request input with a 400, before they reach the database.

PostgreSQL text cannot hold a NUL byte: a lookup such as `Unit.objects.get(code="A\\x00")` fails
with DataError (a 500) instead of "not found". Form and serializer CharFields already refuse NUL;
lookups by slug, code or id from paths, query strings and bodies do not. This module closes that
gap once for the whole site: a middleware for paths, query strings and urlencoded forms, and DRF
parsers for JSON and multipart bodies.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

NUL = "\x00"


def contains_nul(value) -> bool:
    """True if any string inside `value` (nested lists, dicts, QueryDicts) contains NUL."""
    if isinstance(value, str):
        return NUL in value
    if hasattr(value, "lists"):  # QueryDict / MultiValueDict
        return any(contains_nul(key) or contains_nul(items) for key, items in value.lists())
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def _refusal_message() -> str:
    return _("The request contains a NUL character, which no field accepts.")


class RejectNulMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        suspicious = NUL in request.path or contains_nul(request.GET)
        if not suspicious and request.content_type == "application/x-www-form-urlencoded":
            suspicious = contains_nul(request.POST)
        if suspicious:
            return HttpResponseBadRequest(_refusal_message(), content_type="text/plain")
        return self.get_response(request)


class _RejectNul:
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        data = getattr(parsed, "data", parsed)  # multipart returns DataAndFiles
        if contains_nul(data):
            raise ParseError(_refusal_message())
        return parsed


class StrictJSONParser(_RejectNul, JSONParser):
    pass


class StrictFormParser(_RejectNul, FormParser):
    pass


class StrictMultiPartParser(_RejectNul, MultiPartParser):
    pass
