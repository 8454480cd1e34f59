"""Which appeal a page shows: the same for every reader of the page, so pages stay cacheable.

Views choose a page's appeals (`for_story`, `for_page`) and pass them to the template, which only
renders them. One appeal per placement: of those that fit the page, the highest priority (then
the latest start). Selection costs one query, or none when the cache has it: it is kept while
the page's appeal surfaces (caching/invalidation.py) keep their versions, so an appeal change
reaches exactly the pages it targets, and for `SELECTION_TTL` seconds at most (appeals that
start within that time are fetched too and shown from their start). What *this* reader sees
is decided in the browser (articles/static/articles/appeals.js). An appeal with the bandit on
gets its weights from bandit.py (the cache, recomputed every few minutes).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from ..caching.invalidation import appeal_slots
from ..caching.pages import declare
from ..caching.surfaces import cached
from ..models import Appeal, AppealVariant
from .bandit import with_bandit_weights
from .blocks import appeal_html

SELECTION_TTL = 60
VARIANT_FIELDS = ("pk", "name", "heading", "greeting", "body", "cta_label", "weight")


@dataclass(frozen=True)
class PageAppeals:
    """At most one appeal per placement for one page."""

    end: Appeal | None = None
    inline: Appeal | None = None
    banner: Appeal | None = None
    surfaces: list = field(default_factory=list)  # what the page depends on for them

    def __bool__(self):
        return any((self.end, self.inline, self.banner))


def select_for_page(section_id, tag_ids, now=None):
    """The best appeal for each placement on a page in `section_id` with `tag_ids`."""
    now = now or timezone.now()
    tag_ids = sorted(set(tag_ids))
    tags_key = hashlib.blake2b(",".join(map(str, tag_ids)).encode(), digest_size=8).hexdigest()
    surfaces = appeal_slots(section_id, tag_ids)
    candidates = cached(
        f"appeals:page:{section_id or '-'}:{tags_key}",
        surfaces,
        lambda: _candidates(section_id, tag_ids, now),
        SELECTION_TTL,
        shared=True,  # read only: with_bandit_weights changes a copy (bandit.py)
    )
    chosen = {}
    for appeal in candidates:
        if appeal.is_showing_at(now) and appeal.placement not in chosen:
            chosen[appeal.placement] = with_bandit_weights(appeal)
    return PageAppeals(**chosen, surfaces=surfaces)


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
    for appeal in appeals.values():
        appeal_html(appeal, False)  # rendered now, so that the cache keeps the HTML
    return list(appeals.values())


def for_story(story):
    """The appeals a story page shows, one per placement."""
    return select_for_page(story.section_id, [tag.pk for tag in story.tags.all()])


def for_page(section=None):
    """The appeals any other public page shows (the site-wide banner, mostly)."""
    return select_for_page(section.pk if section else None, [])


def in_context(request, *, story=None, section=None):
    """The page's appeals for its template (`appeals`), declared as surfaces of the page."""
    chosen = for_story(story) if story is not None else for_page(section)
    declare(request, *chosen.surfaces)
    return {"appeals": chosen}
