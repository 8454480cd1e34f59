"""Snapshots: a public story's page rendered once per change, not once per reader.

`StorySnapshot` holds the story page's parts (its blocks of base.html, the appeals left as
slots) rendered at one `version` of the story; `Generation` counts changes to what every page
shows (the "site" surface: sections, names, publisher policies). Both counters live in the
database and are bumped in the transaction of the change (articles/snapshots/store.py), so a
snapshot is current exactly when `built == version` and its `site` is the current generation,
whatever the cache holds or forgets. Its `cards` are the story's cards for list pages, stamped
the same way.
"""

import json

from django.db import models


class JSONText(models.TextField):
    """A JSON value kept as text rather than jsonb: nothing ever queries inside a snapshot, and
    the story page reads one on every request it renders, where PostgreSQL turning jsonb back
    into text cost more of its CPU than the indexed lookup itself (pgbench, the seed's parts:
    0.12-0.17 ms as jsonb, 0.07 ms as text, 0.04 ms for the row without them). Reads through
    the ORM give the value; raw reads give the text (story_page.find and cards parse it)."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Generation(models.Model):
    """A named counter of changes ("site"), read in the same query as a snapshot."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}: {self.value}"


class StorySnapshot(models.Model):
    # No foreign key constraint: a change noticed while its story is being deleted (a quote of
    # it deleted first, say) may bump the snapshot's counter after the snapshot row is gone,
    # and re-create it; the row is then an orphan nobody reads (pages join from the story).
    story = models.OneToOneField(
        "articles.Story",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="snapshot",
        db_constraint=False,
    )
    version = models.PositiveBigIntegerField(
        default=1, help_text="Bumped by every change readers could see on the story's page."
    )
    built = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The version the stored parts show; none yet if empty."
    )
    site = models.PositiveBigIntegerField(default=0, help_text="The site generation built at.")
    build = models.CharField(max_length=16, blank=True, help_text="The code it was built with.")
    parts = JSONText(default=dict, blank=True)
    # The story's cards (articles/snapshots/cards.py), stamped with the version, site
    # generation and build they show; kept apart so a list page reads no page parts.
    cards = JSONText(default=dict, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Snapshot of story {self.story_id} (v{self.built} of {self.version})"
