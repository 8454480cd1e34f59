"""The front page editors arrange, section pins, related stories, the breaking strip and the
header search (issue 15)."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import front
from articles.models import (
    BreakingNews,
    FrontPage,
    FrontPick,
    Quote,
    RelatedStory,
    SectionPin,
    Source,
    Story,
)
from tests.factories import make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def pick(place, story, section=None, **fields):
    return FrontPick.objects.create(
        front=FrontPage.get(), place=place, story=story, section=section, **fields
    )


def headlines(stories):
    return [story.headline for story in stories]


# --- Curation -----------------------------------------------------------------------------


def test_the_lead_is_the_newest_story_until_an_editor_picks_one(client):
    minor = make_story(headline="Minor local item", published_at=ago(minutes=1))
    major = make_story(headline="Major investigation", published_at=ago(hours=5))
    assert front.arrangement()["lead"] == minor
    pick(FrontPick.Place.LEAD, major)
    arranged = front.arrangement()
    assert arranged["lead"] == major
    assert minor in arranged["top"]  # the newest takes a top slot instead
    html = client.get("/").text
    assert html.index("Major investigation") < html.index("Top stories")


def test_an_expired_lead_pick_falls_back_to_the_newest_story():
    newest = make_story(published_at=ago(minutes=1))
    picked = make_story(published_at=ago(days=2))
    pick(FrontPick.Place.LEAD, picked, expires_at=ago(minutes=5))
    assert front.arrangement()["lead"] == newest
    FrontPick.objects.update(expires_at=timezone.now() + timedelta(hours=1))
    assert front.arrangement()["lead"] == picked


def test_top_stories_follow_the_editors_order_then_the_newest():
    stories = [make_story(headline=f"S{i}", published_at=ago(hours=i)) for i in range(10)]
    for position, story in enumerate([stories[9], stories[7]]):
        pick(FrontPick.Place.TOP, story, position=position)
    arranged = front.arrangement()
    assert arranged["lead"] == stories[0]
    assert headlines(arranged["top"]) == ["S9", "S7", "S1", "S2", "S3", "S4"]


def test_a_pick_readers_cannot_see_is_skipped_and_shows_once_it_is_published():
    make_story(headline="Newest", published_at=ago(minutes=1))
    scheduled = make_story(headline="Embargoed", published_at=timezone.now() + timedelta(hours=1))
    pick(FrontPick.Place.LEAD, scheduled)
    assert front.arrangement()["lead"].headline == "Newest"
    Story.objects.filter(pk=scheduled.pk).update(published_at=ago(minutes=0.5))
    assert front.arrangement()["lead"].headline == "Embargoed"


def test_a_section_block_shows_its_picks_first_then_the_sections_newest():
    culture, world = make_section(name="Culture"), make_section(name="World")
    for i in range(8):  # newer: they fill the lead and top slots
        make_story(section=world, published_at=ago(minutes=i + 1))
    stories = [
        make_story(headline=f"C{i}", section=culture, published_at=ago(hours=i)) for i in range(8)
    ]
    pick(FrontPick.Place.SECTION, stories[6], section=culture)
    blocks = dict(front.arrangement()["section_blocks"])
    shown = {s.pk for s in [front.arrangement()["lead"], *front.arrangement()["top"]]}
    assert blocks[culture][0] == stories[6]
    assert len(blocks[culture]) == front.PER_SECTION
    assert not shown & {s.pk for s in blocks[culture]}  # never the same story twice


def test_the_front_page_declares_front_and_a_pick_re_renders_it(client, settings, editor_client):
    settings.PAGE_CACHE_SECONDS = 60
    for i in range(8):
        make_story(published_at=ago(minutes=i + 1))
    story = make_story(headline="Chosen by the desk", published_at=ago(days=3))
    client.get("/")
    html = client.get("/").text
    assert html.index("Chosen by the desk") > html.index("Top stories")  # not the lead
    pick(FrontPick.Place.LEAD, story)
    html = client.get("/").text
    assert html.index("Chosen by the desk") < html.index("Top stories")


@pytest.mark.parametrize("count", [3, 300])
def test_the_front_page_with_picks_costs_the_same_whatever_the_archive(
    client, django_assert_max_num_queries, count
):
    sections = [make_section() for _ in range(4)]
    for i in range(count):
        make_story(section=sections[i % 4], published_at=ago(minutes=i + 1))
    stories = list(Story.objects.all()[:3])
    pick(FrontPick.Place.LEAD, stories[-1])
    pick(FrontPick.Place.TOP, stories[0])
    pick(FrontPick.Place.SECTION, stories[1], section=sections[2])
    client.get("/")
    with django_assert_max_num_queries(5):
        assert client.get("/").status_code == 200


def test_the_admin_preview_shows_the_arrangement_without_saving_it(editor_client):
    make_story(headline="Newest", published_at=ago(minutes=1))
    story = make_story(headline="Proposed lead", published_at=ago(days=1))
    page = FrontPage.get()
    url = reverse("admin:articles_frontpage_change", args=[page.pk])
    data = {"_preview": "1"}
    form = editor_client.get(url)
    assert form.status_code == 200
    prefixes = re.findall(r'name="([\w-]+)-TOTAL_FORMS"', form.text)
    for prefix in prefixes:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    lead = prefixes[0]  # the inlines in order: lead, top stories, section blocks
    data |= {f"{lead}-TOTAL_FORMS": "1", f"{lead}-0-story": story.pk, f"{lead}-0-position": "1"}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Preview" in response.text and "not saved yet" in response.text
    assert response.text.index("Proposed lead") < response.text.index("Top stories")
    assert "no-store" in response["Cache-Control"]
    assert not FrontPick.objects.exists()  # nothing saved
    data.pop("_preview")
    data["_save"] = "Save"
    assert editor_client.post(url, data).status_code == 302
    assert FrontPick.objects.get().story == story


def test_a_section_block_pick_without_a_section_is_refused():
    with pytest.raises(ValidationError, match="section"):
        FrontPick(front=FrontPage.get(), place=FrontPick.Place.SECTION, story=make_story()).clean()


# --- Section pins -----------------------------------------------------------------------


def test_pinned_stories_lead_the_section_page_in_order_and_are_not_repeated(client):
    world = make_section(name="World", slug="world")
    stories = [
        make_story(headline=f"W{i}", section=world, published_at=ago(hours=i)) for i in range(5)
    ]
    SectionPin.objects.create(section=world, story=stories[3], position=1)
    SectionPin.objects.create(section=world, story=stories[1], position=2)
    SectionPin.objects.create(
        section=world, story=stories[4], position=0, expires_at=ago(minutes=1)
    )
    html = client.get("/sections/world/").text
    pinned, listed = html.split('id="pinned-title"')[1].split('class="results"')
    assert re.findall(r">(W\d)</a>", pinned) == ["W3", "W1"]
    assert re.findall(r">(W\d)</a>", listed) == ["W0", "W2", "W4"]
    # Only on the section's own first page, unfiltered.
    assert "pinned-title" not in client.get("/stories/?section=world").text
    assert "pinned-title" not in client.get("/sections/world/?published_after=2000-01-01").text


@pytest.mark.parametrize("count", [3, 300])
def test_a_section_page_with_pins_costs_the_same_whatever_the_archive(
    client, django_assert_max_num_queries, count
):
    world = make_section(name="World", slug="world")
    for i in range(count):
        make_story(section=world, published_at=ago(minutes=i + 1), authors=[make_author()])
    for story in Story.objects.all()[:2]:
        SectionPin.objects.create(section=world, story=story)
    client.get("/sections/world/")
    with django_assert_max_num_queries(4):
        assert "pinned-title" in client.get("/sections/world/").text


# --- Breaking news ------------------------------------------------------------------------


def test_the_breaking_strip_shows_only_within_its_schedule(client):
    strip = BreakingNews.objects.create(
        text="Polls close at 9 pm",
        url="https://news.example/live",
        starts_at=timezone.now() + timedelta(hours=1),
    )
    assert "Polls close" not in client.get("/").text
    strip.starts_at = ago(minutes=1)
    strip.save()
    html = client.get("/stories/").text
    assert 'aria-label="Breaking news"' in html and 'href="https://news.example/live"' in html
    strip.ends_at = ago(seconds=1)
    strip.save()
    assert "Polls close" not in client.get("/").text


def test_a_story_page_shows_and_drops_the_strip_at_its_times_with_no_save(client, monkeypatch):
    """The story page's chrome is cached (articles/snapshots/shell.py): it must not outlive a
    strip's start or end, which come with no save to tell the cache."""
    story = make_story()
    start = timezone.now() + timedelta(hours=1)
    BreakingNews.objects.create(
        text="Polls close at 9 pm", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    assert "Polls close" not in client.get(story.get_absolute_url()).text
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=1))
    assert "Polls close" in client.get(story.get_absolute_url()).text
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(hours=2))
    assert "Polls close" not in client.get(story.get_absolute_url()).text


