"""The one answer to "which address is this request from?".

Every per-address budget (login lockout, the address failure budget for logins, certificate
verification, API throttles) asks `client_address(request)`, so a client has one address
everywhere and one proxy setting decides it:

- `TRUSTED_PROXY_COUNT = 0` (the default): `REMOTE_ADDR`. `X-Forwarded-For` is whatever the
  client sent and is ignored.
- `TRUSTED_PROXY_COUNT = n`: each of the n reverse proxies in front of the application appends
  the address it saw to `X-Forwarded-For`, so the n-th entry from the right is the one the
  outermost trusted proxy wrote: the client as the internet saw it. Entries further left are the
  client's own words (anyone can prepend addresses) and are never read.

A header with fewer than n entries, or whose chosen entry is not an IP address, is not the
proxies' work: the answer falls back to `REMOTE_ADDR`. Addresses come back in `ipaddress`'s
canonical spelling, so "2001:DB8::1" and "2001:db8:0::1" count as one client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def canonical_ip(value: str | None) -> str | None:
    """`value` as a canonical IP address string, or None when it is not an IP address."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def forwarded_client(header: str, *, proxies: int) -> str | None:
    """The address the outermost of `proxies` trusted proxies appended to an `X-Forwarded-For`
    value, or None when the header is too short or that entry is not an IP address."""
    if proxies <= 0 or not header:
        return None
    entries = [entry.strip() for entry in header.split(",")]
    if len(entries) < proxies:
        return None
    return canonical_ip(entries[-proxies])


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address under `settings.TRUSTED_PROXY_COUNT` (see the module docstring);
    None only when not even `REMOTE_ADDR` holds an IP address (a test request built by hand)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), proxies=proxies)
    return forwarded or canonical_ip(request.META.get("REMOTE_ADDR"))
