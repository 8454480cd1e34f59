"""The newsroom's models, one module per concept."""

from .appeals import Appeal, AppealCounter, AppealQuerySet, AppealVariant
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
    "Appeal",
    "AppealCounter",
    "AppealQuerySet",
    "AppealVariant",
    "BODY_EDITOR_EXTENSIONS",
    "Author",
    "Byline",
    "Section",
    "Story",
    "StoryQuerySet",
    "Tag",
    "byline_prefetch",
]
