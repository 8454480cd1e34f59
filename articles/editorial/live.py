"""Autosave and the live blog: the rules behind admin/live.py.

Autosave keeps one private slot per person and story (Autosave), overwritten as they type,
never a revision; saving the form clears it. The live blog is a story with `live_since` set:
its updates are LiveUpdate rows, and starting or ending the coverage is a save of the story
through the one write path.
"""

from django.db import transaction
from django.utils import timezone

from ..models import Autosave, Revision, Story
from .revisions import compare
from .workflow import record_save

AUTOSAVED_FIELDS = ("headline", "standfirst", "body", "dateline")
LIMITS = {"headline": 200, "dateline": 80, "standfirst": 5_000, "body": 1_000_000}
AUTOSAVE_REFUSED = "The text is too long to autosave; save the story to keep it."


def autosave(user, story, data):
    """Keep what `user` typed in `story`'s form (None: a new story). Returns the slot, or None
    when the text cannot be kept (too long for its field)."""
    values = {name: str(data.get(name, ""))[: LIMITS[name] + 1] for name in AUTOSAVED_FIELDS}
    if any(len(values[name]) > LIMITS[name] for name in AUTOSAVED_FIELDS):
        return None
    version = data.get("loaded_version")
    values["version"] = int(version) if str(version or "").isdigit() else None
    values["saved_at"] = timezone.now()
    slot, _ = Autosave.objects.update_or_create(user=user, story=story, defaults=values)
    return slot


def autosave_for(user, story):
    return Autosave.objects.filter(user=user, story=story).first()


def restore(story, slot):
    """Put the autosaved words on `story` (in memory): the form shows them, saving keeps them."""
    for name in AUTOSAVED_FIELDS:
        setattr(story, name, getattr(slot, name))
    return story


def clear_autosave(user, story):
    Autosave.objects.filter(user=user, story=story).delete()


def differs(slot, shown):
    """Is the autosaved text other than what the form shows (`shown`: the story as loaded)?"""
    slot.body = slot.body or ""
    return any(
        (getattr(slot, name) or "") != (getattr(shown, name, "") or "") for name in AUTOSAVED_FIELDS
    )


def comparison(shown, slot):
    """The word diff from the form's text (`shown`) to the autosaved text."""

    def words(source):
        return Revision(**{name: getattr(source, name, "") or "" for name in AUTOSAVED_FIELDS})

    return compare(words(shown), words(slot))


# --- The live blog ---


@transaction.atomic
def set_coverage(story, user, *, live):
    """Start (or resume) or end the story's live coverage: a save through the one write path."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    now = timezone.now()
    if live:
        story.live_since = story.live_since or now
        story.live_until = None
        summary = "Live coverage started"
    else:
        story.live_until = now
        summary = "Live coverage ended"
    story.save()
    return record_save(story, user, from_status=story.status, summary=summary)