def test_the_breaking_strip_costs_no_query_per_page():
    BreakingNews.objects.create(text="Storm warning", starts_at=ago(minutes=1))
    assert front.breaking().text == "Storm warning"
    with CaptureQueriesContext(connection) as queries:
        assert front.breaking().text == "Storm warning"
    assert len(queries) == 0


def test_only_one_strip_at_a_time():
    BreakingNews.objects.create(text="First", starts_at=ago(hours=1))
    overlapping = BreakingNews(text="Second", starts_at=ago(minutes=5))
    with pytest.raises(ValidationError, match="Only one strip shows at a time"):
        overlapping.clean()
    later = BreakingNews(
        text="Later",
        starts_at=timezone.now() + timedelta(hours=2),
        ends_at=timezone.now() + timedelta(hours=3),
    )
    BreakingNews.objects.filter(text="First").update(ends_at=timezone.now() + timedelta(hours=1))
    later.clean()  # after the first ends: fine


def test_the_strip_start_bounds_how_long_pages_are_kept():
    from articles.caching.pages import seconds_until_next_scheduled_change

    BreakingNews.objects.create(text="Soon", starts_at=timezone.now() + timedelta(minutes=10))
    assert seconds_until_next_scheduled_change() <= 600


# --- Related stories ----------------------------------------------------------------------


