"""The reader's pages over HTTP: CDN headers, validators, compression and the server-side cache.

Public views opt in with `@public_page`. Every page is the same for every reader (appeals are
decided in the browser), so a rendered page can be kept whole. Each page declares the surfaces
it shows (`declare`; see invalidation.py); the cache keeps it while they keep their versions,
so a change re-renders exactly the pages that show it and a draft save re-renders nothing.

- Validators: the ETag is a hash of the page's bytes, so every app server (with its own
  cache or none) gives the same one; Last-Modified is when its newest surface last changed.
- Compression: public pages carry no secrets (no CSRF token, no session, nothing per reader),
  so BREACH, which needs a secret beside attacker-chosen text in one compressed response, has
  nothing to find. They are sent with gzip or brotli as the client accepts, compressed once
  when the page is stored, so a hit costs no compression.
- CDN: `Surrogate-Key` (Fastly) and `Cache-Tag` (Cloudflare) name the surfaces, and a change
  purges them (cdn.py), so with a purge configured a CDN may keep pages for hours.
- Scheduled edges: a stored page never outlives the next scheduled publication, withdrawal,
  scheduled update of a live story or appeal window edge, which change pages with no save.
"""

import gzip
import hashlib
import time
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

import brotli
from django.conf import settings
from django.db.models import Min
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from ..links import TRACKING
from . import cdn, copies, heads
from .invalidation import SCHEDULE, SITE
from .surfaces import ANY, CHANGES, cache, cached, changes_marker, guarded, key, versions

PAGE_CACHE_CONTROL = {"public": True, "max_age": 60, "stale_while_revalidate": 600}
_STORED_HEADERS = {
    "content-type", "content-language", "content-security-policy", "x-robots-tag",
    "x-frame-options", "cache-control", "surrogate-key", "cache-tag",
}  # fmt: skip
ENCODINGS = ("br", "gzip")
COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml", "application/json")
MIN_COMPRESS_BYTES = 512
HEAD = ":head"  # a page's key and this: its head (Page.head), for conditional requests


def _build_fingerprint():
    """Changes with each deploy of code or templates, so old pages are not served after it."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    paths = [*root.glob("templates/**/*.html"), *root.glob("articles/**/*.html")]
    for path in sorted([*paths, *root.glob("articles/**/*.py")]):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:10]


BUILD = _build_fingerprint()


def declare(request, *names):
    """The page being rendered for `request` shows these surfaces (as well as "site")."""
    request.surfaces = {*getattr(request, "surfaces", ()), *names}


def public_page(view=None, *, surfaces=(), params=()):
    """Mark a view's successful responses as the same for every reader and cacheable.

    `surfaces` are declared for every response (views with surfaces of their own call
    `declare` as they learn them). `params` are the query parameters the view reads: a page
    asked for with any other (bar tracking parameters, which no page reads) is rendered for
    whoever asked, with whatever notice the view gives, but never kept, so junk parameters
    cannot fill the cache with copies of one page."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            declare(request, *surfaces)
            request.page_params = frozenset(params)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.has_header("Cache-Control"):
                patch_cache_control(response, **PAGE_CACHE_CONTROL, **cdn.shared_max_age())
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def seconds_until_next_scheduled_change():
    """Pages must not outlive the next scheduled publication, withdrawal, scheduled update,
    appeal window edge, pick or pin expiry, or breaking strip's start or end."""
    at = cached("schedule:next", [SCHEDULE], _next_scheduled_change, timeout=_until)
    return at - time.time()


def _next_scheduled_change():
    from ..models import Appeal, BreakingNews, FrontPick, Revision, SectionPin, Story

    now = timezone.now()
    stories = Story.objects.filter(status=Story.Status.PUBLISHED)
    # A live story's scheduled update (editorial/pending.py) changes its page at its time.
    updates = Revision.pending_versions.filter(story__status=Story.Status.PUBLISHED)
    appeals = Appeal.objects.filter(status=Appeal.Status.LIVE)
    moments = [
        stories.filter(published_at__gt=now).aggregate(t=Min("published_at"))["t"],
        stories.filter(withdraw_at__gt=now).aggregate(t=Min("withdraw_at"))["t"],
        appeals.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"],
        appeals.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"],
        updates.filter(go_live_at__gt=now).aggregate(t=Min("go_live_at"))["t"],
        # Picks and pins expiring, the breaking strip starting or ending.
        FrontPick.objects.filter(expires_at__gt=now).aggregate(t=Min("expires_at"))["t"],
        SectionPin.objects.filter(expires_at__gt=now).aggregate(t=Min("expires_at"))["t"],
        BreakingNews.objects.filter(starts_at__gt=now).aggregate(t=Min("starts_at"))["t"],
        BreakingNews.objects.filter(ends_at__gt=now).aggregate(t=Min("ends_at"))["t"],
    ]
    upcoming = [moment.timestamp() for moment in moments if moment]
    return min(upcoming) if upcoming else time.time() + 24 * 3600


