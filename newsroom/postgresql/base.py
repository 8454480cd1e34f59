"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` before the first query of every request that
reuses a persistent connection: on a story page served with one query, a second round trip.
A session the server has ended (a restart, pg_terminate_backend, an idle timeout) has sent
its last message and closed its end, so our socket is readable although we asked nothing.
An idle socket with nothing to read is therefore as alive as `SELECT 1` would say; only when
something is waiting (an ended session, or a notice) does the check ask the server.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not waiting or super().is_usable()
