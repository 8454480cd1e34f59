"""The triggers that keep `SourceListing` (articles/models/source_listing.py) current.

The rules, the same on PostgreSQL and SQLite:
- a quote becomes confirmed (inserted, or its status, source or story changed): the (source,
  story) pair gets its row, with the story's status, times and section copied;
- a quote stops being confirmed, is deleted or moves: the old pair loses its row unless
  another confirmed quote of that story still names that source;
- a story's status, publication or withdrawal time or section changes: its rows follow.

`install(connection)` is idempotent; `rebuild(connection)` recomputes every row from the quotes
(the migration's backfill, and a repair if the table was ever written by hand).
"""

COLUMNS = "source_id, story_id, status, published_at, withdraw_at, section_id"
TRIGGERS = (
    "articles_source_listing_quote_insert",
    "articles_source_listing_quote_update",
    "articles_source_listing_quote_delete",
    "articles_source_listing_story_update",
)

REBUILD = [
    "DELETE FROM articles_sourcelisting",
    f"""INSERT INTO articles_sourcelisting ({COLUMNS})
    SELECT DISTINCT q.source_id, s.id, s.status, s.published_at, s.withdraw_at, s.section_id
    FROM articles_quote AS q JOIN articles_story AS s ON s.id = q.story_id
    WHERE q.status = 'confirmed' AND q.source_id IS NOT NULL""",
]


def _drop_unless_confirmed(row):
    """Delete the pair of `row` (OLD) unless a confirmed quote still links them."""
    return f"""DELETE FROM articles_sourcelisting
        WHERE source_id = {row}.source_id AND story_id = {row}.story_id
        AND NOT EXISTS (
            SELECT 1 FROM articles_quote AS q
            WHERE q.source_id = {row}.source_id AND q.story_id = {row}.story_id
            AND q.status = 'confirmed'
        )"""


STORY_COPY = (
    "status = NEW.status, published_at = NEW.published_at, "
    "withdraw_at = NEW.withdraw_at, section_id = NEW.section_id"
)
STORY_CHANGED = (
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM "
    "NEW.published_at OR OLD.withdraw_at IS DISTINCT FROM NEW.withdraw_at "
    "OR OLD.section_id IS DISTINCT FROM NEW.section_id"
)
QUOTE_CHANGED = (
    "(OLD.status = 'confirmed' OR NEW.status = 'confirmed') AND (OLD.status IS DISTINCT FROM "
    "NEW.status OR OLD.source_id IS DISTINCT FROM NEW.source_id "
    "OR OLD.story_id IS DISTINCT FROM NEW.story_id)"
)

