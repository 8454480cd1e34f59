"""The client's address, as far as this deployment can trust it.

With no proxy in front (`TRUSTED_PROXY_COUNT = 0`, the default) it is REMOTE_ADDR, and an
X-Forwarded-For header, which any client can send, changes nothing. Behind N trusted proxies,
each appending the address it received the request from, it is the Nth entry from the right of
X-Forwarded-For: entries further left were written by the client and are ignored.

IPv6 clients are keyed by their /64 network: a household or a phone gets a whole /64 and can
pick any address in it, so counting single addresses would let anyone rotate past a limit.
Sign-in throttling and the appeal beacons' rate limit both count by this address.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's address as a string, or None if the request carries no usable one."""
    peer = request.META.get("REMOTE_ADDR", "")
    claimed = peer
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            # Fewer hops than proxies: the request skipped one; the farthest hop is all we have.
            claimed = hops[-min(settings.TRUSTED_PROXY_COUNT, len(hops))]
    return _key(claimed) or _key(peer)


def _key(text):
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
