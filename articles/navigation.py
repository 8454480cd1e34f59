"""The site's sections: every page's navigation and the listing's section filter use them.

Sections change a few times a year and are read on every page, so they live in the shared
cache, kept while the "site" surface keeps its version (a section change bumps it: see
articles/caching/invalidation.py), and once per request on the request itself.
"""

from .caching.invalidation import SITE
from .caching.surfaces import cached


def sections(request=None):
    """Every section in navigation order, as a list."""
    if request is not None and hasattr(request, "nav_sections"):
        return request.nav_sections
    found = cached("navigation:sections", [SITE], _sections, None)
    if request is not None:
        request.nav_sections = found
    return found


def _sections():
    from .models import Section

    return list(Section.objects.all())