# PostgreSQL: FOR SHARE on the story makes a concurrent change to the story wait for this
# transaction (or this insert wait for it, and then read the story as changed), so a row is
# never left with the story's old status.
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION articles_source_listing_quote_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'confirmed' THEN
            {_drop_unless_confirmed("OLD")};
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'confirmed'
                AND NEW.source_id IS NOT NULL THEN
            INSERT INTO articles_sourcelisting ({COLUMNS})
            SELECT NEW.source_id, s.id, s.status, s.published_at, s.withdraw_at, s.section_id
            FROM (SELECT * FROM articles_story WHERE id = NEW.story_id FOR SHARE) AS s
            ON CONFLICT (source_id, story_id) DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION articles_source_listing_story_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE articles_sourcelisting SET {STORY_COPY} WHERE story_id = NEW.id;
        RETURN NULL;
    END $$""",
    *(f"DROP TRIGGER IF EXISTS {name} ON articles_quote" for name in TRIGGERS[:3]),
    f"DROP TRIGGER IF EXISTS {TRIGGERS[3]} ON articles_story",
    f"""CREATE TRIGGER {TRIGGERS[0]} AFTER INSERT ON articles_quote
    FOR EACH ROW WHEN (NEW.status = 'confirmed')
    EXECUTE FUNCTION articles_source_listing_quote_trigger()""",
    f"""CREATE TRIGGER {TRIGGERS[1]} AFTER UPDATE OF status, source_id, story_id
    ON articles_quote FOR EACH ROW WHEN ({QUOTE_CHANGED})
    EXECUTE FUNCTION articles_source_listing_quote_trigger()""",
    f"""CREATE TRIGGER {TRIGGERS[2]} AFTER DELETE ON articles_quote
    FOR EACH ROW WHEN (OLD.status = 'confirmed')
    EXECUTE FUNCTION articles_source_listing_quote_trigger()""",
    f"""CREATE TRIGGER {TRIGGERS[3]}
    AFTER UPDATE OF status, published_at, withdraw_at, section_id ON articles_story
    FOR EACH ROW WHEN ({STORY_CHANGED})
    EXECUTE FUNCTION articles_source_listing_story_trigger()""",
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON articles_quote" for name in TRIGGERS[:3]),
    f"DROP TRIGGER IF EXISTS {TRIGGERS[3]} ON articles_story",
    "DROP FUNCTION IF EXISTS articles_source_listing_quote_trigger()",
    "DROP FUNCTION IF EXISTS articles_source_listing_story_trigger()",
]


def _sqlite_insert(row):
    return f"""INSERT OR IGNORE INTO articles_sourcelisting ({COLUMNS})
        SELECT {row}.source_id, s.id, s.status, s.published_at, s.withdraw_at, s.section_id
        FROM articles_story AS s
        WHERE s.id = {row}.story_id AND {row}.status = 'confirmed'
        AND {row}.source_id IS NOT NULL"""


# SQLite has no IS DISTINCT FROM before 3.39; IS NOT is the same comparison there.
SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TRIGGERS[0]} AFTER INSERT ON articles_quote
    FOR EACH ROW WHEN NEW.status = 'confirmed'
    BEGIN {_sqlite_insert("NEW")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TRIGGERS[1]}
    AFTER UPDATE OF status, source_id, story_id ON articles_quote
    FOR EACH ROW WHEN {QUOTE_CHANGED.replace("IS DISTINCT FROM", "IS NOT")}
    BEGIN {_drop_unless_confirmed("OLD")}; {_sqlite_insert("NEW")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TRIGGERS[2]} AFTER DELETE ON articles_quote
    FOR EACH ROW WHEN OLD.status = 'confirmed'
    BEGIN {_drop_unless_confirmed("OLD")}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TRIGGERS[3]}
    AFTER UPDATE OF status, published_at, withdraw_at, section_id ON articles_story
    FOR EACH ROW WHEN {STORY_CHANGED.replace("IS DISTINCT FROM", "IS NOT")}
    BEGIN UPDATE articles_sourcelisting SET {STORY_COPY} WHERE story_id = NEW.id; END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]


def _run(connection, statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection):
    _run(connection, POSTGRESQL if connection.vendor == "postgresql" else SQLITE)


def uninstall(connection):
    _run(connection, POSTGRESQL_DROP if connection.vendor == "postgresql" else SQLITE_DROP)


def sqlite_set_aside(apps, schema_editor):
    """For migrations that rebuild the story table on SQLite, which its triggers forbid: run
    this before (and `sqlite_put_back` after) the operations, both ways round."""
    if schema_editor.connection.vendor == "sqlite":
        uninstall(schema_editor.connection)


def sqlite_put_back(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        install(schema_editor.connection)


def rebuild(connection):
    _run(connection, REBUILD)


def installed(connection):
    """The names of this module's triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s)", [list(TRIGGERS)])
        else:
            names = ", ".join(["%s"] * len(TRIGGERS))
            cursor.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})",
                list(TRIGGERS),
            )
        return {name for (name,) in cursor.fetchall()}


def ensure_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver: put back triggers a SQLite table rebuild dropped, and resync.

    When SQLite alters a table in a way ALTER TABLE cannot, Django copies it into a new table
    and drops the old one, and its triggers with it. Nothing can have changed quotes or
    stories between that migration and this check except migrations, so a rebuild is exact.
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    if "articles_sourcelisting" not in connection.introspection.table_names():
        return  # migrated backwards past 0009
    if installed(connection) != set(TRIGGERS):
        install(connection)
        rebuild(connection)
