"""Who has a story open in the admin: "Anna is also editing this story".

Kept in the Django cache (Redis in production, shared by all app servers), one small dict per
story, each entry expiring after PRESENCE_SECONDS. The change form refreshes its entry while it
stays open (articles/static/articles/presence.js), so a closed tab drops out on its own.
Losing an entry to a concurrent write costs one heartbeat; the version check, not this notice,
is what actually protects the text.
"""

import time

from django.core.cache import cache

PRESENCE_SECONDS = 5 * 60
HEARTBEAT_SECONDS = 60


def _key(story_pk):
    return f"story-presence:{story_pk}"


def _name(user):
    return user.get_full_name() or user.get_username()


def _fresh(entries, now):
    return {uid: (name, at) for uid, (name, at) in entries.items() if now - at < PRESENCE_SECONDS}


def touch(story_pk, user):
    """Note that `user` has the story open; return the names of the others who have."""
    now = time.time()
    entries = _fresh(cache.get(_key(story_pk), {}), now)
    entries[user.pk] = (_name(user), now)
    cache.set(_key(story_pk), entries, PRESENCE_SECONDS)
    return others(entries, user)


def look(story_pk, user):
    """The others who have the story open, without counting `user` (who can only read it)."""
    return others(_fresh(cache.get(_key(story_pk), {}), time.time()), user)


def leave(story_pk, user):
    entries = cache.get(_key(story_pk), {})
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(story_pk), entries, PRESENCE_SECONDS)


def others(entries, user):
    """Names of the other people, most recently seen first, with seconds since seen."""
    now = time.time()
    return [
        {"name": name, "seconds_ago": int(now - at)}
        for uid, (name, at) in sorted(entries.items(), key=lambda item: -item[1][1])
        if uid != user.pk
    ]
