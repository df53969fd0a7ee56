"""The client's address as the web server in front tells it (settings.TRUSTED_PROXY_COUNT)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address per-client limits count against: axes' login lockout, roll matching, contact forms.

    With no trusted proxy, REMOTE_ADDR. Behind ``TRUSTED_PROXY_COUNT`` proxies,
    each appends the address it received the request from to
    X-Forwarded-For, so the entry that many places from the right was written
    by our first proxy; anything left of it came from the client and is
    ignored (a client cannot pick an address to dodge its limit). A header
    shorter than the count (a request that bypassed the proxies) falls back
    to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote
