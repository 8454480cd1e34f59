"""The site's sections, cached: every page's navigation and the listing's section filter use them.

Sections change a few times a year and are read on every page, so they live in the cache (the
shared Redis cache in production) instead of costing each page a query. Saving or deleting a
section drops the cached copy (signals, because the admin's bulk delete bypasses
`Section.delete()`); the timeout bounds staleness for per-process caches such as locmem.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

CACHE_KEY = "articles:sections:v1"
TIMEOUT = 600  # seconds


def sections():
    """Every section in navigation order, as a list."""
    from .models import Section

    cached = cache.get(CACHE_KEY)
    if cached is None:
        cached = list(Section.objects.all())
        cache.set(CACHE_KEY, cached, TIMEOUT)
    return cached


def forget_sections(**kwargs):
    cache.delete(CACHE_KEY)


def connect():
    from .models import Section

    post_save.connect(forget_sections, sender=Section, dispatch_uid="navigation-sections-save")
    post_delete.connect(forget_sections, sender=Section, dispatch_uid="navigation-sections-delete")
