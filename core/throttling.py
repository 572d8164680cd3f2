"""The project's DRF throttles: DRF's anonymous and per-user rates, with the client identified
by `core.client.client_address` (DRF's own `get_ident` reads `NUM_PROXIES` and, unset, the whole
client-written `X-Forwarded-For`), so an API budget follows the same address as every other
budget. Named in `REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`.

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` when a throttle is built (per
request), not when this module is imported, so a settings change takes effect. The history lives
in the cache; when the cache cannot be reached the throttle lets the request through (logged),
as the verification limit does: a Redis outage must not turn every API call into a 500.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings

from core.client import client_address

logger = logging.getLogger(__name__)


class ClientAddressThrottleMixin:
    """Identify anonymous clients by `client_address`, read rates at run time, fail open."""

    def get_ident(self, request) -> str:
        return client_address(request) or "unknown"

    def get_rate(self) -> str | None:
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        return super().get_rate()

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError as exc:
            logger.warning("Cache unreachable; API throttle not applied: %s", exc)
            return True


class AnonRateThrottle(ClientAddressThrottleMixin, throttling.AnonRateThrottle):
    """Anonymous requests: `DEFAULT_THROTTLE_RATES["anon"]` per client address."""


class UserRateThrottle(ClientAddressThrottleMixin, throttling.UserRateThrottle):
    """Signed-in requests: `DEFAULT_THROTTLE_RATES["user"]` per user (per address if anonymous)."""
