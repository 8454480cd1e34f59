"""Which stories quote which source, with what the listing needs of each story: a lookup table.

One row per (source, story) pair where the story holds at least one *confirmed* quote from the
source, carrying a copy of the story's status, publication and withdrawal times and section.
The listing filtered by a source (and the source's own page) reads its count, section facets and
page of story ids from this table alone, in date order from one index (see
`articles.listing.filters.StoryFilter.in_order`), instead of checking each of the source's quotes
against the stories: that costs in proportion to the archive (issue 5).

Nothing in Python writes it. On PostgreSQL, database triggers (migration 0009) keep it current
whatever changes a quote or a story, including `QuerySet.update()`, bulk inserts and deletes.
On SQLite, the embedded default for small sites, it stays empty and the listing reads the
stories and quotes directly: SQLite would drop such triggers whenever a migration rebuilds the
story table, a trap for every later migration.
"""

from django.db import models

from .stories import public_q


class SourceListingQuerySet(models.QuerySet):
    def published(self, now=None):
        """Rows whose story is public (at `now`): `public_q`, on the copies of the story's
        columns."""
        return self.filter(public_q(now))


class SourceListing(models.Model):
    """A source quoted (confirmed) in a story, with copies of the story's listing columns."""

    source_id = models.BigIntegerField()
    story_id = models.BigIntegerField()
    # Copies of the story's columns of the same names, kept current by triggers.
    status = models.CharField(max_length=10)
    published_at = models.DateTimeField(null=True)
    withdraw_at = models.DateTimeField(null=True)
    section_id = models.BigIntegerField()

    objects = SourceListingQuerySet.as_manager()

    class Meta:
        default_permissions = ()  # maintained by the database; nobody edits it
        constraints = [
            models.UniqueConstraint(fields=["source_id", "story_id"], name="source_listing_pair")
        ]
        indexes = [
            # A source's public stories in listing order, with everything the count and the
            # section facets read: an index-only scan.
            models.Index(
                fields=[
                    "source_id",
                    "status",
                    "-published_at",
                    "-story_id",
                    "section_id",
                    "withdraw_at",
                ],
                name="source_listing_order_idx",
            ),
            # For the story trigger: a story's rows, when its status, times or section change.
            models.Index(fields=["story_id"], name="source_listing_story_idx"),
        ]

    def __str__(self):
        return f"source {self.source_id} in story {self.story_id}"


class FacetListing(models.Model):
    """A story filed under a tag or bylined to an author, with copies of the story's listing
    columns: SourceListing's twin for tags and authors, kept by PostgreSQL triggers (migration
    0031) and empty on SQLite. The tag and author pages, the listing filtered by one tag or
    author, and related stories read a facet's newest stories from its index alone, instead
    of joining the link table to every story of a busy tag."""

    class Kind(models.TextChoices):
        TAG = "tag", "Tag"
        AUTHOR = "author", "Author"

    kind = models.CharField(max_length=6, choices=Kind)
    facet_id = models.BigIntegerField()
    story_id = models.BigIntegerField()
    status = models.CharField(max_length=10)
    published_at = models.DateTimeField(null=True)
    withdraw_at = models.DateTimeField(null=True)
    section_id = models.BigIntegerField()

    objects = SourceListingQuerySet.as_manager()

    class Meta:
        default_permissions = ()  # maintained by the database; nobody edits it
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "facet_id", "story_id"], name="facet_listing_triple"
            )
        ]
        indexes = [
            models.Index(
                fields=[
                    "kind",
                    "facet_id",
                    "status",
                    "-published_at",
                    "-story_id",
                    "section_id",
                    "withdraw_at",
                ],
                name="facet_listing_order_idx",
            ),
            models.Index(fields=["story_id"], name="facet_listing_story_idx"),
            # The exact tag facets' corrections (articles/listing/window.py: exact_tags): the
            # facets' standing stories still scheduled, and those with a withdrawal time to
            # come, as two short ranges whatever the archive's size.
            models.Index(
                fields=["kind", "status", "published_at", "withdraw_at", "facet_id", "section_id"],
                name="facet_listing_scheduled_idx",
            ),
            models.Index(
                fields=["kind", "withdraw_at", "status", "published_at", "facet_id", "section_id"],
                name="facet_listing_leaving_idx",
                condition=models.Q(withdraw_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.facet_id} on story {self.story_id}"


class ListingCount(models.Model):
    """How many stories a listing holds, per section: the whole archive (kind "all"), a tag,
    an author or a source, kept by PostgreSQL triggers (migration 0031) and empty on SQLite.

    It counts *standing* stories (published, with a publication time and no withdrawal time)
    and nothing time-dependent, so no clock has to update it. The public count of a listing
    is this count, less its standing stories still scheduled, plus its published stories
    whose withdrawal time is still to come: both are read from the few stories with a time
    in the future (articles/listing/window.py), whatever the archive's size.
    """

    class Kind(models.TextChoices):
        ALL = "all", "All stories"
        TAG = "tag", "Tag"
        AUTHOR = "author", "Author"
        SOURCE = "source", "Source"

    kind = models.CharField(max_length=6, choices=Kind)
    facet_id = models.BigIntegerField(help_text="The tag, author or source; 0 for all stories.")
    section_id = models.BigIntegerField()
    stories = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()  # maintained by the database; nobody edits it
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "facet_id", "section_id"], name="listing_count_key"
            )
        ]
        indexes = [
            # Every tag's count in one section (the section's tag facets), an index-only range.
            models.Index(
                fields=["kind", "section_id", "facet_id", "stories"],
                name="listing_count_section_idx",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.facet_id} in section {self.section_id}: {self.stories}"


class TagPairCount(models.Model):
    """How many standing stories of a listing (the whole archive, a tag, an author or a source)
    carry each (other) tag, per section and (section 0) over all sections: ListingCount's
    counts one facet further, kept by PostgreSQL statement triggers on FacetListing and
    SourceListing (migration 0034) and empty on SQLite.

    The tag facets of the whole archive, a section and the listing filtered by one tag, author
    or source (in a section or not; their pages too) come from here, exact, reading the
    listing's few most frequent tags from the top of one index range rather than every tag's
    count or the tags of its newest TAG_WINDOW stories (articles/listing/window.py:
    exact_tags).
    """

    kind = models.CharField(max_length=6, choices=ListingCount.Kind)
    facet_id = models.BigIntegerField(help_text="The tag, author or source; 0 for all stories.")
    section_id = models.BigIntegerField(help_text="0 for all sections.")
    tag_id = models.BigIntegerField(help_text="The other tag its stories carry.")
    stories = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()  # maintained by the database; nobody edits it
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "facet_id", "section_id", "tag_id"], name="tag_pair_count_key"
            )
        ]
        indexes = [
            # A listing's tags, most frequent first: the top of one range.
            models.Index(
                fields=["kind", "facet_id", "section_id", "-stories", "tag_id"],
                name="tag_pair_count_top_idx",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.facet_id} with tag {self.tag_id} in {self.section_id}"
