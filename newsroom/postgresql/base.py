"""Django's PostgreSQL backend, with a health check that costs no round trip and prepared
statements for the queries the hot path runs on every request.

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` before the first query of every request that
reuses a persistent connection: on a story page served with one query, a second round trip.
A session the server has ended (a restart, pg_terminate_backend, an idle timeout) has sent
its last message and closed its end, so our socket is readable although we asked nothing.
An idle socket with nothing to read is therefore as alive as `SELECT 1` would say; only when
something is waiting (an ended session, or a notice) does the check ask the server.

Django binds parameters on the client, so the server parses and plans every query anew: for
the story page's one indexed lookup that took 0.4 ms of the server's CPU, three times the
lookup itself (pgbench on the same statement: 0.76 ms simple, 0.26 ms prepared).
`prepared_cursor()` gives a cursor that binds on the server and prepares each statement once
per connection; `articles/snapshots/prepared.py` runs the hot path's queries with it. Every
other query keeps Django's client-side binding. A connection pooler that cannot keep prepared
statements (PgBouncer in transaction mode before 1.21) can turn this off with
`?prepared_statements=0` in DATABASE_URL.
"""

import select
import sys

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

TIMESTAMPTZ_OID = base.TIMESTAMPTZ_OID
OFF = {"0", "false", "no", "off"}


class PreparingCursor(base.ServerBindingCursor):
    """A cursor that binds on the server and keeps each statement prepared on the connection
    (psycopg's cache of prepared statements: `prepared_max`, 100 by default)."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    _preparing = False

    def __init__(self, settings_dict, *args, **kwargs):
        super().__init__(settings_dict, *args, **kwargs)
        wanted = str(settings_dict.get("OPTIONS", {}).get("prepared_statements", "1"))
        self.prepares = wanted.lower() not in OFF

    def get_connection_params(self):
        params = super().get_connection_params()
        params.pop("prepared_statements", None)
        if self.prepares and params.get("prepare_threshold") is None:
            # psycopg prepares nothing when the threshold is None, not even a statement
            # asked for; Django's own cursors bind on the client and never prepare, so a
            # threshold no query reaches prepares only what PreparingCursor asks for.
            params["prepare_threshold"] = sys.maxsize
        return params

    def prepared_cursor(self):
        """A cursor (Django's wrapper: logged, counted, errors wrapped) whose statements are
        prepared on the server; a plain cursor when prepared statements are off."""
        if not self.prepares:
            return self.cursor()
        self._preparing = True
        try:
            return self.cursor()
        finally:
            self._preparing = False

    def create_cursor(self, name=None):
        if name or not self._preparing:
            return super().create_cursor(name)
        cursor = PreparingCursor(self.connection)
        tzloader = self.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if self.timezone != tzloader.timezone:
            register_tzloader(self.timezone, cursor)
        return cursor

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not waiting or super().is_usable()
