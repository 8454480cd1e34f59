"""The listing's queries compiled once per process (snapshots/prepared.py): for any listing
of a shape, and at any time, they give what the querysets they were made from give."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from articles.listing import page
from articles.listing.filters import StoryFilter
from articles.models import Quote, SectionPin, Source, Story
from tests.factories import make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    news, world = make_section(name="News", slug="news"), make_section(name="World", slug="world")
    tags = [make_tag(name=name, slug=name.lower()) for name in ("Russia", "Energy", "China")]
    ana, olga = make_author(name="Ana", slug="ana"), make_author(name="Olga", slug="olga")
    source = Source.objects.create(name="Yury Ushakov", slug="yury-ushakov")
    now = timezone.now()
    for n in range(14):
        story = make_story(
            headline=f"Story {n}",
            section=news if n % 3 else world,
            tags=[tags[n % 3], *(tags[:1] if n % 2 else [])],
            authors=[ana if n % 2 else olga],
            published_at=now - timedelta(hours=n) + (timedelta(days=2) if n == 5 else timedelta()),
        )
        if n % 4 == 0:
            Quote.objects.create(
                story=story, source=source, text="Fine talks.", status=Quote.Status.CONFIRMED
            )
    return news


def cards(row):
    """A row of cards.columns, its json as the ORM reads it (a raw cursor may give text)."""
    html = row["snapshot__cards"]
    return row | {"snapshot__cards": json.loads(html) if isinstance(html, str) else html}


def prepared_rows(storyfilter, limit):
    sql, params = storyfilter.in_order_sql(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row[:2]) for row in cursor.fetchall()]  # (story, section)


SHAPES = [
    "",
    "section=news",
    "section=world&ordering=oldest",
    "tag=russia",
    "tag=energy&section=news",
    "tag=russia&tag=china",
    "author=ana",
    "author=olga&section=world",
    "source=yury-ushakov",
    "source=yury-ushakov&tag=russia",
]


@pytest.mark.parametrize("query", SHAPES)
def test_the_prepared_order_of_a_listing_is_its_querysets(world, query):
    data = MultiValueDict()
    for pair in filter(None, query.split("&")):
        name, value = pair.split("=")
        data.appendlist(name, value)
    for limit in (4, 1001):
        storyfilter = StoryFilter(data)
        expected = [tuple(row[:2]) for row in storyfilter.in_order()[:limit]]
        assert prepared_rows(storyfilter, limit) == expected, query
        assert expected


def test_a_shape_compiled_once_serves_other_ids_and_times(world, monkeypatch):
    first = StoryFilter(MultiValueDict({"tag": ["russia"], "section": ["news"]}))
    assert prepared_rows(first, 100) == [tuple(r[:2]) for r in first.in_order()[:100]]
    # Same shape, another section: the scheduled story has not come yet...
    second = StoryFilter(MultiValueDict({"tag": ["russia"], "section": ["world"]}))
    assert prepared_rows(second, 100) == [tuple(r[:2]) for r in second.in_order()[:100]]
    assert {row[1] for row in prepared_rows(second, 100)} == {
        second.resolved["section"]["world"].pk
    }
    # ...and three days on, the same listing as the first has it.
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    third = StoryFilter(MultiValueDict({"tag": ["russia"], "section": ["news"]}))
    rows = prepared_rows(third, 100)
    assert rows == [tuple(r[:2]) for r in third.in_order()[:100]]
    scheduled = Story.objects.get(headline="Story 5").pk
    assert scheduled in [pk for pk, _ in rows]
    assert scheduled not in [pk for pk, _ in prepared_rows(first, 100)]


@pytest.mark.parametrize("pinned", [False, True])
def test_the_prepared_page_of_cards_is_its_queryset(world, pinned):
    ids = [story.pk for story in StoryFilter(MultiValueDict()).qs[:4]]
    section = world.pk if pinned else None
    if pinned:
        SectionPin.objects.create(section=world, story_id=ids[-1], position=1)
    now = timezone.now()
    for ordering in ("newest", "oldest"):
        live = list(page.page_query(ids[:3], ordering, section, now))
        values = {f"id{i}": pk for i, pk in enumerate(ids[:3])}
        values |= {"section": section} if pinned else {}
        prepared = page.prepared_page(3, ordering, pinned).rows(now=now, **values)
        assert [cards(row) for row in prepared] == [cards(row) for row in live]
        assert len(live) == 3 + pinned
