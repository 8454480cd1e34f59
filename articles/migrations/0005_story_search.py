"""Full-text search: a stored search vector per story, GIN-indexed on PostgreSQL.

The column exists on every database (SQLite stores it as an unused NULL column); the GIN index
and the backfill are PostgreSQL-only, so they run in RunPython steps that check the vendor.
Migration 0006 replaces this backfill expression with triggers and `articles_story_document()`.
"""

import django.contrib.postgres.search
from django.db import migrations, models

BACKFILL = """
UPDATE articles_story AS story SET search_vector =
    setweight(to_tsvector('english', COALESCE(story.headline, '')), 'A')
    || setweight(to_tsvector('english', COALESCE((
        SELECT string_agg(source.name, ' ')
        FROM articles_quote AS quote JOIN articles_source AS source ON source.id = quote.source_id
        WHERE quote.story_id = story.id AND quote.status = 'confirmed'
    ), '')), 'B')
    || setweight(to_tsvector('english', COALESCE(story.standfirst, '')), 'B')
    || setweight(to_tsvector('english', COALESCE(story.body, '')), 'C')
"""


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BACKFILL)
    schema_editor.execute(
        "CREATE INDEX story_search_vector_idx ON articles_story USING gin (search_vector)"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS story_search_vector_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="story",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False,
                help_text="PostgreSQL full-text index of the story (see articles/search.py); "
                "unused on SQLite. Kept current by save(); its GIN index is created by "
                "migration 0005.",
                null=True,
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index),
        # Replaced by a wider index that also serves the listing's count and facets.
        migrations.RemoveIndex(model_name="story", name="story_status_pub_idx"),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(
                fields=["status", "-published_at", "-id", "section", "withdraw_at"],
                name="story_public_list_idx",
            ),
        ),
    ]
