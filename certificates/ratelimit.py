"""Rate limit for the public verification page and API, per client address, via the cache.

The address is `core.client.client_address`: behind `TRUSTED_PROXY_COUNT` proxies, the client
the outermost proxy saw, so clients behind one proxy keep separate budgets.

Two budgets per window: all lookups (a generous cap) and lookups of unknown codes (a tight one).
Someone verifying real certificates never meets either; someone guessing codes exhausts the
second quickly, and 100-bit codes make guessing hopeless anyway. With a shared cache (Redis) the
budgets hold across processes and machines. When that cache cannot be reached, the limit fails
open (logged): verifying a certificate matters more than the budget, which the codes' 100 random
bits make a courtesy rather than the defence.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _window() -> int:
    return getattr(settings, "CERTIFICATES_VERIFY_WINDOW_SECONDS", 600)


def _key(kind: str, client: str | None) -> str:
    return f"certificates:verify:{kind}:{client or 'unknown'}"


def _increment(kind: str, client: str | None) -> int:
    key = _key(kind, client)
    cache.add(key, 0, timeout=_window())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_window())
        return 1


def verification_allowed(*, client: str | None) -> bool:
    """Count one lookup; False when the client (`core.client.client_address`) has used up a
    budget for this window."""
    try:
        lookups = _increment("lookups", client)
        misses = cache.get(_key("misses", client), 0)
    except RedisError as exc:
        logger.warning("Cache unreachable; verification rate limit not applied: %s", exc)
        return True
    return lookups <= getattr(
        settings, "CERTIFICATES_VERIFY_MAX_LOOKUPS", 120
    ) and misses < getattr(settings, "CERTIFICATES_VERIFY_MAX_MISSES", 20)


def verification_missed(*, client: str | None) -> None:
    """Record a lookup of a code that does not exist."""
    try:
        _increment("misses", client)
    except RedisError as exc:
        logger.warning("Cache unreachable; verification miss not counted: %s", exc)
