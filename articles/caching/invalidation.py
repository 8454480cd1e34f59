"""The one invalidation rule: which surfaces each page shows, and which each change touches.

Pages (views, feeds, sitemaps) and changes (articles/signals.py, the write path) both name their
surfaces with the functions here, so the two sides cannot drift apart.

Surfaces:
- "site": what every page shows: the sections (navigation), and the names of tags, authors and
  sources wherever they appear. Every page depends on it.
- "stories": every list of stories not tied to one facet: the front page, /stories/ whatever
  its filters, the main feed, the sitemaps, the corrections page.
- "front": the front page's arrangement (the editors' picks).
- "story-<id>": one story's page; "section-/tag-/author-/source-<id>": one facet's lists (its
  page, its feed, the listing filtered by it).
- "appeals", "appeals-section-<id>", "appeals-tag-<id>": pages whose appeal slots an appeal
  may fill (everywhere; in a section; on stories with a tag); "appeals-registry": the appeals
  the beacon endpoint accepts (no page shows it).
- "schedule": when the next scheduled publication, withdrawal or appeal window edge comes.
- "any" (surfaces.ANY): bumped with every change; the surface of a page that declares none.

Changes:
- A draft's save, a revision, a transition, presence, counters: nothing.
- A public story changes, or becomes or stops being public: its page and every list it is or
  was in (its section, tags, authors, quoted sources, "stories", "corrections").
- A section, or the public name of a tag, author or source: "site" (every page).
- A confirmed quote, a byline, a correction on a public story: as the story.
- A library image's file, words or focal point, or its renditions being built: as every
  public story showing it (lead image, in the body, or leading a related story in a body).
- An appeal or variant: the pages it targets, before and after the change.
- A pending version of a live story: nothing, until it is published (then: as the story); its
  go-live time is a scheduled edge ("schedule").
- A live-blog update: the story's page (and its poll endpoint), if readers see the story.
- A front page pick: "front"; a section pin: that section's lists; an editor's related story:
  the story's page (if public); a breaking-news strip: "site". Each also moves "schedule"
  (their expiry, start and end times are edges).
A scheduled edge passing needs no bump: cached pages never outlive the next one (pages.py).
"""

from django.db.models import Q

from . import surfaces

SITE, STORIES, CORRECTIONS, APPEALS = "site", "stories", "corrections", "appeals"
FRONT = "front"
APPEALS_REGISTRY, SCHEDULE = "appeals-registry", "schedule"
# What readers can see of each model, besides stories (see story_fields below).
PUBLIC_FIELDS = {
    "articles.tag": ("name", "slug"),
    "articles.author": ("name", "slug", "job_title", "bio"),
    "articles.source": ("name", "slug", "kind", "role", "affiliation", "description"),
}
STORY_FIELDS = (
    "headline", "slug", "standfirst", "body", "dateline", "section_id", "status", "published_at",
    "withdraw_at", "updated_at", "lead_image_id", "seo_description", "live_since", "live_until",
)  # fmt: skip
# What readers can see of a library image (its renditions are announced by their task).
IMAGE_FIELDS = ("file", "alt_text", "caption", "credit", "focal_x", "focal_y")
SCHEDULE_FIELDS = ("status", "published_at", "withdraw_at")
QUOTE_FIELDS = ("status", "source_id", "story_id", "text", "kind", "verbatim", "described_as",
                "position", "unnamed")  # fmt: skip
APPEAL_FIELDS = ("status", "starts_at", "ends_at")


def changed(*names, cdn=True):
    """Readers can see a change to the surfaces `names`: the page cache's versions (and the
    CDN) follow once the transaction commits, and the snapshots of the story pages among them
    (articles/snapshots) are outdated in the transaction itself."""
    from ..snapshots.store import outdated

    outdated(names)
    surfaces.changed(*names, cdn=cdn)


# --- What pages show ----------------------------------------------------------------------


def facet(kind, pk):
    """The lists of one section, tag, author or source."""
    return f"{kind}-{pk}"


def story_page(story):
    return f"story-{story.pk}"


def appeal_slots(section_id=None, tag_ids=()):
    """The appeal surfaces of a page in `section_id` showing `tag_ids`."""
    names = [APPEALS]
    if section_id is not None:
        names.append(f"appeals-section-{section_id}")
    names += [f"appeals-tag-{pk}" for pk in sorted(set(tag_ids))]
    return names


# --- What changes touch -------------------------------------------------------------------


def is_public(values):
    """`Story.is_public` (the one-story form of `public_q`) for a dict of a story's fields."""
    from ..models import Story

    return Story(**{name: values[name] for name in SCHEDULE_FIELDS}).is_public


def story_fields(story):
    return {name: getattr(story, name) for name in STORY_FIELDS}


def story_lists(story_id, *, sections=(), tags=(), authors=(), sources=()):
    """Every surface showing the story `story_id`: its page, and the lists it is in (the
    sections, tags, authors and sources given, plus its current ones)."""
    from ..models import Byline, Quote, Story

    tagged = Story.tags.through.objects.filter(story_id=story_id)
    links = {
        "section": Story.objects.filter(pk=story_id).values_list("section_id", flat=True),
        "tag": tagged.values_list("tag_id", flat=True),
        "author": Byline.objects.filter(story_id=story_id).values_list("author_id", flat=True),
        "source": Quote.objects.confirmed()
        .filter(story_id=story_id)
        .values_list("source_id", flat=True),
    }
    given = {"section": sections, "tag": tags, "author": authors, "source": sources}
    names = [f"story-{story_id}", STORIES, CORRECTIONS]
    for kind, current in links.items():
        names += [facet(kind, pk) for pk in {*given[kind], *current} if pk is not None]
    return names


