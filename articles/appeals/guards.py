"""What keeps the appeal counters honest: a token per page view, each event type counted once
per view and appeal, this site's pages only, and a rate limit per client address.

A page is the same for every reader (it is cached whole), so the token cannot be in the page:
the script asks `/appeals/token/` for one, a POST that is never cached, and echoes it in every
beacon of that view. Tokens are signed with SECRET_KEY and carry their time, so issuing and
checking one needs no storage. What a view has already reported, and how much each address has
sent this minute, lives in the shared cache; while the cache is down, in this process's memory
(beacons are still counted; the limits then hold per process), and the shared cache is tried
again after a moment.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.core.cache.backends.locmem import LocMemCache

from newsroom.client_address import client_address

from ..caching.surfaces import cache, guarded, redis

SIGNER = signing.TimestampSigner(salt="articles.appeals.view-token")
MAX_TOKEN_LENGTH = 100
RATE_WINDOW = 60  # seconds: the limits are per minute


# --- Tokens ------------------------------------------------------------------------------


def issue_token():
    """A new page view's token: a random nonce, signed with the time it was issued."""
    return SIGNER.sign(secrets.token_urlsafe(12))


def view_of(token):
    """The page view (its nonce) `token` was issued for, or None if it is not one of ours or
    older than APPEAL_TOKEN_MAX_AGE."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        return SIGNER.unsign(token, max_age=settings.APPEAL_TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None


def first_reports(view, counts):
    """Of `counts` ({(appeal, variant, event): n}), what this view has not reported before,
    each once: an event type counts once per view and appeal, whatever the variant claimed.
    Marks them reported (in Redis, all in one round trip); `forget` undoes that if they could
    not be counted. (With Redis, a beacon applies these rules in tally.py's one script.)"""
    claimed = claims(counts)
    lifetime = mark_lifetime()
    marks = [mark(view, appeal, event) for appeal, event in claimed]

    def in_redis(client, make_key):
        pipe = client.pipeline(transaction=False)
        for name in marks:
            pipe.set(make_key(name), 1, ex=lifetime, nx=True)
        return pipe.execute()

    def one_by_one(store):
        return [store.add(name, 1, lifetime) for name in marks]

    added = _shared(in_redis, one_by_one)
    fresh = [pair for pair, first in zip(claimed, added, strict=True) if first]
    return {(appeal, claimed[appeal, event], event): 1 for appeal, event in fresh}


def claims(counts):
    """{(appeal, event): the variant it is counted for}: the first variant a beacon names for
    an event type of an appeal (a view sees one variant; a beacon claiming two is not believed
    twice)."""
    claimed = {}
    for appeal, variant, event in counts:
        claimed.setdefault((appeal, event), variant)
    return claimed


def forget(view, counts):
    """Unmark `counts` (from first_reports) so the browser's retry is counted."""
    marks = [mark(view, appeal, event) for appeal, _, event in counts]
    _shared(None, lambda store: store.delete_many(marks))


def mark(view, appeal, event):
    """The cache key saying that `view` has reported `event` for `appeal`."""
    return f"appeal-view:{view}:{appeal}:{event}"


def mark_lifetime():
    """Seconds a mark is kept: as long as its token is valid, and a minute more."""
    return settings.APPEAL_TOKEN_MAX_AGE + RATE_WINDOW


# --- This site's pages only --------------------------------------------------------------


def from_this_site(request):
    """Browsers send Origin on every POST, sendBeacon's and fetch's included: a request without
    ours (or with "null") did not come from one of our pages."""
    origin = request.headers.get("Origin")
    if not origin or request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


# --- Rate limits -------------------------------------------------------------------------


def seconds_to_wait(request, kind, limit):
    """0 if this client address may send another `kind` ("tokens", "beacons") this minute;
    otherwise how long to wait. The minute starts at the address's first request."""
    key = rate_key(request, kind)

    def in_redis(client, make_key):
        # One transaction: the window's key is made with its lifetime and counted at once.
        pipe = client.pipeline(transaction=True)
        pipe.set(make_key(key), 0, ex=RATE_WINDOW, nx=True)
        pipe.incr(make_key(key))
        return pipe.execute()[1]

    def one_by_one(store):
        store.add(key, 0, RATE_WINDOW)
        try:
            sent = store.incr(key)
        except ValueError:  # the window ended between add and incr: this one opens the next
            store.add(key, 1, RATE_WINDOW)
            sent = 1
        return sent

    sent = _shared(in_redis, one_by_one)
    return RATE_WINDOW if sent > limit else 0


def rate_key(request, kind):
    return f"appeal-rate:{kind}:{client_address(request) or 'unknown'}"


# --- The shared cache, or this process's memory while it is down -------------------------

_local = LocMemCache("appeal-guards", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def reset():
    """Forget this process's stand-in for the shared cache (for tests)."""
    _local.clear()


def _shared(in_redis, one_by_one):
    """`in_redis(client, make_key)` with the shared cache's Redis client (one round trip), or
    `one_by_one(cache)` with another shared cache (or no `in_redis`); with this process's memory
    while the shared cache fails (the cache's outage rule: articles/caching/surfaces.py
    `guarded`)."""
    with guarded("check appeal beacons"):
        found = redis() if in_redis is not None else None
        if found is not None:
            return in_redis(*found)
        return one_by_one(cache)
    return one_by_one(_local)