def _until(at):
    return max(1, int(at - time.time()))


def accepted_encoding(request):
    """br or gzip if the client takes it (a q of 0 refuses), else None for the plain bytes."""
    offered = {}
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        offered[name.strip().lower()] = q
    for encoding in ENCODINGS:
        if offered.get(encoding, offered.get("*", 0)) > 0:
            return encoding
    return None


@dataclass
class Page:
    """A rendered public page as the cache keeps it: bytes (plain and compressed), headers,
    validators, and the surfaces it shows with their versions when it was rendered."""

    content: bytes
    headers: list
    etag: str
    surfaces: dict = field(default_factory=dict)
    marker: str | None = None
    bodies: dict = field(default_factory=dict)
    compressible_content: bool | None = None  # a head's (its content is left out)

    @classmethod
    def of(cls, response):
        content = response.content
        headers = [(n, v) for n, v in response.items() if n.lower() in _STORED_HEADERS]
        # SHA-256 runs in the CPU's SHA extensions: a 44 KB story page hashes in ~30 µs, where
        # BLAKE2b (Python's reference implementation, no SIMD) took ~115 µs.
        digest = hashlib.sha256(content).hexdigest()[:24]
        return cls(content=content, headers=headers, etag=f'W/"{digest}"')

    def head(self):
        """The page without its bytes: what a conditional request needs (ETag, Last-Modified,
        Cache-Control, Vary, validity), kept beside the page so a 304 reads a few hundred
        bytes from the cache, not the page in three encodings."""
        return Page(content=b"", headers=self.headers, etag=self.etag, surfaces=self.surfaces,
                    marker=self.marker, compressible_content=self.compressible)  # fmt: skip

    @property
    def compressible(self):
        if self.compressible_content is not None:
            return self.compressible_content
        content_type = {n.lower(): v for n, v in self.headers}.get("content-type", "")
        return len(self.content) >= MIN_COMPRESS_BYTES and content_type.startswith(COMPRESSIBLE)

    def body(self, encoding):
        if encoding is None or not self.compressible:
            return self.content
        if encoding not in self.bodies:
            if encoding == "br":
                self.bodies[encoding] = brotli.compress(self.content, quality=5)
            else:
                self.bodies[encoding] = gzip.compress(self.content, compresslevel=6, mtime=0)
        return self.bodies[encoding]

    @property
    def last_modified(self):
        return int(max(self.surfaces.values())) if self.surfaces else None

    def response(self, request):
        encoding = accepted_encoding(request) if self.compressible else None
        body = self.body(encoding)
        response = HttpResponse(body, status=200)
        for name, value in self.headers:
            response[name] = value
        self._validate(response)
        if encoding:
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(body))
        return response

    def not_modified(self, request):
        """The answer to a conditional request (a 304, or a 412 for a failed If-Match), or None
        when the page itself is the answer: what get_conditional_response makes of the page's
        response, without making that response (a live blog's open pages ask every 25 s)."""
        answer = get_conditional_response(request, etag=self.etag, last_modified=self.last_modified)
        if answer is not None and answer.status_code == 304:
            # What a 304 keeps of the page (RFC 9110, 15.4.5): of its stored headers only
            # Cache-Control (the others are the body's), and the validators and Vary.
            cache_control = next((v for n, v in self.headers if n.lower() == "cache-control"), None)
            if cache_control is not None:
                answer["Cache-Control"] = cache_control
            self._validate(answer)
        return answer

    def _validate(self, response):
        response["ETag"] = self.etag
        if self.last_modified:
            response["Last-Modified"] = http_date(self.last_modified)
        if self.compressible:
            patch_vary_headers(response, ["Accept-Encoding"])


def _conditional(request):
    meta = request.META
    return "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta


def _cacheable_request(request):
    return request.method in ("GET", "HEAD") and not request.path.startswith("/admin/")


