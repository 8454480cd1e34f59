"""Surfaces: the named things a cached page (or value) shows, each with a version in the cache.

A page declares its surfaces when it is rendered ("site", "stories", "story-12", "section-3",
"appeals-section-3" …; the names are built in invalidation.py). A change that readers can see
bumps the surfaces it touches, after its transaction commits (`changed`). A cached copy is
valid while every one of its surfaces still has the version it was rendered at.

One more key, CHANGES, gets a new value before every bump: a cached page stored when CHANGES
had its current value cannot be out of date, so most hits need one round trip (page and
CHANGES together); only pages stored before the latest change check their surfaces' versions.
CHANGES and the surfaces are written together (one transaction in Redis; CHANGES first in a
cache that writes key by key), so a render that overlaps a commit either sees the new CHANGES
at store time (and is not stored) or is stored with versions that the bump then makes stale.
Inside a request, values read while CHANGES keeps one value are copied in process memory and
reused without a round trip (copies.py).

The cache may fail (Redis down or unreachable): every function here degrades to "nothing is
cached" rather than raising, logs one warning per outage, and for a moment after a failure
does not try the cache at all, so a cache that hangs does not make every page wait for it
(see `guarded`). It recovers by itself.
"""

import logging
import time
import uuid

from django.core.cache import cache as django_cache
from django.db import transaction

from . import copies, heads
from .cdn import purge_later

CHANGES = "surfaces:changes"
ANY = "any"  # bumped with every change: the surface of a page that declares none
RETRY_SECONDS = 2.0  # after a cache failure, how long to go without it before trying again
logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The cache failed a moment ago: not tried again yet."""


class _GuardedCache:
    """Django's cache, refusing at once while `guarded` waits to try it again."""

    def __getattr__(self, name):
        if guarded.down_since is not None and time.monotonic() < guarded.retry_at:
            raise CacheUnavailable
        return getattr(django_cache, name)


cache = _GuardedCache()


def redis():
    """(the shared cache's Redis client, its make_key) when the shared cache is Django's Redis
    cache, else None; raises CacheUnavailable while `guarded` waits to try the cache again. For
    work that needs Redis itself in one round trip (the beacon's guards and counts)."""
    backend = getattr(django_cache, "_cache", None)  # Django's RedisCacheClient, if Redis
    if not hasattr(backend, "get_client"):
        return None
    return backend.get_client(write=True), cache.make_key


def key(name):
    return f"surface:{name}"


def changed(*names, cdn=True, using=None):
    """Readers can see a change to `names`: bump them now and again once the transaction
    commits, then (with `cdn`: names that pages carry) purge them from the CDN, once per
    transaction whatever it changed.

    Now, so that whatever runs later in this transaction sees the change (the request that
    made it, a test); after the commit, because a page rendered meanwhile from the data as it
    was before the commit would otherwise be kept with the new versions."""
    names = set(names)
    if not names:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _Flush(names, names if cdn else ())()
        return
    publish(names)
    # One flush per transaction: Django drops its callbacks on rollback, so a flush still
    # waiting in the list belongs to this transaction.
    flush = next((f for _, f, _ in connection.run_on_commit if isinstance(f, _Flush)), None)
    if flush is None:
        flush = _Flush()
        transaction.on_commit(flush, using=using)
    flush.names |= names
    if cdn:
        flush.purges |= names


class _Flush:
    """What a transaction changed, published when it commits."""

    def __init__(self, names=(), purges=()):
        self.names, self.purges = set(names), set(purges)

    def __call__(self):
        publish(self.names)
        if self.purges:
            purge_later(sorted(self.purges))


def publish(names):
    """Bump `names` (and ANY) now; callers go through `changed`."""
    names = sorted({*names, ANY})
    version = time.time()
    heads.forget()
    with guarded("bump surfaces"):
        # One write (in Redis a MULTI/EXEC transaction): no reader sees the new CHANGES with
        # the old versions, which copies.py relies on; CHANGES first for a cache that writes
        # key by key (process memory).
        bumps = {CHANGES: uuid.uuid4().hex} | {key(name): version for name in names}
        cache.set_many(bumps, None)


def changes_marker(found):
    """The current CHANGES value from a get_many result, created if the cache had none."""
    marker = found.get(CHANGES)
    if marker is None:
        cache.add(CHANGES, uuid.uuid4().hex, None)
        marker = cache.get(CHANGES)
    return marker


def versions(names, found=None):
    """{name: version} for `names`, read from `found` (a get_many result) or the cache.

    A surface the cache has never seen (or lost) gets a version now: anything cached under an
    older one is stale, which is the safe direction."""
    if found is None:
        marker = copies.request_marker(_read_marker)
        copy_key = "versions:" + ",".join(names)
        current = copies.recall(copy_key, marker)
        if current is copies.MISSING:
            current = versions(names, cache.get_many([key(name) for name in names]))
            copies.keep(copy_key, marker, None, current)
        return current
    current = {name: found.get(key(name)) for name in names}
    missing = [name for name, version in current.items() if version is None]
    if missing:
        now = time.time()
        for name in missing:
            cache.add(key(name), now, None)
        again = cache.get_many([key(name) for name in missing])
        current |= {name: again.get(key(name), now) for name in missing}
    return current


def cached(cache_key, names, compute, timeout, shared=False):
    """`compute()`'s value, kept in the cache while the surfaces `names` keep their versions.

    One round trip when the value is cached. The versions are read before computing, so a
    change that commits meanwhile leaves the stored value already stale. `timeout` is seconds,
    None for no expiry, or a function of the value giving either. `shared`: the callers only
    read the value, so the request's copy (copies.py) may be the one every request gets."""
    current = marker = None
    with guarded("read a cached value"):
        marker = copies.request_marker(_read_marker)  # before the versions: see copies.py
        value = copies.recall(cache_key, marker)
        if value is not copies.MISSING:
            return value
        found = cache.get_many([cache_key, *(key(name) for name in names)])
        current = versions(names, found)
        entry = found.get(cache_key)
        # (versions, value, expires at); an entry of another shape (an older release's) is
        # computed again, once.
        if entry is not None and len(entry) == 3 and entry[0] == current:
            copies.keep(cache_key, marker, entry[2], entry[1], shared)
            return entry[1]
    value = compute()  # also when the cache failed: as if nothing were cached
    if current is not None:
        with guarded("store a cached value"):
            seconds = timeout(value) if callable(timeout) else timeout
            expires_at = None if seconds is None else time.time() + seconds
            cache.set(cache_key, (current, value, expires_at), seconds)
            copies.keep(cache_key, marker, expires_at, value, shared)
    return value


def _read_marker():
    with guarded("read the changes marker"):
        return cache.get(CHANGES)
    return None


class guarded:
    """`with guarded(what):` around cache calls only: a failure is swallowed (the code after
    the block is the fallback) and logged once per outage; for RETRY_SECONDS after a failure
    the cache is not tried; the first success after an outage logs that the cache is back."""

    down_since = None  # when the current outage began (time.monotonic), or None
    retry_at = 0.0

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None:
            if guarded.down_since is not None:
                lasted = time.monotonic() - guarded.down_since
                guarded.down_since = None
                logger.warning("The cache answers again, after %.0f s without it.", lasted)
            return False
        if issubclass(kind, CacheUnavailable):
            return True
        if not issubclass(kind, Exception):
            return False
        if guarded.down_since is None:
            guarded.down_since = time.monotonic()
            logger.warning("The cache failed (%s: %s); serving without it.", self.what, error)
        guarded.retry_at = time.monotonic() + RETRY_SECONDS
        return True
