from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from training.selectors import unit_ancestors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    chain = list(unit_ancestors(unit=user.unit, include_self=True)) if user.unit_id else []
    return render(request, "training/home.html", {"unit_chain": chain})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers; says nothing about any person."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "database unavailable"}, status=503)