def _cacheable_response(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and "public" in cache_control
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and not response.has_header("Content-Encoding")
        and not getattr(response, "streaming", False)
    )


class PageCacheMiddleware:
    """Serve public pages from the cache, answer conditional requests with 304, store new pages.

    Sits right after WhiteNoise: a hit skips sessions, authentication and the view; the stored
    headers already hold what the inner middleware added (CSP, frame options). A hit costs one
    round trip to the cache (the page and the CHANGES marker together) unless something changed
    since the page was stored; then a second reads its surfaces' versions. A conditional
    request (If-None-Match, If-Modified-Since) reads the page's head instead, and a 304 is
    made from it, without the page's bytes; a head read a moment ago answers from the
    process's memory (heads.py). If the cache fails, pages are rendered as if
    nothing were cached.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        caching = settings.PAGE_CACHE_SECONDS > 0
        page_key = self._key(request)
        page = marker = None
        if caching and _conditional(request):
            # An open page, a CDN or a browser asking whether its copy is current: the page's
            # head answers; the page is read only when the copy is not (stored together, a
            # page without its head is one the cache has let go).
            head, marker = self._head(page_key)
            answer = head.not_modified(request) if head is not None else None
            if answer is not None:
                return answer
            if head is not None:
                page, marker = self._lookup(page_key)
        elif caching:
            page, marker = self._lookup(page_key)
        outcome = "hit" if page is not None else "miss"
        if page is None:
            response = self.get_response(request)
            if not _cacheable_response(response):
                return response
            page = Page.of(response)
            names = sorted({SITE, *(getattr(request, "surfaces", None) or {ANY})})
            cdn.tag(page, names)
            if caching and self._kept(request):
                self._store(page_key, page, names, marker)
            else:
                self._version(page, names)
        answer = page.not_modified(request)
        if answer is not None:
            return answer
        response = page.response(request)
        response["X-Cache"] = outcome  # for people and benchmarks (bench/pages.py's hit rate)
        return response

    @staticmethod
    def _key(request):
        """The page's URL with tracking parameters left out and the rest in a fixed order:
        every way of asking for one page is one entry."""
        query = ""
        if request.META.get("QUERY_STRING"):  # most requests have none: no query to parse
            names = sorted(name for name in request.GET if not TRACKING.match(name))
            query = urlencode([(n, value) for n in names for value in request.GET.getlist(n)])
        raw = f"{BUILD}:{request.scheme}:{request.get_host()}:{request.path}?{query}"
        return "page:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()

    @staticmethod
    def _kept(request):
        """Only pages asked for with parameters their view reads are kept (see public_page)."""
        asked = {name for name in request.GET if not TRACKING.match(name)}
        return asked <= getattr(request, "page_params", frozenset())

    @staticmethod
    def _lookup(page_key):
        """(the stored page if still valid, the CHANGES marker); (None, None) if the cache fails."""
        with guarded("look up a page"):
            found = cache.get_many([page_key, CHANGES])
            marker = changes_marker(found)
            copies.saw(marker)  # before any version this request reads (copies.py)
            page = found.get(page_key)
            # When something changed since the page was stored: did any of its surfaces?
            if (
                page is not None
                and page.marker != marker
                and versions(page.surfaces) != page.surfaces
            ):
                page = None
            return page, marker
        return None, None

    @classmethod
    def _head(cls, page_key):
        """(the page's head, the CHANGES marker): remembered from a moment ago (heads.py),
        or read from the cache."""
        remembered = heads.recall(page_key)
        if remembered is not None:
            return remembered
        head, marker = cls._lookup(page_key + HEAD)
        heads.remember(page_key, head, marker)
        return head, marker

    @staticmethod
    def _store(page_key, page, names, marker):
        with guarded("store a page"):
            found = cache.get_many([CHANGES, *(key(name) for name in names)])
            page.surfaces = versions(names, found)
            if marker is None or changes_marker(found) != marker:
                return  # a change committed while this page was rendered: it may predate it
            timeout = min(settings.PAGE_CACHE_SECONDS, seconds_until_next_scheduled_change())
            if timeout < 1:
                return
            page.marker = marker
            if page.compressible:
                for encoding in ENCODINGS:
                    page.body(encoding)
            cache.set_many({page_key: page, page_key + HEAD: page.head()}, int(timeout))

    @staticmethod
    def _version(page, names):
        """With the page cache off, the versions still give Last-Modified."""
        with guarded("read surface versions"):
            page.surfaces = versions(names)
