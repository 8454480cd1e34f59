"""Keep every story's search vector current inside PostgreSQL, whatever changed it.

A story's document is its headline (weight A), the names of the sources it quotes in confirmed
quotes and its standfirst (B), and its body (C). Python cannot see every change that matters:
quotes are confirmed by admin bulk actions (`QuerySet.update`), sources are merged or renamed,
stories are bulk-created by importers. Triggers see them all:

- a story's row: recomputed before insert, and before an update of headline, standfirst or body;
- a quote: after insert/delete/update of its status, source or story, if it is or was confirmed,
  its story's vector is recomputed;
- a source: after its name changes, the vectors of stories that quote it (confirmed) are.

`articles_story_document()` is the one definition; `articles.listing.search.refresh_search_vectors()`
calls it for repairs. SQLite has none of this (search there reads the text columns).
"""

import django.contrib.postgres.search
from django.db import migrations

DOCUMENT = """
CREATE OR REPLACE FUNCTION articles_story_document(
    story_id bigint, headline text, standfirst text, body text
) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', COALESCE(headline, '')), 'A')
        || setweight(to_tsvector('english', COALESCE((
            SELECT string_agg(source.name, ' ' ORDER BY quote.position, quote.id)
            FROM articles_quote AS quote
            JOIN articles_source AS source ON source.id = quote.source_id
            WHERE quote.story_id = $1 AND quote.status = 'confirmed'
        ), '')), 'B')
        || setweight(to_tsvector('english', COALESCE(standfirst, '')), 'B')
        -- The parser skips HTML tags and entities: the sanitised body is used as stored.
        || setweight(to_tsvector('english', COALESCE(body, '')), 'C')
$$;

CREATE OR REPLACE FUNCTION articles_story_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := articles_story_document(
        NEW.id, NEW.headline, NEW.standfirst, NEW.body
    );
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION articles_story_refresh(story_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE articles_story
    SET search_vector = articles_story_document(id, headline, standfirst, body)
    WHERE id = ANY(story_ids)
$$;

CREATE OR REPLACE FUNCTION articles_quote_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'confirmed' THEN
            PERFORM articles_story_refresh(ARRAY[NEW.story_id]);
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.status = 'confirmed' THEN
            PERFORM articles_story_refresh(ARRAY[OLD.story_id]);
        END IF;
    ELSIF (OLD.status = 'confirmed' OR NEW.status = 'confirmed')
        AND (OLD.status, OLD.source_id, OLD.story_id)
            IS DISTINCT FROM (NEW.status, NEW.source_id, NEW.story_id) THEN
        PERFORM articles_story_refresh(ARRAY[OLD.story_id, NEW.story_id]);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION articles_source_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM articles_story_refresh(ARRAY(
        SELECT DISTINCT story_id FROM articles_quote
        WHERE source_id = NEW.id AND status = 'confirmed'
    ));
    RETURN NULL;
END $$;

CREATE TRIGGER articles_story_search
    BEFORE INSERT OR UPDATE OF headline, standfirst, body ON articles_story
    FOR EACH ROW EXECUTE FUNCTION articles_story_search_trigger();
CREATE TRIGGER articles_quote_search
    AFTER INSERT OR DELETE OR UPDATE OF status, source_id, story_id ON articles_quote
    FOR EACH ROW EXECUTE FUNCTION articles_quote_search_trigger();
CREATE TRIGGER articles_source_search
    AFTER UPDATE OF name ON articles_source
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION articles_source_search_trigger();

UPDATE articles_story
SET search_vector = articles_story_document(id, headline, standfirst, body);
"""

DROP = """
DROP TRIGGER IF EXISTS articles_source_search ON articles_source;
DROP TRIGGER IF EXISTS articles_quote_search ON articles_quote;
DROP TRIGGER IF EXISTS articles_story_search ON articles_story;
DROP FUNCTION IF EXISTS articles_source_search_trigger();
DROP FUNCTION IF EXISTS articles_quote_search_trigger();
DROP FUNCTION IF EXISTS articles_story_refresh(bigint[]);
DROP FUNCTION IF EXISTS articles_story_search_trigger();
DROP FUNCTION IF EXISTS articles_story_document(bigint, text, text, text);
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOCUMENT)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_story_search"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AlterField(
            model_name="story",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False,
                help_text="PostgreSQL full-text document of the story, kept current by database "
                "triggers (migration 0006, articles/search.py); unused on SQLite.",
                null=True,
            ),
        ),
    ]
