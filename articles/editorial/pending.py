"""Staged changes to a live story: a pending version that readers do not see until it goes live.

Saving the form of a live story (published, its time come) keeps the words in the story's one
pending version (a `Revision` marked pending) and leaves the story row, which is what readers
see, as it was. "Publish changes" copies the pending words into the story through the one write
path (`record_save`); "Discard" drops them. A pending version with a go-live time is what
readers see from that time, decided at query time like scheduled publication (`overlay_due`),
with no job to run; the next write to the story, or an editor opening it, makes it the story's
own (`settle`). A reporter's changes are `submitted`: an editor publishes them. The editors are
told when they are submitted, and the reporter when they are published, scheduled or
discarded (notifications.notify_changes), with the editor's note.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..caching import invalidation
from ..models import Revision, Story
from .notifications import notify_changes
from .revisions import compare, current_state, ensure_baseline
from .workflow import record_save, record_transition

# What a pending version holds; everything else on the form (filing, bylines, status, times,
# the lead image with its alt text, caption and credit, which go together) is saved to the
# story at once as before. The words only, so readers never see half an edit.
STAGED_FIELDS = ("headline", "standfirst", "body", "dateline", "seo_description", "updated_at")


def stages(story):
    """Does saving this story's form stage the words? Only while readers can see the story."""
    return story.pk is not None and story.is_public


def pending_version(story):
    return Revision.pending_versions.filter(story=story.pk).select_related("user").first()


def staged_values(story):
    return {name: getattr(story, name) for name in STAGED_FIELDS}


def show(story, pending):
    """Put the pending version's words on `story` (in memory): the form edits them, staff
    preview shows them, and readers see them once their go-live time has come."""
    for name in STAGED_FIELDS:
        setattr(story, name, getattr(pending, name))
    story.__dict__.pop("lead_image", None)
    return story


@transaction.atomic
def stage(story, user, values, *, go_live_at=None, submitted=False, note=""):
    """Keep `values` (STAGED_FIELDS) as `story`'s pending version, replacing any earlier one.

    `story` is the row as saved (the live words). Returns the pending revision, or None when
    the values are the live words and no go-live time is asked for (nothing left to stage)."""
    ensure_baseline(story.pk)
    before = Revision.pending_versions.filter(story=story.pk).first()
    live = staged_values(story)
    if values == live and go_live_at is None:
        if before is not None:
            discard(story, user)
        return None
    state = current_state(story)
    for name, value in values.items():
        setattr(state, name, value)
    fields = {
        name: getattr(state, name) for name in (f.name for f in Revision._meta.concrete_fields)
    }
    fields.pop("id")
    fields["created"] = timezone.now()  # when the pending version was last saved
    fields |= {
        "story": story,
        "pending": True,
        "go_live_at": go_live_at,
        "submitted": submitted,
        "user": user if user is not None and user.is_authenticated else None,
        "summary": "Pending changes" + (" submitted for review" if submitted else ""),
    }
    pending, _ = Revision.pending_versions.update_or_create(story=story, defaults=fields)
    if submitted and not (before and before.submitted):
        record_transition(
            story, user, story.status, story.status, note or "Changes submitted for review."
        )
        notify_changes("submitted", story, user, pending, note)
    else:
        if note.strip():
            record_transition(story, user, story.status, story.status, note)
        if before and before.submitted and not submitted and go_live_at is not None:
            notify_changes("scheduled", story, user, pending, note)  # an editor scheduled them
    invalidation.pending_changed(before and before.go_live_at, pending.go_live_at)
    return pending


@transaction.atomic
def publish_changes(story, user, *, summary="Published pending changes"):
    """Make the pending version what readers see: a new revision through the one write path.
    Returns that revision, or None when there was nothing pending (already published)."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    pending = Revision.pending_versions.select_for_update().filter(story=story).first()
    if pending is None:
        return None
    for name in STAGED_FIELDS:
        setattr(story, name, getattr(pending, name))
    story.save()
    pending.delete()
    invalidation.pending_changed(pending.go_live_at, None)
    return record_save(story, user, from_status=story.status, summary=summary)


def published_with_form(story, user, pending, note=""):
    """The change form saved the words to the story itself ("Publish changes", or a save
    that took the story off the site): drop the pending version it showed. A reporter who
    submitted it is told that readers see it now, with the editor's `note`."""
    Revision.pending_versions.filter(story=story).delete()
    invalidation.pending_changed(pending.go_live_at, None)
    if pending.submitted and story.is_public:
        record_transition(story, user, story.status, story.status, "Submitted changes published.")
        notify_changes("published", story, user, pending, note)


@transaction.atomic
def discard(story, user, note=""):
    """Drop the pending version: readers saw none of it, so nothing of theirs changes. A
    reporter who submitted it is told, with the editor's `note` (kept in the history too)."""
    pending = Revision.pending_versions.filter(story=story.pk).select_related("user").first()
    if pending is None:
        return False
    pending.delete()
    invalidation.pending_changed(pending.go_live_at, None)
    note = note.strip()
    record_transition(
        story, user, story.status, story.status,
        "Pending changes discarded." + (f" {note}" if note else ""),
    )  # fmt: skip
    if pending.submitted and (user is None or pending.user_id != user.pk):
        notify_changes("discarded", story, user, pending, note)
    return True


def settle(story):
    """If the story's pending version has reached its go-live time, make it the story's own
    (readers already see it: `overlay_due`). Called before anything edits the story."""
    due = Revision.pending_versions.due().filter(story=story.pk).select_related("user").first()
    if due is None:
        return None
    at = timezone.localtime(due.go_live_at).strftime("%d %b %Y %H:%M")
    return publish_changes(story, due.user, summary=f"Scheduled changes went live at {at}")


def due_exists():
    """An annotation: does the story have a pending version whose go-live time has come?
    (The story page asks in its one query, and loads the version only when there is one.)"""
    return Exists(Revision.pending_versions.due().filter(story=OuterRef("pk")))


def overlay_due(stories, now=None):
    """Readers' view of `stories` (public ones): each shows its pending version once that
    version's go-live time has come. One query for any number of stories."""
    stories = [story for story in stories if story is not None]
    if not stories:
        return stories
    due = Revision.pending_versions.due(now).filter(story__in=[s.pk for s in stories])
    by_story = {pending.story_id: pending for pending in due}
    for story in stories:
        if story.pk in by_story:
            show(story, by_story[story.pk])
    return stories


def comparison(story, pending):
    """What the pending version changes, word by word, against the live story."""
    return compare(current_state(story), pending)
