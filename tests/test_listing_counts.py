"""The listing's result counts (issue 15): exact for the whole archive, a section and one tag,
author or source (stored counts on PostgreSQL, whatever the archive's size); "more than …" for
searches and other combinations; and the count line and pager right at the bounds."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from articles.listing import window
from articles.models import (
    FacetListing,
    ListingCount,
    Quote,
    Source,
    SourceListing,
    Story,
    TagPairCount,
)
from tests.factories import make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ListingCount is kept by PostgreSQL triggers"
)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def count_line(response):
    found = re.search(r'<p class="result-count"[^>]*>\s*(.*?)\s*</p>', response.text, re.S)
    return " ".join(found.group(1).split())


def shown_total(response):
    """The number of stories the count line states, or None for "More than …"."""
    line = count_line(response)
    if line.startswith(("More than", "Quoted in More than")):
        return None
    return int(re.search(r"([\d,]+) (?:published )?stor", line).group(1).replace(",", ""))


def section_counts(response):
    facets = response.text.split('<h2 class="facets__title">Tags</h2>')[0]
    found = re.findall(
        r'>([^<>]+)</(?:a|span)> <span class="facets__count">([\d,]+)</span>', facets
    )
    return {name: int(n.replace(",", "")) for name, n in found}


@pytest.fixture
def desk():
    """Two sections, a tag, an author and a source, on stories in every state."""
    news, world = make_section(name="News", slug="news"), make_section(name="World", slug="world")
    energy, anna = make_tag(name="Energy", slug="energy"), make_author(name="Anna", slug="anna")
    ushakov = Source.objects.create(name="Yury Ushakov", slug="ushakov")
    d = {"news": news, "world": world, "energy": energy, "anna": anna, "ushakov": ushakov}
    common = {"tags": [energy], "authors": [anna]}
    d["a"] = make_story(section=news, published_at=ago(days=1), **common)
    d["b"] = make_story(section=news, published_at=ago(days=2), **common)
    d["c"] = make_story(section=world, published_at=ago(days=3), **common)
    d["draft"] = make_story(section=news, status=Story.Status.DRAFT, **common)
    d["scheduled"] = make_story(section=news, published_at=ago(hours=-1), **common)
    d["leaving"] = make_story(
        section=world, published_at=ago(days=4), withdraw_at=ago(hours=-2), **common
    )
    d["gone"] = make_story(
        section=world, published_at=ago(days=5), withdraw_at=ago(hours=1), **common
    )
    for story in Story.objects.all():
        Quote.objects.create(story=story, source=ushakov, text="Words", status="confirmed")
    return d


LISTINGS = {
    "/stories/": {},
    "/stories/?section=news": {"section__slug": "news"},
    "/sections/world/": {"section__slug": "world"},
    "/tags/energy/": {"tags__slug": "energy"},
    "/tags/energy/?section=news": {"tags__slug": "energy", "section__slug": "news"},
    "/authors/anna/": {"bylines__author__slug": "anna"},
    "/sources/ushakov/": {"quotes__source__slug": "ushakov", "quotes__status": "confirmed"},
}


def assert_pages_tell_the_truth(client):
    for url, lookup in LISTINGS.items():
        public = Story.objects.published().filter(**lookup).distinct()
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown_total(response) == public.count(), (url, count_line(response))
        by_section = (
            public.order_by().values("section__name").annotate(n=Count("pk", distinct=True))
        )
        if "section" not in url:
            assert section_counts(response) == {r["section__name"]: r["n"] for r in by_section}, url


def stored_counts_agree_with_a_fresh_count():
    """ListingCount holds what counting every standing story from scratch gives."""
    standing = {"status": "published", "published_at__isnull": False, "withdraw_at__isnull": True}
    stories = Story.objects.filter(**standing).values("section_id").annotate(n=Count("pk"))
    fresh = {("all", 0, r["section_id"]): r["n"] for r in stories}
    for r in (
        FacetListing.objects.filter(**standing)
        .values("kind", "facet_id", "section_id")
        .annotate(n=Count("pk"))
    ):
        fresh[(r["kind"], r["facet_id"], r["section_id"])] = r["n"]
    for r in (
        SourceListing.objects.filter(**standing)
        .values("source_id", "section_id")
        .annotate(n=Count("pk"))
    ):
        fresh[("source", r["source_id"], r["section_id"])] = r["n"]
    stored = {(c.kind, c.facet_id, c.section_id): c.stories for c in ListingCount.objects.all()}
    assert {key: n for key, n in stored.items() if n} == fresh


@on_postgresql
def test_exact_counts_follow_every_write_that_changes_what_readers_see(client, desk):
    assert_pages_tell_the_truth(client)
    stored_counts_agree_with_a_fresh_count()
    desk["draft"].status = Story.Status.PUBLISHED
    desk["draft"].published_at = ago(hours=3)
    desk["draft"].save()
    Story.objects.filter(pk=desk["a"].pk).update(section=desk["world"])  # no save(): still kept
    desk["b"].status = Story.Status.WITHDRAWN
    desk["b"].save()
    desk["c"].tags.clear()
    desk["c"].bylines.all().delete()
    Quote.objects.filter(story=desk["c"]).update(status="rejected")
    Story.objects.filter(pk=desk["leaving"].pk).update(withdraw_at=None)
    assert_pages_tell_the_truth(client)
    stored_counts_agree_with_a_fresh_count()
    desk["draft"].delete()
    assert_pages_tell_the_truth(client)
    stored_counts_agree_with_a_fresh_count()


@on_postgresql
def test_exact_counts_change_when_a_publication_or_withdrawal_time_comes(client, desk, monkeypatch):
    assert shown_total(client.get("/stories/")) == 4  # a, b, c and the one still to leave
    real_now = timezone.now
    for hours, expected in ((1.5, 5), (3, 4)):  # the scheduled one arrives, then one leaves
        moment = real_now() + timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        assert shown_total(client.get("/stories/")) == expected
        assert shown_total(client.get("/tags/energy/")) == expected
        assert_pages_tell_the_truth(client)


@on_postgresql
def test_an_exact_count_past_the_paging_bound_is_still_the_true_count(client, desk, monkeypatch):
    monkeypatch.setattr(window, "COUNT_LIMIT", 2)
    monkeypatch.setattr(window, "PAGE_SIZE", 1)
    response = client.get("/stories/")
    assert count_line(response) == (
        "4 stories, newest first · page 1 of 2"
        " (pages of the first 2; choose dates to reach the rest)"
    )
    assert section_counts(response) == {"News": 2, "World": 2}  # exact, no "first N" note
    assert "Section counts cover" not in response.text
    past = client.get("/stories/?page=3")
    assert "Only the first 2 pages of results this many can be browsed" in past.text
    assert "page 2 of 2" in count_line(past)


@pytest.mark.parametrize(
    ("stories", "line"),
    [
        (3, "3 stories, newest first · page 1 of 2"),  # right at the bound: counted, not "more"
        (4, "More than 3 stories, newest first · page 1 of 2"),  # one past it
    ],
)
def test_a_combination_is_counted_up_to_its_bound(client, monkeypatch, stories, line):
    monkeypatch.setattr(window, "BOUNDED_LIMIT", 3)
    monkeypatch.setattr(window, "PAGE_SIZE", 2)
    for day in range(stories):
        make_story(published_at=ago(days=day + 1))
    dates = f"published_after={ago(days=30).date()}&published_before={timezone.now().date()}"
    response = client.get(f"/stories/?{dates}")
    assert count_line(response) == line
    last = client.get(f"/stories/?{dates}&page=2")
    # The last page is a full page when there are more: stories 3 and 4 of "more than 3".
    assert len(re.findall(r'class="result__headline"', last.text)) == min(stories - 2, 2)
    assert "page 2 of 2" in count_line(last)
    beyond = client.get(f"/stories/?{dates}&page=3")
    expected = "Only the first 2 pages" if stories > 3 else "There are only 2 pages"
    assert expected in beyond.text


def tag_counts(response):
    """{tag name: count} of the page's tag facets."""
    parts = response.text.split('<h2 class="facets__title">Tags</h2>')
    if len(parts) == 1:
        return {}
    found = re.findall(
        r'>([^<>]+)</a> <span class="facets__count">([\d,]+)</span>', parts[1].split("</ul>")[0]
    )
    return {name: int(n.replace(",", "")) for name, n in found}


