"""SourceListing is PostgreSQL's alone: on SQLite the listing reads stories and quotes directly.

Databases migrated before may still hold the SQLite triggers of an earlier 0009 (and their
rows); both go, so no later migration that rebuilds the story table trips over them.
"""

from django.db import migrations

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS articles_source_listing_quote_insert",
    "DROP TRIGGER IF EXISTS articles_source_listing_quote_update",
    "DROP TRIGGER IF EXISTS articles_source_listing_quote_delete",
    "DROP TRIGGER IF EXISTS articles_source_listing_story_update",
    "DELETE FROM articles_sourcelisting",
]


def drop_sqlite_copy(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_image_renditions"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_copy, migrations.RunPython.noop, elidable=False),
    ]
