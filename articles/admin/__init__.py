"""The editors' CMS, one module per concept; importing them registers the admin classes."""

from . import (  # noqa: F401
    appeals,
    corrections,
    diversity,
    donations,
    front,
    login,
    media,
    publisher,
    quotes,
    sources,
    stories,
    users,
)