# The listings whose tag facets come from stored counts on PostgreSQL: the whole archive and a
# section (ListingCount), one tag, author or source, in a section or not (TagPairCount).
TAGGED = {
    "/stories/": {},
    "/stories/?section=news": {"section__slug": "news"},
    "/sections/world/": {"section__slug": "world"},
    "/tags/energy/": {"tags__slug": "energy"},
    "/tags/oil/?section=world": {"tags__slug": "oil", "section__slug": "world"},
    "/authors/anna/": {"bylines__author__slug": "anna"},
    "/stories/?author=anna&section=news": {
        "bylines__author__slug": "anna",
        "section__slug": "news",
    },
    "/sources/ushakov/": {"quotes__source__slug": "ushakov", "quotes__status": "confirmed"},
}


def assert_tag_facets_tell_the_truth(client):
    for url, lookup in TAGGED.items():
        public = Story.objects.published().filter(**lookup)
        links = Story.tags.through.objects.filter(story__in=public)
        if "tags__slug" in lookup:  # a tag's own listing does not offer that tag
            links = links.exclude(tag__slug=lookup["tags__slug"])
        fresh = {r["tag__name"]: r["n"] for r in links.values("tag__name").annotate(n=Count("pk"))}
        assert tag_counts(client.get(url)) == fresh, url
    if connection.vendor == "postgresql":
        stored_pairs_agree_with_a_fresh_count()


