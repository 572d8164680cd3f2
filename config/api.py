"""Project-wide DRF glue: domain refusals become 400s with a readable message; a service's
`PermissionDenied("why")` (wrong role or scope) becomes a 403 that keeps its message.

Bad input that slipped past a serializer (an integer too large for its column: OverflowError,
DataError) is a 400 too, rolled back and logged as a warning: the last line behind field
validation, not a substitute for it."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.fields import OUT_OF_RANGE_ERRORS, InvalidId, out_of_range_message
from training.errors import ApplicationError

logger = logging.getLogger("config.bad_input")


def exception_handler(exc, context) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=400)
    if isinstance(exc, InvalidId):
        return Response({"detail": exc.message}, status=400)
    if isinstance(exc, OUT_OF_RANGE_ERRORS):
        request = context.get("request")
        logger.warning(
            "Refused out-of-range input with a 400 (a field lacks validation): %s %s",
            getattr(request, "method", "?"),
            getattr(request, "get_full_path", lambda: "?")(),
            exc_info=exc,
        )
        set_rollback()
        return Response({"detail": out_of_range_message()}, status=400)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=getattr(exc, "message_dict", exc.messages))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    return drf_exception_handler(exc, context)
