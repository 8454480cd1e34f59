"""Prepared statements for the hot path (newsroom/postgresql/base.py): the story page's lookup
is planned once per connection, not on every request; `?prepared_statements=0` turns it off;
a connection the server ended is replaced and prepares again, and the reader sees nothing."""

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from articles.snapshots import story_page
from tests.factories import make_story
from tests.test_database_health import terminate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("server-side prepared statements; CI runs this on PostgreSQL")


def prepared(wrapper, fragment):
    """How often the statements containing `fragment` ran prepared on `wrapper`'s session."""
    with wrapper.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]


def wrapper_with(**options):
    settings = connection.settings_dict
    return type(connections["default"])(
        {**settings, "OPTIONS": {**settings["OPTIONS"], **options}}, alias="default"
    )


def test_the_story_pages_lookup_is_prepared_once_and_reused():
    story = make_story(status="published", published_at=timezone.now())
    client = Client()
    for _ in range(3):
        assert client.get(story.get_absolute_url()).status_code == 200
    assert prepared(connection, '"snapshot__parts"') >= 3  # one statement, run three times
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ['%"snapshot__parts"%'])  # fmt: skip
        assert cursor.fetchone()[0] == 1


def test_prepared_statements_can_be_turned_off_and_only_asked_for_ones_are_prepared():
    on, off = wrapper_with(), wrapper_with(prepared_statements="0")
    try:
        for wrapper in (on, off):
            with wrapper.prepared_cursor() as cursor:
                cursor.execute("SELECT %s::int + 40", [2])
                assert cursor.fetchone() == (42,)
            with wrapper.cursor() as cursor:  # Django's own cursor: bound on the client
                cursor.execute("SELECT %s::int + 50", [2])
        assert prepared(on, "+ 40") == 1 and prepared(on, "+ 50") == 0
        assert prepared(off, "+ 40") == 0
    finally:
        on.close()
        off.close()


def test_a_session_the_server_ended_is_replaced_and_the_lookup_prepared_again():
    story = make_story(status="published", published_at=timezone.now())
    client = Client()
    assert client.get(story.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    terminate(pid)
    connection.health_check_done = False
    connection.close_if_health_check_failed()  # what a request that reuses it does first
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200 and story.headline.encode() in response.content
    assert prepared(connection, '"snapshot__parts"') >= 1
    assert story_page.find(story.slug, timezone.now())["pk"] == story.pk
