"""The listing's one counting statement: result count, section and tag facets and, for relevance
order, the page's story ids (see page.py for the bounds).

Two ways to count, neither growing with the archive:
- exactly, from stored counts (PostgreSQL), for the whole archive, a section, one tag, author
  or source, or two tags (TagPairCount), or one of those in a section: the stored counts per
  section, corrected by the few stories whose publication or withdrawal time is still to come
  (the stored counts know no clock). Paging stops at COUNT_LIMIT results, so the deepest
  OFFSET is bounded too.
- up to BOUNDED_LIMIT matches for searches and any other combination: "more than 1,000".
  On SQLite, which keeps no counts, the listings the stored counts would answer are counted
  up to COUNT_LIMIT instead.

Tag facets: the listings counted exactly, but for two tags, take theirs from TagPairCount, the
stored count of each (other) tag among their stories, corrected by the same few stories with
a time to come (exact_tags); only the top of the range is read. Two tags and every other
listing count the tags of their first TAG_WINDOW matches, one link-table probe per match: the
window is what grows with the archive until it is full (at 1,000 stories a date range or two
tags have a few dozen matches; at 100,000, more than the window), so it is kept to a couple of
pages' worth of reading, and the page says the counts cover the first TAG_WINDOW.
"""

from dataclasses import dataclass

from django.db import connections

from ..models import FacetListing, ListingCount, SourceListing, Story, Tag, TagPairCount

COUNT_LIMIT = 10_000  # results that can be paged through, counted exactly or not
BOUNDED_LIMIT = 1_000  # matches counted (and, for a search, ranked) when not counted exactly
TAG_WINDOW = 200  # results whose tags are counted, when no stored counts answer
TOP_TAGS = 12
PAGE_SIZE = 10


@dataclass
class Window:
    sections: list  # [(section id, count)], largest first
    tags: list  # [(Tag, count)], largest first, the chosen tags left out
    total: int  # the number of results: exact, or capped at limit + 1
    limit: int  # results that can be paged through
    page_ids: list | None  # this page's story ids, in order (None: not among the matches read)
    exact: bool = False  # total is the true count, however large
    tags_exact: bool = False  # tag counts are of every result, not of the first TAG_WINDOW


