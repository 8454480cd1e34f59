"""The newsroom's models, one module per concept."""

from .stories import (
    BODY_EDITOR_EXTENSIONS,
    Author,
    Byline,
    Section,
    Story,
    StoryQuerySet,
    Tag,
    byline_prefetch,
)

__all__ = [
    "BODY_EDITOR_EXTENSIONS",
    "Author",
    "Byline",
    "Section",
    "Story",
    "StoryQuerySet",
    "Tag",
    "byline_prefetch",
]
