"""What the front page, a section's pins, the related stories and the breaking strip show.

Cost is fixed whatever the archive's size: every query here is an index walk bounded by the
number of slots, never a scan of the published stories (the front page once numbered every
published story per section with a window function: 529 ms at 20,000 stories).

- Front page: the editors' picks in force (one query), the newest stories to fill the lead
  and top slots (one), the newest few of each section for its block (one UNION of one small
  index walk per section), and the bylines of everything shown (one).
- Related stories: the editor's choices, then the newest stories sharing a tag or a quoted
  source (one query: a UNION of the choices and one small walk per tag and source), and
  their bylines (one).
"""

from django.db import connections
from django.db.models import F, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.query import prefetch_related_objects
from django.utils import timezone

from . import navigation
from .caching.invalidation import SITE
from .caching.surfaces import cached
from .models import (
    BreakingNews,
    FrontPick,
    Quote,
    RelatedStory,
    SectionPin,
    SourceListing,
    Story,
    byline_prefetch,
    public_q,
)
from .models.front import active_q

TOP_STORIES = 6
PER_SECTION = 3
RELATED = 4
MAX_RELATED_FACETS = 12  # tags and sources a story's automatic related stories are drawn from
CARD_DEFERS = ("body", "search_vector")  # what a story card never shows: the bulk of a row
ARRANGED = ("section", "headline", "published_at")


def arrangement(now=None, picks=None, cards=True):
    """{"lead", "top", "section_blocks"} for the front page. `picks` replaces the stored picks
    (the admin's preview of an arrangement not yet saved): [(place, section_id, story_id)].
    With `cards`, each story comes with its cards (`with_cards`)."""
    now = now or timezone.now()
    # What arranging needs of a story: its cards come from their snapshots (`with_cards`).
    published = Story.objects.filter(public_q(now)).only(*ARRANGED)
    if picks is None:
        picks = list(
            FrontPick.objects.filter(active_q(now), public_q(now, prefix="story__"))
            .select_related("story")
            .only("place", "section", "position", *(f"story__{name}" for name in ARRANGED))
            .order_by("position", "pk")
        )
        chosen = [(pick.place, pick.section_id, pick.story) for pick in picks]
    else:
        ids = {story_id for _, _, story_id in picks}
        stories = published.in_bulk(ids) if ids else {}
        chosen = [(p, s, stories[pk]) for p, s, pk in picks if pk in stories]
    shown = set()

    def take(stories, count):
        taken = []
        for story in stories:
            if len(taken) < count and story.pk not in shown:
                shown.add(story.pk)
                taken.append(story)
        return taken

    lead_picks = [story for place, _, story in chosen if place == FrontPick.Place.LEAD]
    top_picks = [story for place, _, story in chosen if place == FrontPick.Place.TOP]
    block_picks = {}
    for place, section_id, story in chosen:
        if place == FrontPick.Place.SECTION:
            block_picks.setdefault(section_id, []).append(story)
    # Enough of the newest to fill the lead and top slots whatever the picks hold.
    newest = list(published.order_by("-published_at", "-pk")[: 1 + TOP_STORIES + len(chosen)])
    lead = take(lead_picks, 1) or take(newest, 1)
    top = take(top_picks, TOP_STORIES)
    top += take(newest, TOP_STORIES - len(top))
    sections = navigation.sections()
    picked = {
        section.pk: take(block_picks.get(section.pk, []), PER_SECTION) for section in sections
    }
    fill = section_newest(published, sections, shown, now)
    blocks = []
    for section in sections:
        stories = picked[section.pk]
        stories += take(fill.get(section.pk, []), PER_SECTION - len(stories))
        if stories:
            blocks.append((section, stories))
    everything = lead + top + [story for _, stories in blocks for story in stories]
    if cards:
        with_cards(everything, now)
    return {"lead": lead[0] if lead else None, "top": top, "section_blocks": blocks}


def with_cards(stories, now):
    """Give each of `stories` its `cards` ({shape: html}, articles/snapshots/cards.py), read
    in one query."""
    from .snapshots import cards

    found = cards.by_id([story.pk for story in stories], now)
    for story in stories:
        story.cards = found[story.pk].cards if story.pk in found else {}


def front_page(request=None):
    """The front page for readers: where each story goes, cached while no public story, pick
    or section changes and never past the next scheduled edge (a pick expiring, a story
    going out), then the cards of those stories, read in one query."""
    from .caching.invalidation import FRONT, STORIES
    from .caching.pages import BUILD, seconds_until_next_scheduled_change
    from .snapshots import cards

    def layout():
        arranged = arrangement(cards=False)
        lead = arranged["lead"]
        return {
            "lead": lead.pk if lead else None,
            "top": [story.pk for story in arranged["top"]],
            "section_blocks": [
                (section.pk, [story.pk for story in stories])
                for section, stories in arranged["section_blocks"]
            ],
        }

    def timeout(value):
        return max(1, int(seconds_until_next_scheduled_change()))

    shown = cached(f"front:{BUILD}", [STORIES, FRONT, SITE], layout, timeout)
    ids = [shown["lead"], *shown["top"]] if shown["lead"] else []
    ids += [pk for _, pks in shown["section_blocks"] for pk in pks]
    found = cards.by_id(ids)
    sections = {section.pk: section for section in navigation.sections(request)}
    blocks = [
        (sections[section_id], [found[pk] for pk in pks if pk in found])
        for section_id, pks in shown["section_blocks"]
        if section_id in sections
    ]
    return {
        "lead": found.get(shown["lead"]),
        "top": [found[pk] for pk in shown["top"] if pk in found],
        "section_blocks": [(section, stories) for section, stories in blocks if stories],
    }


