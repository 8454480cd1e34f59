from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .front import breaking
from .listing.search import MAX_QUERY_LENGTH
from .navigation import sections


def site(request):
    """Site name, the navigation sections and the breaking-news strip, for every page's header
    and footer (all from the cache: no query per page)."""
    return {
        # Read when a template shows it: pages in a cached shell fill the strip themselves.
        "breaking": SimpleLazyObject(breaking),
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "donate_url": settings.DONATE_URL,
        "nav_sections": sections(request),
        "search_max_length": MAX_QUERY_LENGTH,
    }
