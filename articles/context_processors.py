from django.conf import settings

from .models import Section


def site(request):
    """Site name and the navigation sections, for every page's header and footer."""
    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "nav_sections": Section.objects.all(),
    }
