"""Search folds accents on PostgreSQL: "tromso" finds "Tromsø".

`unaccent` (a trusted extension since PostgreSQL 13: the database's owner may create it) becomes
a filter before English stemming in a search configuration of our own, `articles_english`.
`articles_story_document()` (migration 0006, called by the triggers) builds every vector in it,
every stored vector is rebuilt, and queries use it too (articles/listing/search.py), so
documents and queries are folded alike. SQLite folds in Python instead (articles/listing/
folding.py), so there is nothing to do there.
"""

from django.db import migrations

DOCUMENT = """
CREATE OR REPLACE FUNCTION articles_story_document(
    story_id bigint, headline text, standfirst text, body text
) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('{config}', COALESCE(headline, '')), 'A')
        || setweight(to_tsvector('{config}', COALESCE((
            SELECT string_agg(source.name, ' ' ORDER BY quote.position, quote.id)
            FROM articles_quote AS quote
            JOIN articles_source AS source ON source.id = quote.source_id
            WHERE quote.story_id = $1 AND quote.status = 'confirmed'
        ), '')), 'B')
        || setweight(to_tsvector('{config}', COALESCE(standfirst, '')), 'B')
        -- The parser skips HTML tags and entities: the sanitised body is used as stored.
        || setweight(to_tsvector('{config}', COALESCE(body, '')), 'C')
$$;

UPDATE articles_story
SET search_vector = articles_story_document(id, headline, standfirst, body);
"""

FOLDING = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION articles_english (COPY = english);
-- Words with letters outside ASCII lose their accents before stemming; ASCII words need not.
ALTER TEXT SEARCH CONFIGURATION articles_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
""" + DOCUMENT.format(config="articles_english")

# Back to migration 0006's document. The extension stays: something else may use it.
UNFOLDING = DOCUMENT.format(config="english") + """
DROP TEXT SEARCH CONFIGURATION IF EXISTS articles_english;
"""


def fold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FOLDING)


def unfold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNFOLDING)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_appeal_copy_in_words"),
    ]

    operations = [
        migrations.RunPython(fold, unfold),
    ]
