"""A query the hot path runs on every request, compiled once per process.

Building and compiling a queryset costs more than the query itself on a page that is otherwise
one indexed lookup: the story page spent 1.4 M of its 4.9 M instructions on it. `Prepared`
compiles the queryset once, with sample values, finds where each value went among the SQL's
parameters, and from then on runs the same SQL with the new values put in those places. The
queryset stays the one place the query is stated (the "public" rule included: public_q).
"""

import datetime
from functools import cached_property

from django.db import connections

SAMPLES = {
    str: ("\x02sample-a", "\x02sample-b"),
    int: (7_000_001, 7_000_002),
    datetime.datetime: (
        datetime.datetime(2001, 2, 3, 4, 5, 6, 70809, tzinfo=datetime.UTC),
        datetime.datetime(2002, 3, 4, 5, 6, 7, 80910, tzinfo=datetime.UTC),
    ),
}


def _nth(sample, i):
    """The `i`-th of a family of samples like `sample`, each unlike the others."""
    if isinstance(sample, str):
        return f"{sample}-{i}"
    if isinstance(sample, int):
        return sample + 1_000 * i
    return sample + datetime.timedelta(days=1_000 * i)


class Prepared:
    """`build(**values)` is a values() queryset; `rows(**values)` runs its SQL as dicts."""

    def __init__(self, build, using="default", **kinds):
        self.build, self.using, self.kinds = build, using, kinds

    def _compile(self, values):
        compiler = self.build(**values).query.get_compiler(self.using)
        sql, params = compiler.as_sql()
        # The columns' names in the SQL's own order (values() may put annotations anywhere).
        names = [alias for _, _, alias in compiler.select]
        return sql, list(params), names

    @cached_property
    def compiled(self):
        """(sql, params, {name: positions}, column names), from the sample values: each name
        its own pair, so that a query which folds equal values (an IN list) keeps one place
        for each."""
        samples = {
            name: tuple(_nth(sample, i) for sample in SAMPLES[kind])
            for i, (name, kind) in enumerate(self.kinds.items())
        }
        base = {name: pair[0] for name, pair in samples.items()}
        sql, params, names = self._compile(base)
        places = {}
        for name in self.kinds:
            other_sql, other, _ = self._compile(base | {name: samples[name][1]})
            if other_sql != sql or len(other) != len(params):
                raise ValueError(f"The query's SQL changes with {name}: it cannot be prepared.")
            places[name] = [i for i, (a, b) in enumerate(zip(params, other, strict=True)) if a != b]
        return sql, params, places, names

    def _adapt(self, connection, kind, value):
        if kind is datetime.datetime:
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def sql(self, **values):
        """(sql, params) with `values` in place, as the queryset would compile them."""
        connection = connections[self.using]
        sql, params, places, names = self.compiled
        params = list(params)
        for name, value in values.items():
            adapted = self._adapt(connection, self.kinds[name], value)
            for index in places[name]:
                params[index] = adapted
        return sql, params

    def rows(self, **values):
        sql, params = self.sql(**values)
        names = self.compiled[3]
        with cursor(connections[self.using]) as found:
            found.execute(sql, params)
            return [dict(zip(names, row, strict=True)) for row in found.fetchall()]


def cursor(connection):
    """A cursor that keeps the statement prepared on the database server where the backend can
    (newsroom/postgresql: planning the statement cost more than running it), else a plain one.

    Only for statements whose one plan is right for every value: lookups by key (a slug, a list
    of ids). After five runs PostgreSQL may settle on a generic plan, blind to the values; for
    the listing's counting statement (window.py), whose best plan depends on how many stories a
    tag or a word has, that cost 104 ms instead of 12 (two tags, one of them on 31 % of 100,000
    stories) and 258 instead of 70 (a common search word), so it is planned on every run."""
    prepared = getattr(connection, "prepared_cursor", None)
    return prepared() if prepared else connection.cursor()
