"""The newsroom's models, one module per concept."""

from .addresses import FormerAddress
from .appeals import Appeal, AppealCounter, AppealQuerySet, AppealVariant
from .corrections import Correction, CorrectionQuerySet
from .revisions import Revision
from .source_listing import SourceListing, SourceListingQuerySet
from .sources import (
    Quote,
    QuoteQuerySet,
    Source,
    SourceQuerySet,
    confirmed_quotes_prefetch,
    quoted_sources,
)
from .stories import (
    BODY_EDITOR_EXTENSIONS,
    Author,
    Byline,
    Section,
    Story,
    StoryQuerySet,
    Tag,
    byline_prefetch,
    public_q,
)
from .workflow import Transition

__all__ = [
    "FormerAddress",
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
    "public_q",
    "Quote",
    "QuoteQuerySet",
    "Source",
    "SourceQuerySet",
    "confirmed_quotes_prefetch",
    "quoted_sources",
    "Correction",
    "CorrectionQuerySet",
    "Revision",
    "SourceListing",
    "SourceListingQuerySet",
    "Transition",
]
