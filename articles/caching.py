"""HTTP caching for the reader's pages: CDN headers, validators, 304s and a server-side page cache.

Public views opt in with `@public_page`. Every page is the same for every reader (appeals are
decided in the browser), so a rendered page can be kept whole. Validity is one rule: a *content
version* that changes whenever anything a reader can see changes (any of the app's models but the
appeal counters is saved or deleted, or a scheduled publication, withdrawal or appeal window edge
passes). The version is the ETag and the Last-Modified time of every page; the server-side cache
keeps each page with the version it was rendered at and serves it only while that is still the
version, so a change invalidates them all at once and no reader is served a withdrawn story from
our cache. (A CDN keeps a page for at most `max-age` plus `stale-while-revalidate`; purge it too if
a withdrawal cannot wait that long.)
"""

import hashlib
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

VERSION_KEY = "content-version"
NEXT_CHANGE_KEY = "content-next-change"
PAGE_CACHE_CONTROL = {"public": True, "max_age": 60, "stale_while_revalidate": 600}
# Every model of the app can change what readers see, except the appeals' event counters,
# which change with every beacon and are never shown on a public page.
NOT_CONTENT_MODELS = {"articles.appealcounter"}
_STORED_HEADERS = {"content-type", "content-language", "content-security-policy", "x-robots-tag"}


def _build_fingerprint():
    """Changes with each deploy of code or templates, so old pages are not served after it."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for path in sorted(
        [
            *root.glob("templates/**/*.html"),
            *root.glob("articles/**/*.html"),
            *root.glob("articles/**/*.py"),
        ]
    ):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:10]


BUILD = _build_fingerprint()


def bump_content_version(**kwargs):
    """Something readers can see changed: every cached page and validator is now stale."""
    cache.set(VERSION_KEY, time.time(), None)
    cache.delete(NEXT_CHANGE_KEY)


def content_version():
    """The content version: the time of the last change readers can see."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def seconds_until_next_scheduled_change():
    """Pages must not outlive the next scheduled publication, withdrawal or appeal window edge."""
    from .models import Appeal, Story

    at = cache.get(NEXT_CHANGE_KEY)
    if at is None:
        now = timezone.now()
        moments = [
            Story.objects.filter(published_at__gt=now).aggregate(t=Min("published_at"))["t"],
            Story.objects.filter(withdraw_at__gt=now).aggregate(t=Min("withdraw_at"))["t"],
            Appeal.objects.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"],
            Appeal.objects.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"],
        ]
        upcoming = [m.timestamp() for m in moments if m]
        at = min(upcoming) if upcoming else time.time() + settings.PAGE_CACHE_SECONDS
        cache.set(NEXT_CHANGE_KEY, at, max(1, int(at - time.time())))
    return at - time.time()


def connect_invalidation():
    """Bump the content version when any model readers can see is saved or deleted.

    A signal rather than direct calls: a dozen models are saved from the admin, importers and
    the demo loader. Code that writes with `QuerySet.update()` or `bulk_create()` calls
    `bump_content_version()` itself.
    """

    def receiver(sender, **kwargs):
        label = sender._meta.label_lower
        if label.startswith("articles.") and label not in NOT_CONTENT_MODELS:
            bump_content_version()

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(receiver, dispatch_uid=f"content-version-{signal}", weak=False)


def public_page(view):
    """Mark a view's successful responses as the same for every reader and cacheable."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            patch_cache_control(response, **PAGE_CACHE_CONTROL)
        return response

    return wrapper


def _cacheable_request(request):
    return request.method in ("GET", "HEAD") and not request.path.startswith("/admin/")


def _cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and "public" in cache_control
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and not getattr(response, "streaming", False)
    )


class PageCacheMiddleware:
    """Serve public pages from the cache, answer conditional requests with 304, store new pages.

    Sits right after WhiteNoise: a hit skips sessions, authentication and the view; the stored
    headers already hold what the inner middleware added (CSP, frame options).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        version, stored = self._lookup(key)
        if stored is not None:
            response = HttpResponse(stored["content"], status=200)
            for name, value in stored["headers"]:
                response[name] = value
        else:
            response = self.get_response(request)
            if not _cacheable_response(response):
                return response
            self._add_validators(response, version)
            self._store(key, response, version)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=int(version),
            response=response,
        )

    @staticmethod
    def _lookup(key):
        """The content version and the stored page if it is of that version: one round trip.

        A page is stored under its URL with the version it was rendered at, so a shared cache
        (Redis) answers both in a single MGET; a page of an older version is a miss, and the
        fresh one overwrites it.
        """
        if not settings.PAGE_CACHE_SECONDS:
            return content_version(), None
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:
            return content_version(), None
        stored = found.get(key)
        if stored is None or stored["version"] != version:
            return version, None
        return version, stored

    @staticmethod
    def _key(request):
        raw = f"{BUILD}:{request.scheme}:{request.get_host()}:{request.get_full_path()}"
        return "page:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()

    @staticmethod
    def _add_validators(response, version):
        response["ETag"] = quote_etag(f"{BUILD}-{int(version * 1000)}")
        response["Last-Modified"] = http_date(int(version))

    @staticmethod
    def _store(key, response, version):
        if not settings.PAGE_CACHE_SECONDS:
            return
        timeout = min(settings.PAGE_CACHE_SECONDS, seconds_until_next_scheduled_change())
        if timeout < 1:
            return
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() in _STORED_HEADERS or name in ("ETag", "Last-Modified", "Cache-Control")
        ]
        page = {"version": version, "content": response.content, "headers": headers}
        cache.set(key, page, int(timeout))
