"""List pages in the cached chrome, and the listing's form shared across requests: the same
page as a full render, the navigation and the form following a section or tag change, and bad
input still told apart from one request to the next."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from articles.listing.filters import StoryFilter, StoryFilterForm
from articles.models import BreakingNews, Quote, Source
from articles.snapshots import shell
from tests.factories import make_appeal, make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db


def normalised(html):
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture
def full_renders(monkeypatch):
    """Each list page served, beside the full template render of the same context."""
    pairs = []
    render_page = shell.render_page

    def both(request, template_name, context, make_request, chrome=None):
        html = render_page(request, template_name, context, make_request, chrome)
        pairs.append((html, render_to_string(template_name, context, request)))
        return html

    monkeypatch.setattr(shell, "render_page", both)
    return pairs


@pytest.fixture
def site():
    news, world = make_section(name="News", slug="news"), make_section(name="World", slug="world")
    russia, energy = make_tag(name="Russia", slug="russia"), make_tag(name="Energy", slug="energy")
    author = make_author(name="Ana Lima", slug="ana-lima")
    for n in range(12):
        story = make_story(
            headline=f"Story {n}",
            section=news if n % 3 else world,
            tags=[russia] if n % 2 else [russia, energy],
            authors=[author],
        )
    source = Source.objects.create(name="Yury Ushakov", slug="yury-ushakov")
    Quote.objects.create(
        story=story, source=source, text="Fine talks.", status=Quote.Status.CONFIRMED
    )
    return news


URLS = [
    "/stories/",
    "/stories/?section=news&tag=russia&ordering=newest",
    "/stories/?tag=russia&tag=energy&ordering=oldest&page=2",
    "/stories/?section=nope&tag=bad!slug&published_after=2024-13-01&page=x&utm_source=a",
    "/stories/?q=story",
    "/sections/news/",
    "/sections/world/?page=2",
    "/tags/russia/",
    "/authors/ana-lima/",
    "/sources/yury-ushakov/",
]


@pytest.mark.parametrize("url", URLS)
def test_a_list_page_in_the_cached_chrome_is_the_full_render(client, site, full_renders, url):
    make_appeal(name="Banner", placement="banner")
    BreakingNews.objects.create(text="Polls close", starts_at=timezone.now() - timedelta(hours=1))
    for _ in range(2):  # the chrome rendered, then from the cache
        response = client.get(url)
        assert response.status_code == 200
        served, full = full_renders[-1]
        assert response.text == served
        assert "\x01" not in served
        assert normalised(served) == normalised(full)
    assert 'class="appeal appeal--' in served and "Polls close" in served


def test_a_section_page_marks_its_section_in_the_navigation(client, site):
    world = client.get("/sections/world/").text
    news = client.get("/sections/news/").text
    assert '<a href="/sections/world/" aria-current="page">World</a>' in world
    assert '<a href="/sections/news/" aria-current="page">News</a>' in news
    assert 'aria-current="page"' not in client.get("/stories/").text


def test_the_navigation_and_the_form_follow_a_section_added_or_renamed(client, site):
    client.get("/sections/news/")
    client.get("/stories/")
    site.name = "Latest news"
    site.save()
    make_section(name="Science", slug="science")
    for url in ("/stories/", "/sections/news/"):
        html = client.get(url).text
        assert '<option value="news">Latest news</option>' in html or (
            '<option value="news" selected>Latest news</option>' in html
        )
        assert '<option value="science">Science</option>' in html
        assert '<a href="/sections/science/">Science</a>' in html  # header and footer
        assert ">News<" not in html


def test_the_facets_follow_a_tag_renamed(client, site):
    assert ">Energy</a>" in client.get("/stories/?section=news").text
    make_tag(name="Oil", slug="oil")
    from articles.models import Tag

    energy = Tag.objects.get(slug="energy")
    energy.name = "Energy policy"
    energy.save()
    html = client.get("/stories/?section=news").text
    assert ">Energy policy</a>" in html and ">Energy</a>" not in html
    assert "Tag: Energy policy" in client.get("/stories/?tag=energy").text


def test_one_requests_choices_are_not_anothers(client, site):
    """The form's fields are shared: a request's choices live on its own copies only."""
    first = StoryFilter(MultiValueDict({"tag": ["russia"], "section": ["news"]}))
    assert first.form.is_valid() and first.form.cleaned_data["tag"] == ["russia"]
    second = StoryFilter(MultiValueDict({"tag": ["energy"]}))
    assert second.form.is_valid() and second.form.cleaned_data["tag"] == ["energy"]
    assert list(first.form.fields["tag"].choices) == [("russia", "Russia")]
    assert list(second.form.fields["tag"].choices) == [("energy", "Energy")]
    for name in ("section", "tag", "author", "source"):
        assert [v for v, _ in StoryFilterForm.base_fields[name].choices if v] == [], name
    # Each filterset's filters call their own filterset's methods.
    assert first.filters["tag"].parent is first and second.filters["tag"].parent is second
    assert first.qs.count() == 8 and second.qs.count() == 6


def test_bad_input_is_still_told_apart_from_one_request_to_the_next(client, site):
    good = client.get("/stories/?tag=russia&published_after=2024-01-01").text
    assert "could not be used" not in good
    bad = client.get("/stories/?tag=nope&published_after=2024-02-30&ordering=sideways").text
    assert "The tag “nope” does not exist, so it was ignored." in bad
    assert "The “from” date was ignored: Enter a date as YYYY-MM-DD" in bad
    assert "“sideways” is not one of the orders offered" in bad
    again = client.get("/stories/?tag=russia&published_after=2024-01-01").text
    assert normalised(again) == normalised(good)
