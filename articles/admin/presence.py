"""Who has a story open in the admin: "Anna is also editing this story".

Kept in the Django cache (Redis in production, shared by all app servers), one small dict per
story, each entry expiring PRESENCE_SECONDS after its last heartbeat. The change form refreshes
its entry every HEARTBEAT_SECONDS while it is open and in view (articles/static/articles/
presence.js) and shows what each heartbeat answers, so someone who closed the story stops being
listed within a minute: their entry expires, and the others' next heartbeat drops the notice.
Losing an entry to a concurrent write costs one heartbeat; the version check, not this notice,
is what actually protects the text.
"""

import time

from django.core.cache import cache

HEARTBEAT_SECONDS = 15
# Two missed heartbeats are forgiven (a slow request, a busy laptop), a third is leaving; and
# expiry plus one heartbeat stays under a minute.
PRESENCE_SECONDS = 3 * HEARTBEAT_SECONDS


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
