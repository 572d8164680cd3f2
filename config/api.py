"""Project-wide DRF glue: domain refusals become 400s with a readable message; a service's
`PermissionDenied("why")` (wrong role or scope) becomes a 403 that keeps its message. The
schema and Swagger UI views, closed to anonymous visitors unless `API_DOCS_PUBLIC`.

Bad input that slipped past a serializer (an integer too large for its column: OverflowError,
DataError) is a 400 too, rolled back and logged as a warning: the last line behind field
validation, not a substitute for it."""

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated
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


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: for signed-in users (401/403 otherwise) unless `API_DOCS_PUBLIC`.
    Read per request, so the setting needs no change to the URLconf."""

    def get_permissions(self):
        if settings.API_DOCS_PUBLIC:
            return [AllowAny()]
        return [IsAuthenticated()]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI (page and its script): anonymous visitors go to the login page and come back,
    unless `API_DOCS_PUBLIC`."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)
