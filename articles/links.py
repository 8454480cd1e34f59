"""Public URLs of stories, sections, tags, authors and sources, memoised.

A page builds dozens of them (navigation twice, every card's section, story and authors), and
`reverse()` walks the URL patterns each time. The memo is keyed by everything `reverse()` reads
(the URLconf in force and the script prefix), so it is never wrong, only faster.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def url(viewname, *args):
    """`reverse(viewname, args=args)`, remembered."""
    return _reverse(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), viewname, args)


@lru_cache(maxsize=20_000)
def _reverse(root_urlconf, urlconf, script_prefix, viewname, args):
    return reverse(viewname, args=args)