def test_related_stories_are_the_editors_then_shared_tags_and_sources_newest_first(client):
    energy, other = make_tag(name="Energy"), make_tag(name="Other")
    source = Source.objects.create(name="Yury Ushakov", slug="yury-ushakov")
    story = make_story(headline="The story", tags=[energy])
    Quote.objects.create(story=story, source=source, text="We spoke.", status="confirmed")
    make_story(headline="Old tagged", tags=[energy], published_at=ago(days=9))
    make_story(headline="New tagged", tags=[energy], published_at=ago(days=1))
    quoting = make_story(headline="Same source", published_at=ago(days=2))
    Quote.objects.create(story=quoting, source=source, text="Again.", status="confirmed")
    make_story(headline="Unrelated", tags=[other], published_at=ago(minutes=5))
    chosen = make_story(headline="Editors choice", published_at=ago(days=30))
    RelatedStory.objects.create(story=story, related=chosen)
    draft = make_story(headline="Draft one", status=Story.Status.DRAFT, tags=[energy])
    RelatedStory.objects.create(story=story, related=draft, position=0)
    related = front.related_stories(story, [energy.pk], [source.pk])
    assert headlines(related) == ["Editors choice", "New tagged", "Same source", "Old tagged"]
    html = client.get(story.get_absolute_url()).text
    block = html.split('id="related-title"')[1]
    assert block.index("Editors choice") < block.index("New tagged")
    assert "Unrelated" not in block and "Draft one" not in block
    # Outside the story's own article element: a block of its own.
    assert html.index("</article>", html.index("story__footer")) < html.index("related-title")


@pytest.mark.parametrize("count", [3, 300])
def test_related_stories_cost_a_fixed_number_of_queries(django_assert_num_queries, count):
    tags = [make_tag() for _ in range(3)]
    story = make_story(tags=tags)
    for i in range(count):
        make_story(tags=[tags[i % 3]], published_at=ago(minutes=i + 2), authors=[make_author()])
    RelatedStory.objects.create(story=story, related=Story.objects.exclude(pk=story.pk).last())
    with django_assert_num_queries(2):
        related = front.related_stories(story, [t.pk for t in tags], [])
        assert len(related) == min(front.RELATED, count)
        [list(s.bylines.all()) for s in related]


