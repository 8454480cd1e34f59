"""Who can see a story, and where it lives."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Byline, Story
from tests.factories import make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db


def test_published_story_is_public_at_its_dated_url(client):
    story = make_story(
        slug="a-story", published_at=timezone.make_aware(timezone.datetime(2021, 12, 15, 14, 30))
    )
    assert story.get_absolute_url() == "/2021/12/15/a-story/"
    response = client.get("/2021/12/15/a-story/")
    assert response.status_code == 200
    assert story.headline in response.text


@pytest.mark.parametrize(
    "status", [Story.Status.DRAFT, Story.Status.IN_REVIEW, Story.Status.WITHDRAWN]
)
def test_reader_cannot_see_an_unpublished_story_anywhere(client, status):
    tag, author = make_tag(), make_author()
    story = make_story(status=status, headline="Secret headline", tags=[tag], authors=[author])
    assert not Story.objects.published().filter(pk=story.pk).exists()
    for url in (
        story.get_absolute_url(),
        "/",
        story.section.get_absolute_url(),
        tag.get_absolute_url(),
        author.get_absolute_url(),
    ):
        response = client.get(url)
        assert "Secret headline" not in response.text, url
    # A withdrawn story's address says it was withdrawn (410); the others were never public.
    expected = 410 if status == Story.Status.WITHDRAWN else 404
    assert client.get(story.get_absolute_url()).status_code == expected


def test_reader_cannot_see_a_scheduled_story_before_its_time(client):
    story = make_story(headline="Tomorrow's news", published_at=timezone.now() + timedelta(days=1))
    assert story.is_scheduled
    assert client.get(story.get_absolute_url()).status_code == 404
    assert "Tomorrow&#x27;s news" not in client.get("/").text


def test_scheduled_story_appears_when_its_time_comes_without_any_job(client):
    story = make_story(published_at=timezone.now() + timedelta(seconds=1))
    assert not Story.objects.published().filter(pk=story.pk).exists()
    # Move the publication time into the past as the clock would, with no other step.
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert Story.objects.published().filter(pk=story.pk).exists()
    assert client.get(story.get_absolute_url()).status_code == 200


def test_one_rule_of_public_for_querysets_the_story_in_hand_and_the_admin_filter(rf):
    """Story.objects.published(), Story.is_public and the admin's "Live now" filter agree."""
    from articles.admin.workflow import ScheduleFilter

    now = timezone.now()
    kinds = {
        "live": make_story(),
        "draft": make_story(status=Story.Status.DRAFT),
        "review": make_story(status=Story.Status.IN_REVIEW),
        "withdrawn": make_story(status=Story.Status.WITHDRAWN),
        "scheduled": make_story(published_at=now + timedelta(hours=1)),
        "no time": make_story(published_at=None, status=Story.Status.DRAFT),
        "expired": make_story(published_at=now - timedelta(days=2),
                              withdraw_at=now - timedelta(days=1)),
        "leaving": make_story(published_at=now - timedelta(days=2),
                              withdraw_at=now + timedelta(days=1)),
    }  # fmt: skip
    public = set(Story.objects.published().values_list("pk", flat=True))
    live = ScheduleFilter(rf.get("/"), {"schedule": ["live"]}, Story, None)
    listed = set(live.queryset(None, Story.objects.all()).values_list("pk", flat=True))
    for kind, story in kinds.items():
        assert story.is_public == (story.pk in public) == (story.pk in listed), kind
    assert public == {kinds["live"].pk, kinds["leaving"].pk}


def test_published_without_a_time_is_not_public():
    story = make_story(published_at=None)
    assert not Story.objects.published().filter(pk=story.pk).exists()
    assert not story.is_public


