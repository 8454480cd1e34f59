"""The PostgreSQL health check (newsroom/postgresql/base.py): a live idle connection passes
without a query; one the server ended fails, and is replaced before the request's query."""

import time

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql import base as django_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL session ended by the server; CI runs this on PostgreSQL")


def terminate(pid):
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"], user=params["USER"], password=params["PASSWORD"],
        host=params["HOST"], port=params["PORT"] or None, autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_an_idle_live_connection_is_usable_without_asking_the_server(monkeypatch):
    connection.ensure_connection()
    asked = []
    monkeypatch.setattr(
        django_postgresql.DatabaseWrapper, "is_usable", lambda self: asked.append(1) or True
    )
    assert connection.is_usable() is True
    assert asked == []  # no SELECT 1


def test_a_session_the_server_ended_is_unusable_and_replaced_on_the_next_request():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    terminate(pid)
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's goodbye reaches our socket
    assert connection.is_usable() is False
    # What Django does at the start of a request that reuses the connection:
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