def test_an_editors_related_story_change_re_renders_the_story_page(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    story, other = make_story(), make_story(headline="Read this next")
    client.get(story.get_absolute_url())
    RelatedStory.objects.create(story=story, related=other)
    assert "Read this next" in client.get(story.get_absolute_url()).text


# --- Search everywhere --------------------------------------------------------------------


def test_the_header_search_is_on_every_reader_page(client):
    section, tag, author = make_section(slug="world"), make_tag(slug="energy"), make_author()
    story = make_story(section=section, tags=[tag], authors=[author])
    source = Source.objects.create(name="A source", slug="a-source")
    Quote.objects.create(story=story, source=source, text="Quoted.", status="confirmed")
    pages = ["/", story.get_absolute_url(), "/stories/", "/sections/world/", "/tags/energy/"]
    pages += [author.get_absolute_url(), "/sources/a-source/", "/corrections/", "/no-such-page/"]
    for url in pages:
        html = client.get(url).content.decode()
        form = re.search(r'<form class="site-search"[^>]*>(.*?)</form>', html, re.S)
        assert form, url
        assert 'action="/stories/"' in form.group(0) and 'role="search"' in form.group(0), url
        assert '<label for="site-search-q"' in form.group(1), url
        assert 'name="q" id="site-search-q"' in form.group(1), url
    # It is the listing's search, with its explanations of bad input.
    response = client.get("/stories/", {"q": "x" * 1000})
    assert response.status_code == 200 and "Search text can be at most" in response.text


# --- FacetListing (PostgreSQL keeps it by triggers) ---------------------------------------


def expected_facet_rows():
    from articles.models import Byline

    tags = {
        ("tag", t.tag_id, t.story_id) for t in Story.tags.through.objects.all().only("tag", "story")
    }
    authors = {("author", b.author_id, b.story_id) for b in Byline.objects.all()}
    return tags | authors


def stored_facet_rows():
    from articles.models import FacetListing

    rows = FacetListing.objects.values_list("kind", "facet_id", "story_id", "status", "section_id")
    stories = {s.pk: (s.status, s.section_id) for s in Story.objects.all()}
    for _kind, _facet, story, status, section in rows:
        assert (status, section) == stories[story]  # the story's columns, kept current
    return {(kind, facet, story) for kind, facet, story, *_ in rows}


def test_facet_listing_follows_tags_bylines_and_story_changes():
    if connection.vendor != "postgresql":
        pytest.skip("FacetListing is kept by PostgreSQL triggers; SQLite reads the stories")
    from articles.models import Byline

    energy, ferries = make_tag(), make_tag()
    anna, olga = make_author(), make_author()
    story = make_story(tags=[energy, ferries], authors=[anna, olga])
    other = make_story(tags=[energy], authors=[anna])
    assert stored_facet_rows() == expected_facet_rows()
    story.tags.remove(ferries)
    Byline.objects.create(story=story, author=anna, role="translated", position=5)
    Byline.objects.filter(story=story, author=anna, role="written").delete()
    assert ("author", anna.pk, story.pk) in stored_facet_rows()  # still bylined, as translator
    Byline.objects.filter(story=story, author=olga).delete()
    Story.objects.filter(pk=other.pk).update(status=Story.Status.WITHDRAWN, section=make_section())
    assert stored_facet_rows() == expected_facet_rows()
    other.delete()
    assert stored_facet_rows() == expected_facet_rows()


def test_tag_and_author_pages_read_the_same_stories_from_either_path(client):
    tag, author = make_tag(slug="energy"), make_author(slug="anna")
    for i in range(15):
        make_story(headline=f"T{i}", tags=[tag] if i % 2 else [], authors=[author] if i % 3 else [],
                   published_at=ago(hours=i))  # fmt: skip
    expected_tag = [f"T{i}" for i in range(15) if i % 2][:10]
    expected_author = [f"T{i}" for i in range(15) if i % 3][:10]
    assert re.findall(r">(T\d+)</a></h2>", client.get("/tags/energy/").text) == expected_tag
    assert re.findall(r">(T\d+)</a></h2>", client.get("/authors/anna/").text) == expected_author


@pytest.mark.parametrize(
    ("extra", "numbers"),
    [
        ("", [2, 4, 8, 10, 14, 16, 20, 22, 26, 28]),  # even, not a multiple of 3
        ("&section=news", [2, 4, 8, 14, 16, 22, 26, 28]),  # ... and not a multiple of 5
        ("&ordering=oldest&tag=rail", [28, 20, 16, 8, 4]),  # ... a multiple of 4, oldest first
    ],
)
def test_several_tags_read_the_first_tags_rows_and_give_the_stories_of_all(extra, numbers):
    from django.http import QueryDict

    from articles.listing.filters import StoryFilter
    from articles.models import FacetListing

    news, world = make_section(slug="news"), make_section(slug="world")
    energy, ferries, rail = make_tag(slug="energy"), make_tag(slug="ferries"), make_tag(slug="rail")
    stories = {}
    for i in range(30):
        tags = [t for t, has in ((energy, i % 2 == 0), (ferries, i % 3), (rail, i % 4 == 0)) if has]
        stories[i] = make_story(tags=tags, section=news if i % 5 else world,
                                published_at=ago(hours=i + 1))  # fmt: skip
    make_story(tags=[energy, ferries, rail], status=Story.Status.DRAFT)  # never listed
    expected = [(s.pk, s.section_id, s.published_at) for s in (stories[i] for i in numbers)]
    storyfilter = StoryFilter(QueryDict(f"tag=energy&tag=ferries{extra}"))
    storyfilter.qs  # noqa: B018 (validates the form)
    rows = storyfilter.in_order()
    assert rows.model is (FacetListing if connection.vendor == "postgresql" else Story)
    assert list(rows) == expected
    ids = [next(iter(row.values())) for row in storyfilter.in_order(ids_only=True)]
    assert ids == [pk for pk, *_ in expected]
