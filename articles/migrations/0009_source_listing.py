"""A lookup table of (source, story) pairs for the listing's source filter, kept by triggers.

See articles/models/source_listing.py for why, and articles/source_listing_sql.py for the
triggers on both databases. The table is filled from the confirmed quotes already recorded.
"""

from django.db import migrations, models

from articles import source_listing_sql


def install(apps, schema_editor):
    source_listing_sql.install(schema_editor.connection)
    source_listing_sql.rebuild(schema_editor.connection)


def uninstall(apps, schema_editor):
    source_listing_sql.uninstall(schema_editor.connection)


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
