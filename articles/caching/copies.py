"""Copies of cached values in the app process, trusted while the CHANGES marker stays the same.

A story page that is not in the page cache reads four cached values (the chrome, the breaking
strip, the appeal selection, the related stories) and its surfaces' versions: five round trips
to Redis, each checking every version the value depends on, which cost more than the page's
own query (5.6 M instructions per page with Redis, 2.1 M with the cache in process memory).

Every change readers can see writes a new CHANGES marker together with the versions it bumps
(surfaces.publish, one atomic write). So a value this process read from the shared cache (or
computed and stored there) while CHANGES was M is still current as long as CHANGES is still M
and the value's own timeout has not passed. A request reads CHANGES once, when it first needs
a cached value, and takes what it can from these copies: one round trip instead of five.

Only inside a request (request_started to request_finished: a task or a shell always asks the
shared cache), and only with a cache shared between processes (with the cache in process
memory there is nothing to save). Copies are kept pickled, so no request can change another's
value by changing what it was given; a value its callers only read (`shared`: the appeal
selection, whose model instances cost 0.4 ms to unpickle on every story page) is kept as it is
and handed to every request.
"""

import pickle
import threading
import time

from django.conf import settings
from django.core.signals import request_finished, request_started

LIMIT = 2000  # copies kept at most; past it they start again empty
MISSING = object()

_copies = {}  # cache key -> (marker, expires at (time.time()) or None, value pickled, shared)
_request = threading.local()  # .active: inside a request; .marker: CHANGES as it read it


def _begin(**kwargs):
    _request.active, _request.marker = True, None


def _end(**kwargs):
    _request.active, _request.marker = False, None


request_started.connect(_begin, dispatch_uid="articles.caching.copies.begin")
request_finished.connect(_end, dispatch_uid="articles.caching.copies.end")


def shared_cache():
    return "locmem" not in settings.CACHES["default"]["BACKEND"]


def request_marker(read):
    """CHANGES as this request sees it (`read()` on first use), or None: outside a request,
    with a cache in process memory, or when it could not be read."""
    if not getattr(_request, "active", False) or not shared_cache():
        return None
    if _request.marker is None:
        _request.marker = read()
    return _request.marker


def saw(marker):
    """CHANGES as this request read it along with something else (the page cache reads it with
    the page): the request's copies use it rather than reading it again."""
    if getattr(_request, "active", False) and _request.marker is None:
        _request.marker = marker


def recall(cache_key, marker):
    """The value kept under `marker`, or MISSING."""
    copy = _copies.get(cache_key)
    if marker is None or copy is None or copy[0] != marker:
        return MISSING
    if copy[1] is not None and copy[1] <= time.time():
        return MISSING
    return copy[2] if copy[3] else pickle.loads(copy[2])


def keep(cache_key, marker, expires_at, value, shared=False):
    """Keep `value` under `marker`: pickled, or, if `shared` (its callers never change it), as
    it is."""
    if marker is None:
        return
    if len(_copies) >= LIMIT:
        _copies.clear()
    kept = value if shared else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    _copies[cache_key] = (marker, expires_at, kept, shared)


def forget():
    _copies.clear()