def count(storyfilter, active, offset):
    """Count and facet the results, and rank them if need be; one query.

    Every story has exactly one section, so the section counts add up to the total.
    """
    connection = connections[storyfilter.queryset.db]
    quote = connection.ops.quote_name
    ordering = storyfilter.ordering_value
    relevance = ordering == "relevance"
    counted = storyfilter.counted()
    exact = counted is not None and connection.vendor == "postgresql"
    limit = COUNT_LIMIT if counted else BOUNDED_LIMIT
    # Exactly counted listings take their tag facets from stored counts too (TagPairCount),
    # except two tags' (there are no stored counts of three).
    tags_exact = exact and counted[3] is None
    # Exactly counted: the matches are read only as far as the tag facets and the page look.
    scanned = TAG_WINDOW - 1 if exact else limit
    if relevance:  # the newest matches, ranked below
        in_order = storyfilter.qs.order_by("-published_at", "-pk").values_list(
            "pk", "section_id", "published_at", "rank"
        )
        sql, params = in_order[: scanned + 1].query.sql_with_params()
    else:
        sql, params = storyfilter.in_order_sql(scanned + 1)
    ctes = [f"matches (id, section_id, published_at{', rank' if relevance else ''}) AS ({sql})"]
    params = list(params)
    # With exact tag counts the matches are read only for the page's ids, if at all (a CTE
    # named once is folded into the query that names it, and one never named is not run).
    recent = "matches"
    if not tags_exact and scanned + 1 > TAG_WINDOW:
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
    chosen_tags = [storyfilter.resolved["tag"][v].pk for name, v, _ in active if name == "tag"]
    # Tags counted by id; only those that can make the top TOP_TAGS (ties included, for the
    # order by name) are joined to their names: a dozen lookups rather than one per link.
    if tags_exact:
        corrections, tags_sql, tags_params = exact_tags(connection, *counted[:3], storyfilter.now)
        ctes += [
            f"corrections (tag_id, n) AS ({corrections})",
            f"tag_counts (tag_id, n) AS ({tags_sql})",
        ]
        params += tags_params
    else:
        exclude = ""
        if chosen_tags:
            exclude = f" AND st.{tag_id} NOT IN ({', '.join(['%s'] * len(chosen_tags))})"
            params += chosen_tags
        ctes.append(
            f"tag_counts (tag_id, n) AS (SELECT st.{tag_id}, COUNT(*) FROM {link} AS st "
            f"WHERE st.{story_id} IN (SELECT id FROM {recent}){exclude} GROUP BY st.{tag_id})"
        )
    if exact:
        kind, facet_id, section_id, also = counted
        sections, section_params = exact_sections(
            connection,
            kind,
            facet_id,
            section_id,
            storyfilter.now,
            also,
            [s.pk for s in storyfilter.resolved["section"].values()],
        )
        params += section_params
    else:
        sections = (
            "SELECT 'section', section_id, COUNT(*), NULL, NULL FROM matches GROUP BY section_id"
        )
    parts = [
        sections,
        f"""SELECT * FROM (
            SELECT 'tag', t.id, c.n, t.name, t.slug
            FROM tag_counts AS c JOIN {tag_table} AS t ON t.id = c.tag_id
            WHERE c.n >= COALESCE(
                (SELECT n FROM tag_counts ORDER BY n DESC LIMIT 1 OFFSET {TOP_TAGS - 1}), 0
            )
            ORDER BY c.n DESC, t.name
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
    elif offset + PAGE_SIZE <= scanned + 1:
        # Newest or oldest: the page's rows are among the matches read, when it is not past
        # them (page_rows reads them itself otherwise). Integers of ours again.
        way = "ASC" if ordering == "oldest" else "DESC"
        parts.append(
            f"""SELECT 'page', id, rn, NULL, NULL FROM (
                SELECT id, ROW_NUMBER() OVER (ORDER BY published_at {way}, id {way}) AS rn
                FROM matches
            ) AS ordered WHERE rn > {int(offset)} AND rn <= {int(offset) + PAGE_SIZE}"""
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
    if relevance or offset + PAGE_SIZE <= scanned + 1:
        page_ids = [
            pk for _, pk, rn, *_ in sorted((r for r in rows if r[0] == "page"), key=lambda r: r[2])
        ]
    total = sum(n for _, n in sections)
    return Window(sections, tags, total, limit, page_ids, exact, tags_exact)


def exact_sections(connection, kind, facet_id, section_id, now, also=None, sections=()):
    """SQL and parameters of the section rows of a listing ListingCount answers, exactly, or,
    with `also` (a second tag), TagPairCount: the stories of both tags, in `sections` (ids).

    Stored: its standing stories per section. Public now: those, less the ones still scheduled
    (a range at the top of the listing's own date index), plus the published ones whose
    withdrawal time is still to come (a range of the withdrawal index). Both read only stories
    with a time in the future, never the archive.
    """
    quote = connection.ops.quote_name
    story = quote(Story._meta.db_table)
    if kind == "all":
        listing, of_facet, facet_params = story, "", []
    else:
        model, condition = {
            "tag": (FacetListing, "{0}.kind = 'tag' AND {0}.facet_id = %s"),
            "author": (FacetListing, "{0}.kind = 'author' AND {0}.facet_id = %s"),
            "source": (SourceListing, "{0}.source_id = %s"),
        }[kind]
        listing, of_facet, facet_params = quote(model._meta.db_table), condition, [facet_id]
    in_section, section_params = "", []
    if section_id is not None:
        in_section, section_params = " AND {0}.section_id = %s", [section_id]
    stored = f"""SELECT section_id, stories AS n FROM {quote(ListingCount._meta.db_table)} AS c
        WHERE c.kind = %s AND c.facet_id = %s{in_section.format("c")}"""
    stored_params = [kind, facet_id, *section_params]
    if also is not None:  # the stories of two tags: the pairs of the first with the second
        of_facet += (
            f" AND EXISTS (SELECT 1 FROM {listing} AS b WHERE b.kind = 'tag'"
            " AND b.facet_id = %s AND b.story_id = {0}.story_id)"
        )
        facet_params.append(also)
        # Each section's row by its key (one probe each), not the tag's every pair.
        stored = f"""SELECT section_id, stories AS n FROM {quote(TagPairCount._meta.db_table)}
            WHERE kind = 'tag' AND facet_id = %s AND section_id = ANY(%s) AND tag_id = %s"""
        in_sections = [section_id] if section_id is not None else list(sections)
        stored_params = [facet_id, in_sections, also]
    scheduled = (of_facet.format("l") + " AND " if of_facet else "") + (
        "l.status = 'published' AND l.published_at > %s AND l.withdraw_at IS NULL"
    )
    leaving = (
        "s.withdraw_at > %s AND s.status = 'published' AND s.published_at <= %s"
        + in_section.format("s")
    )
    if of_facet:
        leaving += f" AND EXISTS (SELECT 1 FROM {listing} AS f WHERE f.story_id = s.id AND "
        leaving += of_facet.format("f") + ")"
    sql = f"""SELECT 'section', section_id, SUM(n), NULL, NULL FROM (
        {stored}
        UNION ALL
        SELECT l.section_id, -1 FROM {listing} AS l WHERE {scheduled}{in_section.format("l")}
        UNION ALL
        SELECT s.section_id, 1 FROM {story} AS s WHERE {leaving}
    ) AS counted GROUP BY section_id HAVING SUM(n) > 0"""
    params = list(stored_params)
    params += [*facet_params, now, *section_params]
    params += [now, now, *section_params, *facet_params]
    return sql, params


def exact_tags(connection, kind, facet_id, section_id, now):
    """SQL of two CTEs, the corrections and (tag id, public stories), and their parameters:
    the tag facets of a listing ListingCount answers (the whole archive, or a tag's, author's
    or source's listing; in a section or not), exactly.

    Stored: TagPairCount, the listing's standing stories per (other) tag. Public now: those,
    less the tags of its standing stories still scheduled, plus the tags of its published
    stories whose withdrawal time is to come (the corrections, read from the few stories
    with a time in the future, as exact_sections does; FacetListing's copies of those times
    for the whole archive, two short ranges of its indexes). Only the tags that can make the top
    TOP_TAGS are read: the stored counts down to the (TOP_TAGS + tags corrected down)-th
    largest, ties included, and those of the tags corrected up; any other tag has a smaller
    count than TOP_TAGS of these (a correction down only lowers a count; one that leaves a
    tag out of these sums below zero and is dropped).
    """
    quote = connection.ops.quote_name
    facets, pairs = (quote(m._meta.db_table) for m in (FacetListing, TagPairCount))
    in_section, section_params = "", []
    if section_id is not None:
        in_section, section_params = " AND {0}.section_id = %s", [section_id]
    if kind == "all":
        corrections = f"""SELECT facet_id, -1 FROM {facets} AS t WHERE kind = 'tag'
                AND status = 'published' AND published_at > %s AND withdraw_at IS NULL
                {in_section.format("t")}
            UNION ALL
            SELECT facet_id, 1 FROM {facets} AS t WHERE kind = 'tag' AND withdraw_at > %s
                AND status = 'published' AND published_at <= %s{in_section.format("t")}"""
        params = [now, *section_params, now, now, *section_params]
    else:
        corrections, params = _corrections(
            connection, kind, facet_id, in_section, section_params, now
        )
    tags_sql, tags_params = _top_tags(pairs, kind, facet_id, section_id)
    return corrections, tags_sql, params + tags_params


def _corrections(connection, kind, facet_id, in_section, section_params, now):
    """exact_tags' corrections for a tag's, author's or source's listing, and their
    parameters."""
    quote = connection.ops.quote_name
    story, facets = (quote(m._meta.db_table) for m in (Story, FacetListing))
    listing, of_facet = {
        "tag": (facets, "{0}.kind = 'tag' AND {0}.facet_id = %s"),
        "author": (facets, "{0}.kind = 'author' AND {0}.facet_id = %s"),
        "source": (quote(SourceListing._meta.db_table), "{0}.source_id = %s"),
    }[kind]
    other_tag, tag_params = ("", [])
    if kind == "tag":  # the listing's own tag is no facet of it
        other_tag, tag_params = " AND t.facet_id <> %s", [facet_id]
    corrections = f"""SELECT t.facet_id, -1 FROM {listing} AS l
            JOIN {facets} AS t ON t.kind = 'tag' AND t.story_id = l.story_id
        WHERE {of_facet.format("l")} AND l.status = 'published' AND l.published_at > %s
            AND l.withdraw_at IS NULL{in_section.format("l")}{other_tag}
        UNION ALL
        SELECT t.facet_id, 1 FROM {story} AS s
            JOIN {facets} AS t ON t.kind = 'tag' AND t.story_id = s.id
        WHERE s.withdraw_at > %s AND s.status = 'published' AND s.published_at <= %s
            {in_section.format("s")}{other_tag}
            AND EXISTS (SELECT 1 FROM {listing} AS f WHERE f.story_id = s.id
                AND {of_facet.format("f")})"""
    params = [facet_id, now, *section_params, *tag_params]
    params += [now, now, *section_params, *tag_params, facet_id]
    return corrections, params


def _top_tags(pairs, kind, facet_id, section_id):
    """(tag id, public stories) of the tags that can make the top TOP_TAGS, from the stored
    counts and the CTE "corrections", and its parameters."""
    stored = f"SELECT tag_id, stories AS n FROM {pairs} WHERE kind = %s AND facet_id = %s"
    stored += " AND section_id = %s"
    key = [kind, facet_id, section_id or 0]
    tags_sql = f"""SELECT tag_id, SUM(n) FROM (
            SELECT * FROM ({stored} AND stories >= GREATEST(1, COALESCE((
                SELECT stories FROM {pairs} WHERE kind = %s AND facet_id = %s AND section_id = %s
                ORDER BY stories DESC LIMIT 1 OFFSET (
                    SELECT {TOP_TAGS - 1} + COUNT(DISTINCT tag_id) FROM corrections WHERE n < 0
                )
            ), 1))
            UNION
            {stored} AND tag_id IN (SELECT tag_id FROM corrections WHERE n > 0)) AS kept
            UNION ALL
            SELECT tag_id, n FROM corrections
        ) AS counted GROUP BY tag_id HAVING SUM(n) > 0"""
    return tags_sql, [*key, *key, *key]