def stored_pairs_agree_with_a_fresh_count():
    """TagPairCount holds what pairing every standing story (kind "all") and its tags, authors
    and sources with its (other) tags from scratch gives, per section and over all sections."""
    standing = {"status": "published", "published_at__isnull": False, "withdraw_at__isnull": True}
    rows = {}
    for f in FacetListing.objects.filter(**standing):
        rows.setdefault(f.story_id, []).append((f.kind, f.facet_id, f.section_id))
    for s in SourceListing.objects.filter(**standing):
        rows.setdefault(s.story_id, []).append(("source", s.source_id, s.section_id))
    fresh = {}
    for facets in rows.values():
        for kind, facet_id, _ in [("all", 0, None), *facets]:
            for other_kind, tag_id, section_id in facets:
                if other_kind != "tag" or (kind, facet_id) == ("tag", tag_id):
                    continue
                for section in (section_id, 0):
                    key = (kind, facet_id, section, tag_id)
                    fresh[key] = fresh.get(key, 0) + 1
    stored = {
        (p.kind, p.facet_id, p.section_id, p.tag_id): p.stories
        for p in TagPairCount.objects.exclude(stories=0)
    }
    assert stored == fresh


def test_tag_facets_follow_every_write_that_changes_what_readers_see(client, desk):
    oil = make_tag(name="Oil", slug="oil")
    for name in ("a", "c", "scheduled", "leaving", "gone", "draft"):
        desk[name].tags.add(oil)
    assert tag_counts(client.get("/stories/")) == {"Energy": 4, "Oil": 3}  # a, c, leaving
    assert_tag_facets_tell_the_truth(client)
    desk["draft"].status = Story.Status.PUBLISHED  # publish
    desk["draft"].published_at = ago(hours=3)
    desk["draft"].save()
    assert tag_counts(client.get("/stories/")) == {"Energy": 5, "Oil": 4}
    Story.objects.filter(pk=desk["a"].pk).update(section=desk["world"])  # no save(): still kept
    desk["b"].status = Story.Status.WITHDRAWN  # unpublish
    desk["b"].save()
    desk["c"].tags.remove(desk["energy"])  # tag changes, both ways
    desk["leaving"].tags.add(make_tag(name="Gas", slug="gas"))
    Story.objects.filter(pk=desk["leaving"].pk).update(withdraw_at=None)
    assert_tag_facets_tell_the_truth(client)
    desk["draft"].delete()
    desk["gone"].delete()
    assert tag_counts(client.get("/stories/")) == {"Energy": 2, "Oil": 3, "Gas": 1}
    assert_tag_facets_tell_the_truth(client)


def test_tag_facets_change_when_a_publication_or_withdrawal_time_comes(client, desk, monkeypatch):
    oil = make_tag(name="Oil", slug="oil")
    for name in ("scheduled", "leaving"):
        desk[name].tags.add(oil)
    assert tag_counts(client.get("/stories/")) == {"Energy": 4, "Oil": 1}  # the one to leave
    real_now = timezone.now
    for hours, expected in ((1.5, {"Energy": 5, "Oil": 2}), (3, {"Energy": 4, "Oil": 1})):
        moment = real_now() + timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        assert tag_counts(client.get("/stories/")) == expected
        assert_tag_facets_tell_the_truth(client)


