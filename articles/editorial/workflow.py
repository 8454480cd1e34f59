"""Moving stories between draft, review, published and withdrawn, on the record.

The one write path for stories: whatever saves a story (the admin's form, its list actions,
the importer, restoring a revision) then calls `record_save`, which keeps the revision, the
status change and its note, the address the story left (addresses.py) and says what changed,
and e-mails whoever the change concerns (notifications.py); and whatever changes a story's
status takes the fields that go with it from `publication_fields`.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..addresses import keep_former
from ..caching import invalidation
from ..models import Author, Byline, Image, Revision, Section, Story, Tag, Transition
from . import notifications
from .revisions import current_state, ensure_baseline, snapshot


def needs_note(from_status, to_status):
    """Does this move need a note? Sending a story back (to draft from anything else) tells the
    reporter what to do; withdrawing says why. One rule for the form, the list and the buttons."""
    if to_status == Story.Status.WITHDRAWN:
        return from_status != Story.Status.WITHDRAWN
    return to_status == Story.Status.DRAFT and from_status not in ("", Story.Status.DRAFT)


NOTE_NEEDED = {
    Story.Status.DRAFT: "Say what needs doing before it can be published: the reporter sees "
    "this note.",
    Story.Status.WITHDRAWN: "Say why the story is withdrawn: the note is kept in its history.",
}


def record_transition(story, user, from_status, to_status, note="", show_note=False):
    """Keep a status change with its note, or a note on its own (a save that changes no status
    but says something: "Also check the headline"), in the story's workflow history.

    `show_note`: a withdrawal's note is shown to readers at the story's address."""
    if from_status == to_status and not note.strip():
        return None
    return Transition.objects.create(
        story=story,
        user=user if user is not None and user.is_authenticated else None,
        from_status=from_status or "",
        to_status=to_status,
        note=note,
        shown_to_readers=show_note and to_status == Story.Status.WITHDRAWN,
    )


def publication_fields(to_status, published_at, withdraw_at, now=None, publish_now=False):
    """What moving a story to `to_status` sets besides its status: publishing without a time
    means now, and a withdrawal time already past is dropped (publishing means "on the site").
    `publish_now` brings a publication time still to come (a schedule) forward to now.
    """
    changes = {}
    if to_status == Story.Status.PUBLISHED:
        now = now or timezone.now()
        if published_at is None or (publish_now and published_at > now):
            changes["published_at"] = now
        if withdraw_at is not None and withdraw_at <= now:
            changes["withdraw_at"] = None
    return changes


def record_save(
    story, user, *, from_status, created=False, note="", show_note=False, corrections=(),
    summary="",
):  # fmt: skip
    """After `story` (with its bylines, tags, quotes and corrections) was saved: keep its
    revision, record the status change with its note, and link new corrections to the revision.

    Returns the revision; its summary says what changed ("Draft → In review; correction added").
    """
    previous = Revision.objects.filter(story=story, number__lt=story.version).first()
    revision = snapshot(
        story, user, summary or _summary(from_status, story.status, created, corrections)
    )
    for correction in corrections:
        if correction.revision_id is None:
            correction.revision = revision
            correction.created_by = user if user is not None and user.is_authenticated else None
            correction.save(update_fields=["revision", "created_by"])
    transition = record_transition(story, user, from_status, story.status, note, show_note)
    keep_former(story, previous)  # old links keep working after a slug or date change
    notifications.notify(story, user, transition, previous)
    # Bylines and tags may have been written in bulk, unseen by the signals.
    invalidation.story_related_changed(story.pk)
    return revision


def _summary(from_status, to_status, created, corrections):
    parts = []
    if created:
        parts.append("Created")
    elif from_status != to_status:
        parts.append(f"{Story.Status(from_status).label} → {Story.Status(to_status).label}")
    else:
        parts.append("Edited")
    if corrections:
        kinds = sorted({c.get_kind_display().lower() for c in corrections})
        parts.append(" and ".join(kinds) + " added")
    return "; ".join(parts)


@transaction.atomic
def change_status(stories, to_status, user, note="", show_note=False, publish_now=False):
    """Move each story to `to_status` (the admin's publish, send-back and withdraw actions).

    Each story gets a transition and a revision, and its version goes up so an editor with the
    story open cannot save a stale status over this one. A move that needs a note (see
    `needs_note`) is refused without one. `publish_now`: scheduled stories go live now too.
    Returns the number of stories changed.
    """
    now = timezone.now()
    moved = 0
    # The admin's queryset may be DISTINCT (a search across bylines), which cannot be locked:
    # lock the same stories by primary key, in a fixed order so two actions cannot deadlock.
    pks = list(stories.values_list("pk", flat=True))
    locked = Story.objects.filter(pk__in=pks).order_by("pk").select_for_update()
    for story in locked.select_related("section"):
        fields = publication_fields(
            to_status, story.published_at, story.withdraw_at, now, publish_now
        )
        if story.status == to_status and not fields:
            continue
        if needs_note(story.status, to_status) and not note.strip():
            raise ValueError(f"{NOTE_NEEDED[to_status]} (story {story.pk})")
        ensure_baseline(story.pk)
        from_status, was_scheduled = story.status, story.is_scheduled
        before = invalidation.story_fields(story)
        changes = {"status": to_status, "version": F("version") + 1, "modified": now, **fields}
        Story.objects.filter(pk=story.pk).update(**changes)
        story.refresh_from_db()
        invalidation.story_changed(story.pk, before, invalidation.story_fields(story))
        summary = f"{Story.Status(to_status).label} from the story list"
        if was_scheduled and story.is_public:
            summary = "Published now, ahead of its schedule"
        record_save(story, user, from_status=from_status, note=note, show_note=show_note,
                    summary=summary)  # fmt: skip
        moved += 1
    return moved


# What restoring a revision puts back as it was; everything else about the story stays.
RESTORED_WORDS = ("headline", "standfirst", "body", "dateline", "seo_description")


@dataclass
class RestorePlan:
    """What restoring a revision would do to a story as it is now (`plan_restore`)."""

    fields: dict  # story attributes to set
    section: Section | None  # None: the revision's section is gone, the current one stays
    tag_ids: list
    bylines: list  # the revision's bylines whose authors still exist
    skipped: list  # what no longer exists, in words ("tag Budget")


def plan_restore(story, revision):
    """The one rule for what `restore` brings back, shared by the restore page's preview.

    Publication state and times are not restored: bringing back old words must not unpublish,
    reschedule or rename (slug) a live story. Authors, tags or a section deleted since are
    skipped, and so is a lead image deleted from the library (the current image stays).
    """
    fields = {name: getattr(revision, name) for name in RESTORED_WORDS}
    skipped = []
    image = _restored_lead_image(story, revision)
    if image is None:
        skipped.append(f"lead image {revision.lead_image_title}")
    else:
        fields |= image
    section = Section.objects.filter(pk=revision.section.get("id")).first()
    if section is None:
        skipped.append(f"section {revision.section.get('name')}")
    tag_ids = [tag["id"] for tag in revision.tags]
    existing_tags = set(Tag.objects.filter(pk__in=tag_ids).values_list("pk", flat=True))
    skipped += [f"tag {t['name']}" for t in revision.tags if t["id"] not in existing_tags]
    author_ids = {b["author_id"] for b in revision.bylines}
    existing_authors = set(Author.objects.filter(pk__in=author_ids).values_list("pk", flat=True))
    skipped += [
        f"author {b['author']}" for b in revision.bylines if b["author_id"] not in existing_authors
    ]
    return RestorePlan(
        fields=fields,
        section=section,
        tag_ids=[pk for pk in tag_ids if pk in existing_tags],
        bylines=[b for b in revision.bylines if b["author_id"] in existing_authors],
        skipped=skipped,
    )


def restore_preview(story, revision):
    """The story as restoring `revision` would leave it, as an unsaved revision, and the plan:
    what the restore page compares with the current version."""
    plan = plan_restore(story, revision)
    preview = current_state(story)
    for name, value in plan.fields.items():
        setattr(preview, name, value)
    if "lead_image_id" in plan.fields:
        preview.lead_image_title = revision.lead_image_title
    if plan.section is not None:
        preview.section = {"id": plan.section.pk, "name": plan.section.name}
    tags = Tag.objects.filter(pk__in=plan.tag_ids).order_by("name")
    preview.tags = [{"id": tag.pk, "name": tag.name} for tag in tags]
    names = dict(
        Author.objects.filter(pk__in=[b["author_id"] for b in plan.bylines]).values_list(
            "pk", "name"
        )
    )
    labels = dict(Byline.Role.choices)
    preview.bylines = [
        b | {"author": names[b["author_id"]], "role_label": labels.get(b["role"], b["role"])}
        for b in sorted(plan.bylines, key=lambda b: b["position"])
    ]
    return preview, plan


@transaction.atomic
def restore(story, revision, user):
    """Put `revision`'s words, lead image, filing and bylines back (see `plan_restore`); the
    result is a new revision, whose summary names anything skipped."""
    ensure_baseline(story.pk)
    # Work on the row as it is now (and hold it), not on a copy loaded earlier in the request.
    story = Story.objects.select_for_update().get(pk=story.pk)
    plan = plan_restore(story, revision)
    for name, value in plan.fields.items():
        setattr(story, name, value)
    if plan.section is not None:
        story.section = plan.section
    story.save()
    story.tags.set(plan.tag_ids)
    story.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(story=story, author_id=b["author_id"], role=b["role"], position=b["position"])
        for b in plan.bylines
    )
    summary = f"Restored revision {revision.number}"
    if plan.skipped:
        summary += " (no longer exists: " + ", ".join(plan.skipped) + ")"
    return record_save(story, user, from_status=story.status, summary=summary)


def _restored_lead_image(story, revision):
    """The revision's library image (its alt text, caption and credit go with it); None if
    it has been deleted from the library since."""
    pk = revision.lead_image_id
    if pk is not None and not Image.objects.filter(pk=pk).exists():
        pk = None  # deleted since this copy of the revision was read
    if pk is None and revision.lead_image_title:
        return None
    return {"lead_image_id": pk}
