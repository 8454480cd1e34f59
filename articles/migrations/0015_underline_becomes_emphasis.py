"""Underline is no longer offered in the body (readers took underlined words for links): text
already underlined becomes emphasis, so it stays marked out and readable. The sanitiser does the
same for anything saved from now on (articles/html.py). Revisions keep what was saved then.
"""

from django.db import migrations

TABLES = ("articles_story", "articles_appeal", "articles_appealvariant")
# The sanitiser wrote <u> without attributes, so plain replacement is exact; it works the same
# on SQLite and PostgreSQL (where the search trigger recomputes the story's vector).
SQL = [
    f"UPDATE {table} SET body = REPLACE(REPLACE(body, '<u>', '<em>'), '</u>', '</em>') "
    f"WHERE body LIKE '%<u>%'"
    for table in TABLES
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_folds_accents"),
    ]

    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
