"""The filtered listing and search at /stories/, and the section, tag and author pages on it."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.listing import window
from articles.listing.filters import PARAMETERS
from articles.models import Quote, Source, Story
from tests.factories import make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db

LIST_PAGE_BUDGET = 4  # a search: the slugs, the window, its stories and their bylines
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def days_ago(n):
    return timezone.now() - timedelta(days=n)


@pytest.fixture
def world():
    """Two sections, two tags, two authors, a source; five public stories and two hidden."""
    news = make_section(name="News", slug="news")
    business = make_section(name="Business", slug="business")
    energy, sanctions = (
        make_tag(name="Energy", slug="energy"),
        make_tag(name="Sanctions", slug="sanctions"),
    )
    anna, olga = (
        make_author(name="Anna Petrova", slug="anna"),
        make_author(name="Olga Smirnova", slug="olga"),
    )
    w = {"news": news, "business": business, "energy": energy, "sanctions": sanctions}
    w["anna"], w["olga"] = anna, olga
    w["pipeline"] = make_story(
        headline="Gas pipeline talks stall",
        standfirst="Negotiators left without a deal.",
        body="<p>The talks on the new pipeline stalled on Monday.</p>",
        section=business,
        tags=[energy, sanctions],
        authors=[anna],
        published_at=days_ago(1),
    )
    w["ruble"] = make_story(
        headline="Ruble slips again",
        standfirst="The currency fell against the dollar.",
        body="<p>Analysts blamed the gas price and the sanctions.</p>",
        section=business,
        tags=[sanctions],
        authors=[olga],
        published_at=days_ago(10),
    )
    w["summit"] = make_story(
        headline="Leaders meet by video link",
        standfirst="A pipeline was among the topics.",
        body="<p>The two leaders spoke for an hour.</p>",
        section=news,
        tags=[energy],
        authors=[anna, olga],
        published_at=days_ago(40),
    )
    w["flood"] = make_story(
        headline="Floods hit the south",
        standfirst="Thousands evacuated.",
        body="<p>Rescue teams worked through the night.</p>",
        section=news,
        published_at=days_ago(400),
    )
    w["museum"] = make_story(
        headline="Museum reopens",
        standfirst="After three years of repairs.",
        body="<p>Visitors queued from early morning; one mentioned the pipeline.</p>",
        section=news,
        published_at=days_ago(800),
    )
    make_story(headline="Draft about pipeline", status=Story.Status.DRAFT, section=news)
    make_story(headline="Scheduled pipeline", published_at=days_ago(-2), section=news)
    ushakov = Source.objects.create(name="Yury Ushakov")
    Quote.objects.create(story=w["summit"], source=ushakov, text="Two friends", status="confirmed")
    Quote.objects.create(story=w["flood"], source=ushakov, text="Maybe", status="suggested")
    w["ushakov"] = ushakov
    return w


def headlines(response):
    """Result headlines in page order (markup such as <mark> removed)."""
    found = re.findall(r'<h2 class="result__headline"><a [^>]*>(.*?)</a>', response.text)
    return [re.sub(r"<[^>]+>", "", h) for h in found]


def notices(response):
    block = re.search(r'<div class="notices".*?</ul>', response.text, re.S)
    return block.group(0) if block else ""


# --- What readers see ---


def test_listing_shows_every_public_story_newest_first_and_nothing_hidden(client, world):
    response = client.get("/stories/")
    assert response.status_code == 200
    assert headlines(response) == [
        "Gas pipeline talks stall",
        "Ruble slips again",
        "Leaders meet by video link",
        "Floods hit the south",
        "Museum reopens",
    ]
    assert "5 stories, newest first" in response.text
    assert "Draft about pipeline" not in response.text
    assert "Scheduled pipeline" not in response.text


def test_each_result_shows_headline_standfirst_bylines_and_date(client, world):
    html = client.get("/stories/", {"tag": "sanctions", "section": "business"}).text
    assert "Ruble slips again" in html and "The currency fell against the dollar." in html
    assert 'href="/authors/olga/">Olga Smirnova</a>' in html
    published = timezone.localtime(world["ruble"].published_at).replace(microsecond=0)
    assert f'<time datetime="{published.isoformat()}">' in html


def test_search_matches_headline_standfirst_and_body_and_ranks_the_headline_first(client, world):
    response = client.get("/stories/", {"q": "pipeline"})
    found = headlines(response)
    # Headline match first, then standfirst, then body (and never the hidden stories).
    assert found[0] == "Gas pipeline talks stall"
    assert set(found) == {
        "Gas pipeline talks stall",
        "Leaders meet by video link",
        "Museum reopens",
    }
    assert found.index("Leaders meet by video link") < found.index("Museum reopens")
    assert "most relevant first" in response.text


def test_search_needs_every_word(client, world):
    assert headlines(client.get("/stories/", {"q": "gas sanctions"})) == ["Ruble slips again"]


def test_search_highlights_the_matched_words(client, world):
    html = client.get("/stories/", {"q": "pipeline"}).text
    assert re.search(r"<mark>pipeline</mark> talks stall", html, re.I)
    assert re.search(r'class="result__snippet">[^<]*<mark>pipeline</mark>', html, re.I)


def test_search_text_is_escaped_everywhere(client, world):
    html = client.get("/stories/", {"q": "<script>alert(1)</script> pipeline"}).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; pipeline" in html


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tromso", ["Northern lights over Tromsø"]),
        ("Tromsø", ["Northern lights over Tromsø"]),
        ("TROMSO", ["Northern lights over Tromsø"]),
        ("munchen", ["Northern lights over Tromsø"]),  # in the body only
        ("Malmo", ["Ferry to Malmö returns"]),
        ("lodz", ["Ferry to Malmö returns"]),  # "Łódź" in the standfirst: ł does not decompose
    ],
)
def test_search_folds_accents_on_every_database(client, world, q, expected):
    make_story(
        headline="Northern lights over Tromsø",
        standfirst="A clear night in the Arctic.",
        body="<p>Visitors flew in from München and Oslo.</p>",
        section=world["news"],
    )
    make_story(
        headline="Ferry to Malmö returns",
        standfirst="Passengers from Łódź were the first aboard.",
        section=world["news"],
    )
    assert headlines(client.get("/stories/", {"q": q})) == expected


def test_a_folded_search_highlights_the_accented_word(client, world):
    make_story(
        headline="Northern lights over Tromsø",
        body="<p>The sky over Tromsø turned green at midnight.</p>",
        section=world["news"],
    )
    html = client.get("/stories/", {"q": "tromso"}).text
    assert re.search(r"over <mark>Tromsø</mark>", html)
    assert re.search(r'class="result__snippet">[^<]*<mark>Tromsø</mark>', html)


@on_postgresql
def test_search_is_stemmed_on_postgresql(client, world):
    # "stalling" and "stall" share the stem "stall".
    assert headlines(client.get("/stories/", {"q": "stalling"})) == ["Gas pipeline talks stall"]


@on_postgresql
def test_search_vector_follows_every_kind_of_write(client, world):
    story = world["flood"]
    assert headlines(client.get("/stories/", {"q": "emergency"})) == []
    story.standfirst = "An emergency was declared."
    story.save()
    assert headlines(client.get("/stories/", {"q": "emergency"})) == ["Floods hit the south"]
    Story.objects.filter(pk=story.pk).update(headline="Floods and landslides hit the south")
    assert headlines(client.get("/stories/", {"q": "landslide"})) == [
        "Floods and landslides hit the south"
    ]
    # Sources quoted in confirmed quotes are part of the document, however the quote changed.
    assert headlines(client.get("/stories/", {"q": "ushakov"})) == ["Leaders meet by video link"]
    Quote.objects.filter(story=story).update(status="confirmed")  # as the admin action does
    assert len(headlines(client.get("/stories/", {"q": "ushakov"}))) == 2
    source = world["ushakov"]
    source.name = "Yuri Ushakov"
    source.save()
    assert len(headlines(client.get("/stories/", {"q": "yuri"}))) == 2
    Quote.objects.filter(story=story).delete()
    assert headlines(client.get("/stories/", {"q": "yuri"})) == ["Leaders meet by video link"]
    # Suggested quotes are not public, so they are not searchable either.
    Quote.objects.create(story=story, source=source, text="Perhaps", status="suggested")
    assert headlines(client.get("/stories/", {"q": "yuri"})) == ["Leaders meet by video link"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"section": "news"},
            ["Leaders meet by video link", "Floods hit the south", "Museum reopens"],
        ),
        ({"tag": "energy"}, ["Gas pipeline talks stall", "Leaders meet by video link"]),
        ({"author": "olga"}, ["Ruble slips again", "Leaders meet by video link"]),
        ({"source": "yury-ushakov"}, ["Leaders meet by video link"]),
        ({"published_after": "__20__"}, ["Gas pipeline talks stall", "Ruble slips again"]),
        (
            {"published_before": "__20__"},
            ["Leaders meet by video link", "Floods hit the south", "Museum reopens"],
        ),
    ],
)
def test_each_filter_alone(client, world, params, expected):
    day = (timezone.localdate() - timedelta(days=20)).isoformat()
    params = {k: day if v == "__20__" else v for k, v in params.items()}
    assert headlines(client.get("/stories/", params)) == expected


def test_source_filter_counts_only_confirmed_quotes(client, world):
    # The flood story has only a *suggested* Ushakov quote: not public, not a match.
    assert "Floods hit the south" not in headlines(
        client.get("/stories/", {"source": "yury-ushakov"})
    )


def test_filters_combine(client, world):
    params = {"section": "business", "tag": "sanctions", "author": "anna"}
    assert headlines(client.get("/stories/", params)) == ["Gas pipeline talks stall"]
    params = {
        "q": "pipeline",
        "section": "news",
        "published_after": days_ago(100).date().isoformat(),
    }
    assert headlines(client.get("/stories/", params)) == ["Leaders meet by video link"]


def test_several_tags_narrow_the_list(client, world):
    response = client.get("/stories/?tag=energy&tag=sanctions")
    assert headlines(response) == ["Gas pipeline talks stall"]


def test_date_range_includes_both_days(client, world):
    day = timezone.localtime(world["ruble"].published_at).date().isoformat()
    response = client.get("/stories/", {"published_after": day, "published_before": day})
    assert headlines(response) == ["Ruble slips again"]


@pytest.mark.parametrize(
    ("ordering", "first", "last"),
    [
        ("newest", "Gas pipeline talks stall", "Museum reopens"),
        ("oldest", "Museum reopens", "Gas pipeline talks stall"),
    ],
)
def test_ordering(client, world, ordering, first, last):
    found = headlines(client.get("/stories/", {"ordering": ordering}))
    assert (found[0], found[-1]) == (first, last)


def test_search_can_be_ordered_by_date_instead_of_relevance(client, world):
    found = headlines(client.get("/stories/", {"q": "pipeline", "ordering": "oldest"}))
    assert found == ["Museum reopens", "Leaders meet by video link", "Gas pipeline talks stall"]


def test_pagination_links_keep_every_filter(client, world):
    section = world["news"]
    for i in range(25):
        make_story(
            headline=f"Extra {i}",
            section=section,
            tags=[world["energy"]],
            published_at=days_ago(50 + i),
        )
    params = {"section": "news", "tag": "energy", "ordering": "oldest"}
    response = client.get("/stories/", params)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', response.text).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(nxt).query)
    assert query == {"section": ["news"], "tag": ["energy"], "ordering": ["oldest"], "page": ["2"]}
    second = client.get(nxt)
    assert "page 2 of 3" in second.text
    prev = re.search(r'<a rel="prev" href="([^"]+)"', second.text).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(prev).query) == {
        "section": ["news"],
        "tag": ["energy"],
        "ordering": ["oldest"],
    }
    # Every story appears exactly once across the pages.
    seen = (
        headlines(response)
        + headlines(second)
        + headlines(client.get(nxt.replace("page=2", "page=3")))
    )
    assert len(seen) == len(set(seen)) == 26


def test_facet_counts_follow_the_current_filters(client, world):
    html = client.get("/stories/").text
    assert re.search(r'section=news">News</a> <span class="facets__count">3</span>', html)
    assert re.search(r'section=business">Business</a> <span class="facets__count">2</span>', html)
    assert re.search(r'tag=energy">Energy</a> <span class="facets__count">2</span>', html)
    html = client.get("/stories/", {"tag": "energy"}).text
    assert re.search(r'News</a> <span class="facets__count">1</span>', html)
    assert re.search(r'Business</a> <span class="facets__count">1</span>', html)
    # The chosen tag is a chip, not a facet; the others are counted within it.
    assert re.search(r'tag=sanctions">Sanctions</a> <span class="facets__count">1</span>', html)
    assert 'tag=energy">Energy</a>' not in html.split('class="facets"')[1]


def test_active_filters_are_chips_that_remove_one_filter_each(client, world):
    html = client.get("/stories/", {"section": "news", "tag": "energy"}).text
    found = re.findall(r'<a class="chip" href="([^"]+)"[^>]*>([^<]+?) <span', html)
    chips = {label: href.replace("&amp;", "&") for href, label in found}
    assert chips == {"News": "/stories/?tag=energy", "Tag: Energy": "/stories/?section=news"}
    assert '<a class="chips__clear" href="/stories/">Clear all</a>' in html


def test_empty_result_says_so_and_offers_to_clear_the_filters(client, world):
    response = client.get("/stories/", {"q": "zeppelin", "section": "news"})
    assert response.status_code == 200
    assert headlines(response) == []
    assert "No published stories match these filters." in response.text
    assert 'href="/stories/">Clear all filters</a>' in response.text


def test_filter_form_works_without_javascript_and_is_labelled(client, world):
    html = client.get("/stories/", {"tag": "energy"}).text
    form = re.search(
        r'<form class="filters" method="get" action="/stories/".*?</form>', html, re.S
    ).group(0)
    for field in ("q", "section", "ordering", "published_after", "published_before"):
        assert f'<label for="id_{field}">' in form
        assert f'id="id_{field}"' in form
    # Filters without a visible control ride along as hidden fields.
    assert '<input type="hidden" name="tag" value="energy">' in form
    assert "<script" not in html


# --- Invalid input: a 200 that says what was ignored, never a 500 or a silently empty list ---


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("section=nope", "The section “nope” does not exist"),
        ("tag=nope&tag=energy", "The tag “nope” does not exist"),
        ("author=no-one", "The author “no-one” does not exist"),
        ("source=nobody", "The source “nobody” does not exist"),
        ("section=not%20a%20slug!", "is not a valid name"),
        ("published_after=yesterday", "Enter a date as YYYY-MM-DD"),
        ("published_before=2024-02-30", "Enter a date as YYYY-MM-DD"),
        ("published_after=0001-01-01", "Dates before 1800 cannot be used"),
        ("published_before=9999-12-31", "Dates after 2200 cannot be used"),
        ("ordering=bogus", "“bogus” is not one of the orders offered"),
        ("ordering=relevance", "Ordering by relevance needs search words"),
        ("page=abc", "“abc” is not a page number"),
        ("page=0", "Pages are numbered from 1"),
        ("page=999999", "There is only 1 page"),
        ("page=" + "9" * 5000, "There is only 1 page"),
        ("q=" + "x" * 10_000, "Search text can be at most 200 characters long"),
        ("q=the%20of%20and", "has no words specific enough"),
        ("q=pipe%00line", "Null characters are not allowed"),
        ("section=news%00", "is not a valid name"),
        ("section=news&section=business", "Only one section can be chosen at a time"),
        ("author=anna&author=olga", "Only one author can be chosen at a time"),
        ("sectoin=news", "“sectoin” is not a filter on this page"),
        ("tag=a&tag=b&tag=c&tag=d&tag=e&tag=energy", "At most 5 tags can be combined"),
    ],
)
def test_invalid_input_is_ignored_with_a_message(client, world, query, message):
    response = client.get("/stories/?" + query)
    assert response.status_code == 200
    assert message in notices(response)
    assert headlines(response), "bad input must not leave a silently empty list"
    assert '<meta name="robots" content="noindex">' in response.text


def test_valid_filters_still_apply_beside_an_invalid_one(client, world):
    response = client.get("/stories/?section=business&published_after=soon&tag=nope")
    assert headlines(response) == ["Gas pipeline talks stall", "Ruble slips again"]


def test_repeated_parameter_uses_the_first_value(client, world):
    response = client.get("/stories/?section=business&section=news")
    assert headlines(response) == ["Gas pipeline talks stall", "Ruble slips again"]


def test_repeated_page_uses_the_first_value_like_every_filter(client, world):
    for i in range(15):
        make_story(headline=f"Extra {i}", section=world["news"], published_at=days_ago(900 + i))
    response = client.get("/stories/?page=2&page=1")
    assert "Only one page can be chosen at a time; “2” is used" in notices(response)
    assert "page 2 of 2" in response.text


def test_the_same_value_twice_is_not_an_error(client, world):
    response = client.get("/stories/?section=news&section=news&tag=energy&tag=energy")
    assert notices(response) == ""
    assert headlines(response) == ["Leaders meet by video link"]


def test_reversed_dates_are_swapped(client, world):
    after, before = days_ago(5).date().isoformat(), days_ago(15).date().isoformat()
    response = client.get("/stories/", {"published_after": after, "published_before": before})
    assert "the two were swapped" in notices(response)
    assert headlines(response) == ["Ruble slips again"]


def test_tracking_parameters_are_ignored_silently(client, world):
    response = client.get("/stories/?utm_source=newsletter&utm_medium=email&fbclid=abc")
    assert notices(response) == ""
    assert len(headlines(response)) == 5


def test_page_past_the_end_shows_the_last_page(client, world):
    for i in range(15):
        make_story(headline=f"Extra {i}", section=world["news"], published_at=days_ago(900 + i))
    response = client.get("/stories/?page=7")
    assert "There are only 2 pages; the last one is shown." in notices(response)
    assert "page 2 of 2" in response.text


def test_a_huge_result_is_counted_only_up_to_the_limit(client, world, monkeypatch):
    # A date range is counted, not looked up (tests/test_listing_counts.py has the exact ones).
    monkeypatch.setattr(window, "BOUNDED_LIMIT", 3)
    monkeypatch.setattr(window, "TAG_WINDOW", 2)
    dates = {"published_after": "2000-01-01", "published_before": "2100-01-01"}
    response = client.get("/stories/", dates)
    assert "More than 3 stories" in response.text
    assert (
        "Section counts cover the first 3 results; tag counts cover the first 2." in response.text
    )
    sections = re.findall(r'class="facets__count">(\d+)<', response.text.split("Tags")[0])
    assert sum(map(int, sections)) == 4  # the first 3 and one more, to know there are more
    # Only the counted results can be browsed: past them the reader is asked to narrow.
    monkeypatch.setattr(window, "PAGE_SIZE", 1)
    response = client.get("/stories/", {**dates, "page": "5"})
    assert "Only the first 3 pages of results this many can be browsed" in notices(response)
    assert "page 3 of 3" in response.text


def test_without_stored_counts_the_whole_archive_is_counted_up_to_the_paging_bound(
    client, world, monkeypatch
):
    monkeypatch.setattr(window, "COUNT_LIMIT", 3)
    response = client.get("/stories/")
    if connection.vendor == "postgresql":
        assert "5 stories, newest first" in response.text  # stored, exact
    else:
        assert "More than 3 stories" in response.text


def test_a_search_ranks_within_its_newest_matches(client, world, monkeypatch):
    monkeypatch.setattr(window, "BOUNDED_LIMIT", 2)
    monkeypatch.setattr(window, "PAGE_SIZE", 1)
    response = client.get("/stories/", {"q": "pipeline"})
    assert "More than 2 stories, most relevant first among the newest 2" in response.text
    assert headlines(response) == ["Gas pipeline talks stall"]
    second = client.get("/stories/", {"q": "pipeline", "page": "2"})
    assert headlines(second) == ["Leaders meet by video link"]
    # Past the end of a ranked search: its last page, as for any other order.
    last = client.get("/stories/", {"q": "pipeline", "page": "9"})
    assert headlines(last) == ["Leaders meet by video link"]
    assert "Only the first 2 pages" in notices(last)


def test_thousands_of_parameters_get_a_400_that_says_why(client, world):
    client.raise_request_exception = False
    response = client.get("/stories/?" + "&".join(f"tag=t{i}" for i in range(1500)))
    assert response.status_code == 400
    assert "too many parameters" in response.text
    assert 'href="/stories/"' in response.text


def test_hundreds_of_unknown_and_bad_values_are_summarised(client, world):
    query = "&".join([*(f"tag=t{i}" for i in range(300)), *(f"x{i}=1" for i in range(90))])
    response = client.get("/stories/?" + query)
    assert response.status_code == 200
    assert "87 more unknown parameters were ignored." in notices(response)
    assert notices(response).count("<li>") < 15
    assert len(headlines(response)) == 5


# Anything a reader, a crawler or an attacker can put in a query string.
query_values = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["news", "energy", "anna", "yury-ushakov", "2024-01-01", "relevance", "1", "-1"]
    ),
    st.text(alphabet="0123456789-", max_size=12),
)
query_keys = st.one_of(
    st.sampled_from(PARAMETERS),
    st.text(max_size=20),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.lists(st.tuples(query_keys, query_values), max_size=8))
def test_no_query_string_makes_the_listing_fail(client, world, params):
    response = client.get("/stories/", params)
    assert response.status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.text(max_size=200))
def test_no_raw_query_string_makes_the_listing_fail(client, world, raw):
    response = client.get("/stories/?" + raw)
    assert response.status_code < 500


# --- One listing, many addresses: facet pages, canonical links, noindex ---


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/sections/business/", ["Gas pipeline talks stall", "Ruble slips again"]),
        ("/tags/energy/", ["Gas pipeline talks stall", "Leaders meet by video link"]),
        ("/authors/olga/", ["Ruble slips again", "Leaders meet by video link"]),
    ],
)
def test_section_tag_and_author_pages_are_the_listing_with_that_filter(
    client, world, url, expected
):
    response = client.get(url)
    assert headlines(response) == expected
    assert f'<link rel="canonical" href="http://testserver{url}">' in response.text
    assert 'name="robots"' not in response.text
    assert '<form class="filters"' in response.text


def test_facet_page_accepts_further_filters_and_then_is_noindex(client, world):
    response = client.get("/sections/news/", {"tag": "energy"})
    assert headlines(response) == ["Leaders meet by video link"]
    assert '<meta name="robots" content="noindex">' in response.text


def test_facet_page_pagination_stays_on_the_facet_page(client, world):
    for i in range(12):
        make_story(headline=f"Extra {i}", section=world["news"], published_at=days_ago(50 + i))
    html = client.get("/sections/news/").text
    assert '<a rel="next" href="/sections/news/?page=2">' in html
    assert (
        '<link rel="canonical" href="http://testserver/sections/news/?page=2">'
        in client.get("/sections/news/?page=2").text
    )


def test_one_facet_on_the_listing_points_to_the_facet_page(client, world):
    response = client.get("/stories/", {"tag": "energy"})
    assert '<link rel="canonical" href="http://testserver/tags/energy/">' in response.text
    assert 'name="robots"' not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "section=news&tag=energy",
        "tag=energy&tag=sanctions",
        "q=pipeline",
        "author=anna&published_after=2020-01-01",
    ],
)
def test_combinations_beyond_one_facet_and_searches_are_noindex(client, world, query):
    assert '<meta name="robots" content="noindex">' in client.get("/stories/?" + query).text


def test_one_source_points_to_the_source_page_once_a_story_quotes_it(client, world):
    response = client.get("/stories/", {"source": "yury-ushakov"})
    assert '<link rel="canonical" href="http://testserver/sources/yury-ushakov/">' in response.text
    Source.objects.create(name="Nobody Quoted")
    response = client.get("/stories/", {"source": "nobody-quoted"})
    assert '<link rel="canonical" href="http://testserver/stories/?source=nobody-quoted">' in (
        response.text
    )


def test_unfiltered_listing_is_indexable(client, world):
    response = client.get("/stories/")
    assert 'name="robots"' not in response.text
    assert '<link rel="canonical" href="http://testserver/stories/">' in response.text


def test_unknown_facet_page_is_404(client, world):
    for url in ("/sections/nope/", "/tags/nope/", "/authors/nope/"):
        assert client.get(url).status_code == 404


# --- Cost ---


QUERIES = [
    "",
    "section=news",
    "tag=energy&published_after=2020-01-01&published_before=2030-01-01",
    "author=anna",
    "source=yury-ushakov",
    "tag=energy&tag=sanctions",  # two tags: exact counts from stored pairs, the rarer tag read
    "tag=sanctions&tag=energy&section=news",
    "q=pipeline",
    "q=pipeline&section=news&tag=energy&tag=sanctions&author=anna&source=yury-ushakov&ordering=oldest",
    "page=2",
    "section=nope&tag=nope&page=abc&ordering=bogus",
]


@pytest.mark.parametrize("count", [3, 300])
def test_listing_query_budget_is_fixed_whatever_the_filters(
    client, django_assert_max_num_queries, world, count
):
    for i in range(count):
        make_story(
            headline=f"Pipeline extra {i}",
            section=world["news"],
            tags=[world["energy"], world["sanctions"]],
            authors=[world["anna"], world["olga"]],
            published_at=days_ago(2 + i / 100),
        )
    client.get("/stories/")  # the navigation sections are cached from here on
    for query in [*QUERIES, "/sections/news/", "/tags/energy/?author=anna"]:
        url = query if query.startswith("/") else "/stories/?" + query
        client.get(url)  # builds the page's cards (tests/test_queries.py: the first visit)
        with django_assert_max_num_queries(LIST_PAGE_BUDGET, info=url):
            assert client.get(url).status_code == 200


def test_navigation_sections_are_cached_and_refreshed_when_a_section_changes(client, world):
    client.get("/stories/")
    section = world["news"]
    section.name = "Home News"
    section.save()
    assert ">Home News</a>" in client.get("/").text
    make_section(name="Travel", slug="travel")
    assert 'href="/sections/travel/"' in client.get("/stories/").text


@pytest.mark.parametrize("path", ["/stories/", "/sources/yury-ushakov/"])
def test_a_page_number_past_any_integer_column_shows_the_last_page(client, world, path):
    """Issue 11: a source page with ?page=10000000000000000000 was a 500 (bigint out of range)."""
    response = client.get(path + "?page=10000000000000000000")
    assert response.status_code == 200
    assert "There is only 1 page" in notices(response)
    assert headlines(response)
