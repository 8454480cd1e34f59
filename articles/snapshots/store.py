"""Snapshot versions and rows in the database.

A change readers can see (the invalidation rule's surfaces, caching/invalidation.py) bumps,
in its own transaction, the version of every story page it touches and, for the "site"
surface, the site generation. A snapshot is stored only if the version it was rendered at is
still the current one (`save`), so a render that overlaps a change is never kept: the change
either committed before the render read the story (and the render shows it) or bumped the
version the render started from (and the store finds nothing to update).
"""

import logging

from django.db import connection, transaction
from django.utils import timezone

from ..caching.invalidation import SITE
from ..models import Generation, StorySnapshot

logger = logging.getLogger(__name__)
SNAPSHOTS = StorySnapshot._meta.db_table
GENERATIONS = Generation._meta.db_table


def story_ids(names):
    return sorted({int(name[6:]) for name in names if name[:6] == "story-" and name[6:].isdigit()})


def outdated(names):
    """The surfaces `names` changed (in the current transaction): bump the snapshots' counters
    now, and rebuild the stories' snapshots once the transaction commits."""
    from ..models import Story

    ids = story_ids(names)
    if not ids and SITE not in names:
        return
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                f"INSERT INTO {SNAPSHOTS} (story_id, version, site, build, parts, cards) "
                f"SELECT id, 1, 0, '', '{{}}', '{{}}' FROM {Story._meta.db_table} "
                f"WHERE id IN ({', '.join(['%s'] * len(ids))}) "
                f"ON CONFLICT (story_id) DO UPDATE SET version = {SNAPSHOTS}.version + 1",
                ids,
            )
        if SITE in names:
            cursor.execute(
                f"INSERT INTO {GENERATIONS} (name, value) VALUES (%s, 1) "
                f"ON CONFLICT (name) DO UPDATE SET value = {GENERATIONS}.value + 1",
                [SITE],
            )
    if ids:
        _rebuild_after_commit(ids)


def _rebuild_after_commit(ids):
    from .tasks import rebuild

    if not connection.in_atomic_block:
        _enqueue(rebuild, ids)
        return
    pending = next(
        (f for _, f, _ in connection.run_on_commit if isinstance(f, _Rebuild) and not f.ran), None
    )
    if pending is None:
        pending = _Rebuild(rebuild)
        transaction.on_commit(pending)
    pending.ids |= set(ids)


class _Rebuild:
    def __init__(self, task):
        self.task, self.ids, self.ran = task, set(), False

    def __call__(self):
        self.ran = True
        _enqueue(self.task, sorted(self.ids))


def _enqueue(task, ids):
    try:
        task.enqueue(ids)
    except Exception:  # the queue is down: readers rebuild snapshots on their first visit
        logger.exception("Could not queue the rebuild of story snapshots %s", ids)


def current(story_id):
    """(version, site generation) to render a snapshot of the story at, creating its row."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SNAPSHOTS} (story_id, version, site, build, parts, cards) "
            f"VALUES (%s, 1, 0, '', '{{}}', '{{}}') ON CONFLICT (story_id) DO NOTHING",
            [story_id],
        )
        cursor.execute(
            f"SELECT version, (SELECT value FROM {GENERATIONS} WHERE name = %s) "
            f"FROM {SNAPSHOTS} WHERE story_id = %s",
            [SITE, story_id],
        )
        version, site = cursor.fetchone()
    return version, site or 0


def current_many(story_ids):
    """{story id: (version, site generation)} to render the stories' cards at, creating rows."""
    if not story_ids:
        return {}
    from ..models import Story

    places = ", ".join(["%s"] * len(story_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SNAPSHOTS} (story_id, version, site, build, parts, cards) "
            f"SELECT id, 1, 0, '', '{{}}', '{{}}' FROM {Story._meta.db_table} "
            f"WHERE id IN ({places}) ON CONFLICT (story_id) DO NOTHING",
            list(story_ids),
        )
        cursor.execute(
            f"SELECT story_id, version, (SELECT value FROM {GENERATIONS} WHERE name = %s) "
            f"FROM {SNAPSHOTS} WHERE story_id IN ({places})",
            [SITE, *story_ids],
        )
        return {story_id: (version, site or 0) for story_id, version, site in cursor.fetchall()}


def save(story_id, version, site, build, parts, cards=None):
    """Keep `parts` (and `cards`) as the snapshot of `version`, unless a change has bumped it
    since."""
    values = {"built": version, "site": site, "build": build, "parts": parts}
    if cards is not None:
        values["cards"] = cards
    return bool(
        StorySnapshot.objects.filter(story_id=story_id, version=version).update(
            **values, built_at=timezone.now()
        )
    )


def save_cards(stamped):
    """Keep each story's cards, {story id: (version, cards)}, unless a change has bumped its
    version since: one statement for the batch."""
    if not stamped:
        return
    field = StorySnapshot._meta.get_field("cards")
    cases, where, params, keep = [], [], [], []
    for story_id, (version, cards) in stamped.items():
        cases.append("WHEN %s THEN %s")
        params += [story_id, field.get_db_prep_value(cards, connection)]
        where.append("(story_id = %s AND version = %s)")
        keep += [story_id, version]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SNAPSHOTS} SET cards = CASE story_id {' '.join(cases)} END "
            f"WHERE {' OR '.join(where)}",
            params + keep,
        )