def section_newest(published, sections, shown, now):
    """{section id: its newest public stories}, enough of each to fill its block after
    leaving out those `shown` elsewhere: one query, one bounded index walk per section."""
    if not sections:
        return {}
    walks = [
        # Each story shown elsewhere can take at most one place of a section's block.
        Story.objects.filter(public_q(now), section_id=section.pk)
        .order_by("-published_at", "-pk")
        .values("pk")[: PER_SECTION + len(shown)]
        for section in sections
    ]
    ids = union_of(*walks)
    found = {}
    for story in published.filter(pk__in=ids).order_by("-published_at", "-pk"):
        found.setdefault(story.section_id, []).append(story)
    return found


def union_of(*querysets):
    """A subquery of the rows of one-column `querysets` (each may be sliced), one UNION ALL:
    each part keeps its own index walk, where an OR of IN-subqueries would not."""
    connection = connections[querysets[0].db]
    parts, params = [], []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS {connection.ops.quote_name(f'u{number}')}")
        params += part_params
    return RawSQL(" UNION ALL ".join(parts), params)


def active_pins(section, now=None):
    """The section's pins in force (the listing reads their stories with its page's own)."""
    return SectionPin.objects.filter(active_q(now), section=section)


def related_stories(story, tag_ids, source_ids, now=None):
    """What to read next under `story`: the editor's choices first (in their order), then the
    newest public stories sharing a tag or a quoted source with it; RELATED at most, in two
    queries (the stories, their bylines) whatever the archive holds."""
    now = now or timezone.now()
    links = RelatedStory.objects.filter(story=story)
    # Every editor's choice can be a story the walks also find, hence the margin.
    candidates = shared_facet_story_ids(tag_ids, source_ids, RELATED * 2 + 1, now, links)
    chosen_at = Subquery(links.filter(related=OuterRef("pk")).values("position")[:1])
    stories = list(
        Story.objects.filter(public_q(now), pk__in=candidates)
        .exclude(pk=story.pk)
        .annotate(chosen_at=chosen_at)
        .select_related("section", "lead_image")
        .defer(*CARD_DEFERS)
        .order_by(F("chosen_at").asc(nulls_last=True), "-published_at", "-pk")[:RELATED]
    )
    if stories:
        prefetch_related_objects(stories, byline_prefetch())
    return stories


def shared_facet_story_ids(tag_ids, source_ids, per_facet, now, links):
    """A subquery of story ids: the editor's `links`, and the newest `per_facet` public
    stories of each tag and source.

    On PostgreSQL tags read FacetListing and sources SourceListing (each a (facet, date)
    index walk of `per_facet` rows); on SQLite the stories with the link tables."""
    from .models import FacetListing

    connection = connections[Story.objects.db]
    kept = connection.vendor == "postgresql"
    walks = []
    for tag_id in list(tag_ids)[:MAX_RELATED_FACETS]:
        if kept:
            rows = FacetListing.objects.filter(public_q(now), kind="tag", facet_id=tag_id)
            walks.append(rows.order_by("-published_at", "-story_id").values("story_id"))
        else:
            rows = Story.objects.filter(public_q(now), tags=tag_id)
            walks.append(rows.order_by("-published_at", "-pk").values("pk"))
    for source_id in list(source_ids)[: max(0, MAX_RELATED_FACETS - len(walks))]:
        if kept:
            rows = SourceListing.objects.filter(public_q(now), source_id=source_id)
            walks.append(rows.order_by("-published_at", "-story_id").values("story_id"))
        else:
            quoting = Quote.objects.confirmed().filter(source_id=source_id).values("story_id")
            rows = Story.objects.filter(public_q(now), pk__in=quoting)
            walks.append(rows.order_by("-published_at", "-pk").values("pk"))
    return union_of(links.values("related_id")[:RELATED], *(walk[:per_facet] for walk in walks))


# --- The breaking-news strip ---------------------------------------------------------------


def breaking(now=None):
    """The strip showing now, or None: from the cache (kept while "site" keeps its version;
    every change to a strip bumps it), so no query per page. The cache holds every strip not
    yet ended, and which one shows is decided here, so a strip's start and end need no bump
    (pages never outlive them: articles/caching/pages.py)."""
    now = now or timezone.now()
    for strip in cached("breaking-news", [SITE], _not_ended, None):
        if strip.starts_at <= now and (strip.ends_at is None or strip.ends_at > now):
            return strip
    return None


def _not_ended():
    return list(BreakingNews.objects.not_ended().order_by("starts_at")[:20])
