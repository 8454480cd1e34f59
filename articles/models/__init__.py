"""The newsroom's models, one module per concept."""

from .addresses import FormerAddress
from .appeals import (
    Appeal,
    AppealCounter,
    AppealCounterQuerySet,
    AppealQuerySet,
    AppealVariant,
    CounterBatch,
)
from .corrections import Correction, CorrectionQuerySet
from .diversity import (
    ConsentRequest,
    SelfIdAnswer,
    SelfIdCategory,
    SelfIdentification,
    SelfIdOption,
    SelfIdSurvey,
)
from .donations import Donation, Reminder
from .front import (
    BreakingNews,
    FrontPage,
    FrontPick,
    LeadPick,
    RelatedStory,
    SectionBlockPick,
    SectionPin,
    TopPick,
)
from .live import Autosave, LiveUpdate, LiveUpdateQuerySet
from .media import Image, ImageQuerySet, ImageUse
from .publisher import PublisherPolicies
from .record import QuoteMatch, QuoteShingle
from .revisions import Revision
from .snapshots import Generation, StorySnapshot
from .source_listing import (
    FacetListing,
    ListingCount,
    SourceListing,
    SourceListingQuerySet,
    TagPairCount,
)
from .sources import (
    Quote,
    QuoteQuerySet,
    Source,
    SourceQuerySet,
    confirmed_quotes_prefetch,
    quoted_sources,
    unnamed_source_count,
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
    "Autosave",
    "LiveUpdate",
    "LiveUpdateQuerySet",
    "BreakingNews",
    "FrontPage",
    "FrontPick",
    "LeadPick",
    "RelatedStory",
    "SectionBlockPick",
    "SectionPin",
    "TopPick",
    "FormerAddress",
    "Generation",
    "StorySnapshot",
    "Image",
    "ImageQuerySet",
    "ImageUse",
    "Appeal",
    "AppealCounter",
    "AppealCounterQuerySet",
    "AppealQuerySet",
    "AppealVariant",
    "CounterBatch",
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
    "unnamed_source_count",
    "QuoteMatch",
    "QuoteShingle",
    "ConsentRequest",
    "SelfIdAnswer",
    "SelfIdCategory",
    "SelfIdentification",
    "SelfIdOption",
    "SelfIdSurvey",
    "PublisherPolicies",
    "Correction",
    "Donation",
    "Reminder",
    "CorrectionQuerySet",
    "Revision",
    "FacetListing",
    "ListingCount",
    "SourceListing",
    "SourceListingQuerySet",
    "TagPairCount",
    "Transition",
]