def test_wrong_date_in_url_redirects_to_the_canonical_url(client):
    story = make_story(slug="dated", published_at=timezone.now() - timedelta(days=3))
    response = client.get("/2001/01/01/dated/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


@pytest.mark.parametrize(
    "url", ["/2021/1/15/a-story/", "/21/12/15/a-story/", "/2021/12/15/a story/", "/2021/12/15/"]
)
def test_malformed_story_urls_are_not_found(client, url):
    make_story(slug="a-story")
    assert client.get(url).status_code == 404


def test_story_page_shows_bylines_with_roles_and_links_to_author_pages(client):
    reporter, translator = make_author(name="Anna Petrova"), make_author(name="Olga Smirnova")
    story = make_story()
    Byline.objects.create(story=story, author=reporter, role=Byline.Role.REPORTED, position=0)
    Byline.objects.create(story=story, author=translator, role=Byline.Role.TRANSLATED, position=1)
    html = client.get(story.get_absolute_url()).text
    assert "Reported by" in html and "Translated by" in html
    assert html.index("Anna Petrova") < html.index("Olga Smirnova")
    assert f'href="{reporter.get_absolute_url()}"' in html


def test_story_page_has_time_element_and_shows_updated_only_when_it_differs(client):
    published = timezone.now() - timedelta(hours=5)
    story = make_story(published_at=published, updated_at=published)
    html = client.get(story.get_absolute_url()).text
    assert (
        f'<time datetime="{timezone.localtime(published).replace(microsecond=0).isoformat()}">'
        in html
    )
    assert "Updated" not in html
    story.updated_at = published + timedelta(hours=2)
    story.save()
    assert "Updated" in client.get(story.get_absolute_url()).text


def test_story_page_shows_section_tags_dateline_and_standfirst(client):
    section = make_section(name="Business", slug="business")
    story = make_story(section=section, tags=[make_tag(name="Energy")], dateline="MOSCOW")
    html = client.get(story.get_absolute_url()).text
    assert 'href="/sections/business/"' in html
    assert "Energy" in html and "MOSCOW" in html and story.standfirst in html


def test_section_tag_and_author_pages_paginate_and_keep_order(client):
    section, tag, author = make_section(), make_tag(), make_author()
    now = timezone.now()
    for i in range(12):
        make_story(
            headline=f"Paged story {i:02d}",
            section=section,
            tags=[tag],
            authors=[author],
            published_at=now - timedelta(hours=i + 1),
        )
    for obj in (section, tag, author):
        first = client.get(obj.get_absolute_url()).text
        assert "Paged story 00" in first and "Paged story 11" not in first
        assert "?page=2" in first
        second = client.get(obj.get_absolute_url() + "?page=2").text
        assert "Paged story 11" in second and "Paged story 00" not in second


def test_bad_page_numbers_fall_back_to_a_real_page(client):
    section = make_section()
    make_story(section=section, headline="Only story")
    for page in ("abc", "0", "-1", "999999"):
        response = client.get(section.get_absolute_url(), {"page": page})
        assert response.status_code == 200
        assert "Only story" in response.text


def test_unknown_section_tag_and_author_are_404_in_the_site_style(client):
    for url in ("/sections/nope/", "/tags/nope/", "/authors/nope/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "We couldn’t find that page" in response.text


def test_front_page_has_lead_top_stories_and_section_blocks(client):
    news, culture = make_section(name="News"), make_section(name="Culture")
    now = timezone.now()
    lead = make_story(
        section=news, headline="The lead story", published_at=now - timedelta(minutes=1)
    )
    for i in range(10):
        make_story(
            section=culture, headline=f"Culture {i}", published_at=now - timedelta(hours=i + 1)
        )
    html = client.get("/").text
    assert html.index(lead.headline) < html.index("Top stories")
    assert 'id="block-' in html


def test_preview_is_staff_only_never_cached_and_noindex(editor_client):
    story = make_story(status=Story.Status.DRAFT, headline="Draft headline")
    url = reverse("articles:story-preview", args=[story.pk])
    assert Client().get(url).status_code == 302  # readers are sent to log in
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "Draft headline" in response.text
    assert 'name="robots" content="noindex' in response.text
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_slug_is_derived_from_the_headline_when_empty():
    story = make_story(headline="Ruble Slips Again", slug="")
    assert story.slug == "ruble-slips-again"
