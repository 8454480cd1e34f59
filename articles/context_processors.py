from django.conf import settings

from .navigation import sections


def site(request):
    """Site name and the navigation sections, for every page's header and footer."""
    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "donate_url": settings.DONATE_URL,
        "nav_sections": sections(request),
    }
