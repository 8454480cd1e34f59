"""A lookup table of (source, story) pairs for the listing's source filter, kept by triggers.

See articles/models/source_listing.py for why. PostgreSQL only: on SQLite the listing reads the
stories and quotes directly (migration 0012 removes the triggers an earlier version of this
migration put there). The rules the triggers keep:
- a quote becomes confirmed (inserted, or its status, source or story changed): the (source,
  story) pair gets its row, with the story's status, times and section copied;
- a quote stops being confirmed, is deleted or moves: the old pair loses its row unless
  another confirmed quote of that story still names that source;
- a story's status, publication or withdrawal time or section changes: its rows follow.
FOR SHARE on the story makes a concurrent change to the story wait for the quote's transaction
(or the insert wait for it, and then read the story as changed), so a row is never left with
the story's old status. The table is filled from the confirmed quotes already recorded.
"""

from django.db import migrations, models

CREATE = [
    """CREATE OR REPLACE FUNCTION articles_source_listing_quote_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'confirmed' THEN
            DELETE FROM articles_sourcelisting
        WHERE source_id = OLD.source_id AND story_id = OLD.story_id
        AND NOT EXISTS (
            SELECT 1 FROM articles_quote AS q
            WHERE q.source_id = OLD.source_id AND q.story_id = OLD.story_id
            AND q.status = 'confirmed'
        );
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'confirmed'
                AND NEW.source_id IS NOT NULL THEN
            INSERT INTO articles_sourcelisting (source_id, story_id, status, published_at, withdraw_at, section_id)
            SELECT NEW.source_id, s.id, s.status, s.published_at, s.withdraw_at, s.section_id
            FROM (SELECT * FROM articles_story WHERE id = NEW.story_id FOR SHARE) AS s
            ON CONFLICT (source_id, story_id) DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION articles_source_listing_story_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE articles_sourcelisting SET status = NEW.status, published_at = NEW.published_at, withdraw_at = NEW.withdraw_at, section_id = NEW.section_id WHERE story_id = NEW.id;
        RETURN NULL;
    END $$""",
    """DROP TRIGGER IF EXISTS articles_source_listing_quote_insert ON articles_quote""",
    """DROP TRIGGER IF EXISTS articles_source_listing_quote_update ON articles_quote""",
    """DROP TRIGGER IF EXISTS articles_source_listing_quote_delete ON articles_quote""",
    """DROP TRIGGER IF EXISTS articles_source_listing_story_update ON articles_story""",
    """CREATE TRIGGER articles_source_listing_quote_insert AFTER INSERT ON articles_quote
    FOR EACH ROW WHEN (NEW.status = 'confirmed')
    EXECUTE FUNCTION articles_source_listing_quote_trigger()""",
    """CREATE TRIGGER articles_source_listing_quote_update AFTER UPDATE OF status, source_id, story_id
    ON articles_quote FOR EACH ROW WHEN ((OLD.status = 'confirmed' OR NEW.status = 'confirmed') AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.source_id IS DISTINCT FROM NEW.source_id OR OLD.story_id IS DISTINCT FROM NEW.story_id))
    EXECUTE FUNCTION articles_source_listing_quote_trigger()""",
    """CREATE TRIGGER articles_source_listing_quote_delete AFTER DELETE ON articles_quote
    FOR EACH ROW WHEN (OLD.status = 'confirmed')
    EXECUTE FUNCTION articles_source_listing_quote_trigger()""",
    """CREATE TRIGGER articles_source_listing_story_update
    AFTER UPDATE OF status, published_at, withdraw_at, section_id ON articles_story
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at OR OLD.withdraw_at IS DISTINCT FROM NEW.withdraw_at OR OLD.section_id IS DISTINCT FROM NEW.section_id)
    EXECUTE FUNCTION articles_source_listing_story_trigger()""",
]

DROP = [
    """DROP TRIGGER IF EXISTS articles_source_listing_quote_insert ON articles_quote""",
    """DROP TRIGGER IF EXISTS articles_source_listing_quote_update ON articles_quote""",
    """DROP TRIGGER IF EXISTS articles_source_listing_quote_delete ON articles_quote""",
    """DROP TRIGGER IF EXISTS articles_source_listing_story_update ON articles_story""",
    """DROP FUNCTION IF EXISTS articles_source_listing_quote_trigger()""",
    """DROP FUNCTION IF EXISTS articles_source_listing_story_trigger()""",
]

REBUILD = [
    """DELETE FROM articles_sourcelisting""",
    """INSERT INTO articles_sourcelisting (source_id, story_id, status, published_at, withdraw_at, section_id)
    SELECT DISTINCT q.source_id, s.id, s.status, s.published_at, s.withdraw_at, s.section_id
    FROM articles_quote AS q JOIN articles_story AS s ON s.id = q.story_id
    WHERE q.status = 'confirmed' AND q.source_id IS NOT NULL""",
]



def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE + REBUILD:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_quote_verbatim"),
    ]

    operations = [
        migrations.CreateModel(
            name="SourceListing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("source_id", models.BigIntegerField()),
                ("story_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=10)),
                ("published_at", models.DateTimeField(null=True)),
                ("withdraw_at", models.DateTimeField(null=True)),
                ("section_id", models.BigIntegerField()),
            ],
            options={
                "default_permissions": (),
                "indexes": [
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
                    models.Index(fields=["story_id"], name="source_listing_story_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source_id", "story_id"), name="source_listing_pair"
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