def test_only_stored_tag_counts_go_past_the_tag_window(client, desk, monkeypatch):
    """The tag facets of the whole archive, a section and one tag, author or source are exact
    on PostgreSQL, however many results; on SQLite, and for any other listing, they count the
    first TAG_WINDOW."""
    monkeypatch.setattr(window, "TAG_WINDOW", 2)
    note = "Tag counts cover the first 2."
    listing, author_page = client.get("/stories/"), client.get("/authors/anna/")
    dated = client.get(f"/stories/?author=anna&published_after={ago(days=30).date()}")
    for response in (listing, author_page):
        if connection.vendor == "postgresql":
            assert tag_counts(response) == {"Energy": 4}
            assert note not in response.text
        else:
            assert tag_counts(response) == {"Energy": 2}
            assert note in response.text
    assert tag_counts(dated) == {"Energy": 2}  # a date range: counted from the window
    assert note in dated.text


def assert_two_tags_tell_the_truth(client, urls):
    for url in urls:
        public = Story.objects.published()
        for slug in re.findall(r"tag=([a-z]+)", url):
            public = public.filter(tags__slug=slug)
        if section := re.search(r"section=([a-z]+)", url):
            public = public.filter(section__slug=section.group(1))
        response = client.get(url)
        assert shown_total(response) == public.count(), (url, count_line(response))
        if "section" not in url:
            by_section = public.values("section__name").annotate(n=Count("pk"))
            assert section_counts(response) == {r["section__name"]: r["n"] for r in by_section}


def test_two_tags_are_counted_exactly_and_read_from_the_rarer_tag(
    client, desk, django_assert_max_num_queries
):
    """Two tags: their stories counted exactly on PostgreSQL (TagPairCount), per section,
    through every write and the times still to come; the list is the same whichever tag is
    named first, and the rarer one is read (StoryFilter.rarest_first)."""
    oil = make_tag(name="Oil", slug="oil")
    for name in ("a", "c", "scheduled", "leaving", "gone", "draft"):
        desk[name].tags.add(oil)
    make_story(section=desk["world"], tags=[desk["energy"]], published_at=ago(days=6))
    urls = ("/stories/?tag=energy&tag=oil", "/stories/?tag=oil&tag=energy&section=world")
    assert_two_tags_tell_the_truth(client, urls)
    first, second = (client.get(u) for u in (urls[0], "/stories/?tag=oil&tag=energy"))
    headlines = re.findall(r'class="result__headline"[^>]*>\s*<a[^>]*>([^<]+)', first.text)
    assert headlines == re.findall(r'class="result__headline"[^>]*>\s*<a[^>]*>([^<]+)', second.text)
    assert len(headlines) == 3  # a, c and the one still to leave
    if connection.vendor == "postgresql":
        assert "More than" not in count_line(first)
        assert [s.pk for s in _chosen(urls[0])] == [oil.pk, desk["energy"].pk]
    desk["b"].tags.add(oil)  # writes that change what readers see
    desk["c"].tags.remove(desk["energy"])
    desk["draft"].status = Story.Status.PUBLISHED
    desk["draft"].published_at = ago(hours=3)
    desk["draft"].save()
    Story.objects.filter(pk=desk["a"].pk).update(section=desk["world"])
    assert_two_tags_tell_the_truth(client, urls)
    real_now = timezone.now
    for hours in (1.5, 3):  # the scheduled one arrives, then one leaves
        moment = real_now() + timedelta(hours=hours)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(timezone, "now", lambda moment=moment: moment)
            assert_two_tags_tell_the_truth(client, urls)
    with django_assert_max_num_queries(3):
        client.get(urls[1])


def _chosen(url):
    """The chosen tags of the listing at `url`, rarest first, as the listing reads them."""
    from django.http import QueryDict

    from articles.listing.filters import StoryFilter

    storyfilter = StoryFilter(QueryDict(url.split("?", 1)[1]))
    return [storyfilter.resolved["tag"][slug] for slug in storyfilter.rarest_first()]
