"""The listing's one counting statement: result count, section and tag facets and, for relevance
order, the page's story ids, over a bounded set of matches (see page.py for the bounds)."""

from dataclasses import dataclass

from django.db import connections

from ..models import Story, Tag

COUNT_LIMIT = 10_000
SEARCH_LIMIT = 1_000
TAG_WINDOW = 1_000
TOP_TAGS = 12
PAGE_SIZE = 10


@dataclass
class Window:
    sections: list  # [(section id, count)], largest first
    tags: list  # [(Tag, count)], largest first, the chosen tags left out
    total: int  # the number of results, capped at limit + 1
    limit: int
    page_ids: list | None  # for relevance order: this page's story ids, in order


def count(storyfilter, stories, active, offset):
    """Count and facet the first `limit` results, and rank them if need be; one query.

    Every story has exactly one section, so the section counts add up to the (bounded) total.
    """
    connection = connections[stories.db]
    quote = connection.ops.quote_name
    q, ordering = storyfilter.search_text, storyfilter.ordering_value
    relevance = ordering == "relevance"
    limit = SEARCH_LIMIT if q else COUNT_LIMIT
    if relevance:  # the newest matches, ranked below
        in_order = stories.order_by("-published_at", "-pk").values_list(
            "pk", "section_id", "published_at", "rank"
        )
    else:
        in_order = storyfilter.in_order()
    sql, params = in_order[: limit + 1].query.sql_with_params()
    ctes = [f"matches (id, section_id, published_at{', rank' if relevance else ''}) AS ({sql})"]
    params = list(params)
    recent = "matches"
    if limit > TAG_WINDOW:
        # The first TAG_WINDOW of the matches, re-sorted from the CTE rather than re-filtered.
        way = "ASC" if ordering == "oldest" else "DESC"
        ctes.append(
            f"recent (id) AS (SELECT id FROM matches "
            f"ORDER BY published_at {way}, id {way} LIMIT {TAG_WINDOW})"
        )
        recent = "recent"
    through = Story.tags.through._meta
    link, tag_table = quote(through.db_table), quote(Tag._meta.db_table)
    story_id, tag_id = (quote(through.get_field(f).column) for f in ("story", "tag"))
    chosen_tags = [value for name, value, _ in active if name == "tag"]
    exclude = ""
    if chosen_tags:
        exclude = f" AND t.slug NOT IN ({', '.join(['%s'] * len(chosen_tags))})"
        params += chosen_tags
    parts = [
        "SELECT 'section', section_id, COUNT(*), NULL, NULL FROM matches GROUP BY section_id",
        f"""SELECT * FROM (
            SELECT 'tag', t.id, COUNT(*) AS n, t.name, t.slug
            FROM {link} AS st JOIN {tag_table} AS t ON t.id = st.{tag_id}
            WHERE st.{story_id} IN (SELECT id FROM {recent}){exclude}
            GROUP BY t.id, t.name, t.slug
            ORDER BY n DESC, t.name
            LIMIT {TOP_TAGS}
        ) AS top_tags""",
    ]
    if relevance:
        # The page's rows by rank; a page past the end becomes the last page, as in
        # clamp_page(). All numbers here are integers of ours, never input.
        shown = f"(CASE WHEN n < {limit} THEN n ELSE {limit} END)"
        last_start = f"(({shown} - 1) / {PAGE_SIZE} * {PAGE_SIZE})"
        start = f"(CASE WHEN {int(offset)} < {last_start} THEN {int(offset)} ELSE {last_start} END)"
        parts.append(
            f"""SELECT 'page', id, rn, NULL, NULL FROM (
                SELECT id, COUNT(*) OVER () AS n, ROW_NUMBER() OVER (
                    ORDER BY rank DESC, published_at DESC, id DESC
                ) AS rn FROM matches
            ) AS ranked WHERE rn > {start} AND rn <= {start} + {PAGE_SIZE}"""
        )
    query = f"WITH {', '.join(ctes)} " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    sections = sorted(
        ((pk, n) for kind, pk, n, *_ in rows if kind == "section"), key=lambda r: -r[1]
    )
    tags = [
        (Tag(pk=pk, name=name, slug=slug), n) for kind, pk, n, name, slug in rows if kind == "tag"
    ]
    page_ids = None
    if relevance:
        page_ids = [
            pk for _, pk, rn, *_ in sorted((r for r in rows if r[0] == "page"), key=lambda r: r[2])
        ]
    return Window(sections, tags, sum(n for _, n in sections), limit, page_ids)
