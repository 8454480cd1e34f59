"""Public URLs of stories, sections, tags, authors and sources, memoised; and which query
parameters are other sites' tracking, never ours.

A page builds dozens of them (navigation twice, every card's section, story and authors), and
`reverse()` walks the URL patterns each time. The memo is keyed by everything `reverse()` reads
(the URLconf in force and the script prefix), so it is never wrong, only faster.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Parameters that links from elsewhere carry (campaigns, click ids): pages ignore them silently.
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ref|_ga)$")


def url(viewname, *args):
    """`reverse(viewname, args=args)`, remembered."""
    return _reverse(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), viewname, args)


@lru_cache(maxsize=20_000)
def _reverse(root_urlconf, urlconf, script_prefix, viewname, args):
    return reverse(viewname, args=args)
