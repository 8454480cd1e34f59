"""The editors' CMS, one module per concept; importing them registers the admin classes."""

from . import appeals, corrections, diversity, login, publisher, quotes, sources, stories, users  # noqa: F401
