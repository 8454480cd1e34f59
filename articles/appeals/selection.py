"""Which appeal a page shows: the same for every reader of the page, so pages stay cacheable.

Selection costs one query, or none when Django's cache has it. The cache is invalidated
whenever an appeal or variant changes (a new "generation" key), and entries live
`SELECTION_TTL` seconds at most. What *this* reader sees is decided in the browser
(articles/static/articles/appeals.js).
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from ..models import Appeal, AppealVariant

SELECTION_TTL = 60
GENERATION_KEY = "appeals:generation"
VARIANT_FIELDS = ("pk", "name", "heading", "greeting", "body", "cta_label", "weight")


@dataclass(frozen=True)
class PageAppeals:
    """At most one appeal per placement for one page."""

    end: Appeal | None = None
    inline: Appeal | None = None
    banner: Appeal | None = None

    def __bool__(self):
        return any((self.end, self.inline, self.banner))


# --- Selection ---------------------------------------------------------------------------


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def forget_selection():
    """Make every cached selection stale: called whenever an appeal or variant changes."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def select_for_page(section_id, tag_ids, now=None):
    """The best appeal for each placement on a page in `section_id` with `tag_ids`."""
    now = now or timezone.now()
    tag_ids = sorted(set(tag_ids))
    tags_key = hashlib.blake2b(",".join(map(str, tag_ids)).encode(), digest_size=8).hexdigest()
    key = f"appeals:{_generation()}:page:{section_id or '-'}:{tags_key}"
    candidates = cache.get(key)
    if candidates is None:
        candidates = _candidates(section_id, tag_ids, now)
        cache.set(key, candidates, SELECTION_TTL)
    chosen = {}
    for appeal in candidates:
        if appeal.is_showing_at(now):
            chosen.setdefault(appeal.placement, appeal)
    return PageAppeals(**chosen)


def _candidates(section_id, tag_ids, now):
    """One query: live appeals that fit the page and show now or within the cache's lifetime,
    by priority, each with its variants (a LEFT JOIN, one row per variant)."""
    rows = (
        Appeal.objects.live(now, starting_within=timedelta(seconds=SELECTION_TTL))
        .targeting(section_id, tag_ids)
        .annotate(**{f"variant_{field}": F(f"variants__{field}") for field in VARIANT_FIELDS})
        .order_by("-priority", "-starts_at", "pk", "variants__pk")
    )
    appeals = {}
    for row in rows:
        appeal = appeals.setdefault(row.pk, row)
        if not hasattr(appeal, "display_variants"):
            appeal.display_variants = []
        if row.variant_pk is not None:
            appeal.display_variants.append(
                AppealVariant(
                    appeal_id=row.pk, **{f: getattr(row, f"variant_{f}") for f in VARIANT_FIELDS}
                )
            )
    return list(appeals.values())


def for_story(story):
    """The appeals a story page shows, one per placement."""
    return select_for_page(story.section_id, [tag.pk for tag in story.tags.all()])


def for_page(section=None):
    """The appeals any other public page shows (the site-wide banner, mostly)."""
    return select_for_page(section.pk if section else None, [])