def story_changed(story_id, before, after, *, sections=(), tags=(), authors=()):
    """A story went from `before` to `after` (dicts of STORY_FIELDS; `before` None when new,
    `after` None when deleted): bump what readers could see of it."""
    moved = _schedule_moved(before, after)
    if moved:
        changed(SCHEDULE, cdn=False)
    shown = (before is not None and is_public(before)) or (after is not None and is_public(after))
    # Newly scheduled: its lists are re-rendered now, so that none is kept past its time.
    if (shown or moved) and before != after:
        sections = (*sections, before["section_id"] if before else None)
        changed(*story_lists(story_id, sections=sections, tags=tags, authors=authors))


def _schedule_moved(before, after):
    states = [state for state in (before, after) if state is not None]
    if not any(state["status"] == "published" for state in states):
        return False
    return before is None or after is None or any(before[f] != after[f] for f in SCHEDULE_FIELDS)


def story_related_changed(story_id, **lists):
    """A byline, tag, quote or correction of the story changed: bump it if readers see it."""
    from ..models import Story

    story = Story.objects.filter(pk=story_id).only(*SCHEDULE_FIELDS).first()
    if story is not None and story.is_public:
        changed(*story_lists(story_id, **lists))


def pending_changed(go_live_before, go_live_after):
    """A live story's pending version was saved, published or dropped. Readers see none of it
    until it goes live, but a go-live time that came, went or moved is a scheduled edge."""
    if go_live_before != go_live_after:
        changed(SCHEDULE, cdn=False)


def live_update_changed(story_id):
    """A live-blog update was added, edited, pinned or deleted: the story's page shows it."""
    from ..models import Story

    story = Story.objects.filter(pk=story_id).only(*SCHEDULE_FIELDS).first()
    if story is not None and story.is_public:
        changed(f"story-{story_id}")


def image_changed(image_id):
    """A library image changed or got renditions: bump every public story showing it, and
    the stories whose bodies show those as related stories (their cards carry the image)."""
    from ..models import Story

    public = Story.objects.published()
    leading = set(public.filter(lead_image_id=image_id).values_list("pk", flat=True))
    ids = leading | set(public.filter(image_uses__image_id=image_id).values_list("pk", flat=True))
    if leading:  # a body names a related story as data-story-id="5"
        related = Q()
        for pk in leading:
            related |= Q(body__contains=f'data-story-id="{pk}"')
        ids |= set(public.filter(related).values_list("pk", flat=True))
    for story_id in sorted(ids):
        changed(*story_lists(story_id))


def image_fields(image):
    return {name: str(getattr(image, name)) for name in IMAGE_FIELDS}


def site_changed():
    changed(SITE)


def appeal_targets(appeal_id):
    """The appeal surfaces of the pages the appeal may fill, from its targeting as stored."""
    from ..models import Appeal

    through = {name: getattr(Appeal, name).through.objects.filter(appeal_id=appeal_id)
               for name in ("include_sections", "include_tags")}  # fmt: skip
    sections = list(through["include_sections"].values_list("section_id", flat=True))
    tags = list(through["include_tags"].values_list("tag_id", flat=True))
    if sections:  # a page must be in one of them (tags can only narrow it further)
        return [f"appeals-section-{pk}" for pk in sections]
    if tags:
        return [f"appeals-tag-{pk}" for pk in tags]
    return [APPEALS]


def quote_changed(before, after):
    """A quote went from `before` to `after` (dicts of QUOTE_FIELDS, None when new/deleted).
    Readers see confirmed quotes only: a suggestion coming and going changes nothing."""
    states = [state for state in (before, after) if state is not None]
    if before == after or not any(state["status"] == "confirmed" for state in states):
        return
    sources = [state["source_id"] for state in states]
    for story_id in {state["story_id"] for state in states}:
        story_related_changed(story_id, sources=sources)


def appeal_fields(appeal):
    return {name: getattr(appeal, name) for name in APPEAL_FIELDS}


def appeal_changed(before, after, targets):
    """An appeal (or its copy, variants or targeting) changed from `before` to `after` (dicts
    of APPEAL_FIELDS; None when new or deleted), showing on `targets` before or after."""
    states = [state for state in (before, after) if state is not None]
    live = any(state["status"] == "live" for state in states)
    moved = before is None or after is None or before != after
    changed(APPEALS_REGISTRY, *([SCHEDULE] if live and moved else ()), cdn=False)
    if live:
        changed(*targets)


def front_changed():
    changed(FRONT)
    changed(SCHEDULE, cdn=False)


def pins_changed(section_id):
    changed(facet("section", section_id))
    changed(SCHEDULE, cdn=False)


def related_changed(story_id):
    from ..models import Story

    story = Story.objects.filter(pk=story_id).only(*SCHEDULE_FIELDS).first()
    if story is not None and story.is_public:
        changed(f"story-{story_id}")


def breaking_changed():
    changed(SITE)
    changed(SCHEDULE, cdn=False)
