"""TagPairCount: how many standing stories of the whole archive and of each tag, author and
source listing carry each (other) tag, per section and over all sections (section 0).

PostgreSQL only, like ListingCount (0031): statement triggers on FacetListing and SourceListing,
whose copies of the story's columns their own triggers keep current, see every row a statement
changed (transition tables) and add, in the same transaction, the difference between the changed
stories' pairs after the statement and before it. A pair is a standing row of the story (tag,
author or source) and a standing tag row of the same story, not the same tag; the whole
archive's are its standing tag rows. A statement sees
the other table as it is, so a story update that changes both tables one after the other adds
up to the right counts. The counts are filled from what is already recorded.
"""

from django.db import migrations, models



STANDING = "{0}.status = 'published' AND {0}.published_at IS NOT NULL AND {0}.withdraw_at IS NULL"

# A story's listing rows as one relation: (kind, facet_id, story_id, section_id, standing).
ROWS = f"""
    SELECT f.kind, f.facet_id, f.story_id, f.section_id, {STANDING.format("f")} AS standing
    FROM articles_facetlisting AS f WHERE f.story_id IN (SELECT story_id FROM touched)
    UNION ALL
    SELECT 'source', l.source_id, l.story_id, l.section_id, {STANDING.format("l")}
    FROM articles_sourcelisting AS l WHERE l.story_id IN (SELECT story_id FROM touched)"""

# Per table: its rows' (kind, facet) as the relation names them, and "r is a row of n".
TABLES = {
    "facetlisting": ("{0}.kind, {0}.facet_id", "n.kind = r.kind AND n.facet_id = r.facet_id"),
    "sourcelisting": ("'source', {0}.source_id", "r.kind = 'source' AND n.source_id = r.facet_id"),
}
EVENTS = {"insert": ("n",), "delete": ("o",), "update": ("n", "o")}

PAIRS = """
    sides AS (
        SELECT 1 AS d, * FROM now_rows WHERE standing
        UNION ALL SELECT -1, * FROM before_rows WHERE standing
    ),
    pairs AS (
        SELECT a.d, a.kind, a.facet_id, b.facet_id AS tag_id, b.section_id
        FROM sides AS a JOIN sides AS b ON b.story_id = a.story_id AND b.d = a.d
            AND b.kind = 'tag' AND NOT (a.kind = 'tag' AND a.facet_id = b.facet_id)
        UNION ALL  -- the whole archive's (kind "all", facet 0): every standing tag row
        SELECT d, 'all', 0, facet_id, section_id FROM sides WHERE kind = 'tag'
    )
    INSERT INTO articles_tagpaircount (kind, facet_id, section_id, tag_id, stories)
    SELECT kind, facet_id, v.section_id, tag_id, SUM(d)
    FROM pairs CROSS JOIN LATERAL (VALUES (pairs.section_id), (0)) AS v (section_id)
    GROUP BY kind, facet_id, v.section_id, tag_id HAVING SUM(d) <> 0
    ON CONFLICT (kind, facet_id, section_id, tag_id)
    DO UPDATE SET stories = articles_tagpaircount.stories + EXCLUDED.stories"""


def function(table, event):
    """The statement trigger function for `event` on `table`: pairs after less pairs before."""
    facet, is_new = TABLES[table]
    tables = EVENTS[event]
    changed = " UNION ".join(f"SELECT story_id FROM {t}" for t in tables)
    before = ["SELECT * FROM now_rows AS r"]
    if "n" in tables:
        before[0] += f" WHERE NOT EXISTS (SELECT 1 FROM n WHERE n.story_id = r.story_id AND {is_new})"
    if "o" in tables:
        before.append(
            f"SELECT {facet.format('o')}, o.story_id, o.section_id, {STANDING.format('o')} FROM o"
        )
    return f"""CREATE OR REPLACE FUNCTION articles_tag_pairs_{table}_{event}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        WITH touched AS ({changed}),
        now_rows AS ({ROWS}),
        before_rows AS ({" UNION ALL ".join(before)}),{PAIRS};
        RETURN NULL;
    END $$"""


def trigger(table, event):
    tables = EVENTS[event]
    referencing = " ".join(
        f"{'NEW' if t == 'n' else 'OLD'} TABLE AS {t}" for t in tables
    )
    return f"""CREATE TRIGGER articles_tag_pairs_{event} AFTER {event.upper()}
    ON articles_{table} REFERENCING {referencing}
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tag_pairs_{table}_{event}()"""


CREATE = [
    *(function(table, event) for table in TABLES for event in EVENTS),
    *(trigger(table, event) for table in TABLES for event in EVENTS),
    f"""WITH touched AS (SELECT id AS story_id FROM articles_story),
    now_rows AS ({ROWS}),
    before_rows AS (SELECT * FROM now_rows WHERE false),{PAIRS}""",
    "ANALYZE articles_tagpaircount",
]

DROP = [
    *(
        f"DROP TRIGGER IF EXISTS articles_tag_pairs_{event} ON articles_{table}"
        for table in TABLES
        for event in EVENTS
    ),
    *(
        f"DROP FUNCTION IF EXISTS articles_tag_pairs_{table}_{event}()"
        for table in TABLES
        for event in EVENTS
    ),
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0033_tag_facet_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='TagPairCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('all', 'All stories'), ('tag', 'Tag'), ('author', 'Author'), ('source', 'Source')], max_length=6)),
                ('facet_id', models.BigIntegerField(help_text='The tag, author or source; 0 for all stories.')),
                ('section_id', models.BigIntegerField(help_text='0 for all sections.')),
                ('tag_id', models.BigIntegerField(help_text='The other tag its stories carry.')),
                ('stories', models.IntegerField(default=0)),
            ],
            options={
                'default_permissions': (),
                'indexes': [models.Index(fields=['kind', 'facet_id', 'section_id', '-stories', 'tag_id'], name='tag_pair_count_top_idx')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'facet_id', 'section_id', 'tag_id'), name='tag_pair_count_key')],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
