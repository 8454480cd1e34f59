"""Caching the reader's pages, and the one rule that keeps them current.

surfaces.py is the mechanism (versioned surfaces in the shared cache, bumped after commit),
invalidation.py the rule (which surfaces a page shows and a change touches), pages.py the
HTTP side (the page cache, validators, compression) and cdn.py the CDN's headers and purges.
"""

from .pages import PageCacheMiddleware, declare, public_page

__all__ = ["PageCacheMiddleware", "declare", "public_page"]
