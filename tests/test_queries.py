"""Page cost does not grow with the data: fixed query budgets, asserted with 3 and 300 stories."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Byline, Story
from tests.conftest import make_author, make_section, make_tag

pytestmark = pytest.mark.django_db

# foundation 4 + confirmed quotes with their sources (issue 3) + corrections (issue 6)
STORY_PAGE_BUDGET = 6
# Choosing the page's donation appeals: one query on a cold cache, none when cached
# (asserted precisely in tests/test_appeals.py).
APPEAL_SELECTION = 1
FRONT_PAGE_BUDGET = 6
LIST_PAGE_BUDGET = 6


def fill(count):
    """`count` published stories spread over five sections, each with two bylines and tags."""
    sections = [make_section() for _ in range(5)]
    authors = [make_author() for _ in range(4)]
    tags = [make_tag() for _ in range(3)]
    now = timezone.now()
    stories = Story.objects.bulk_create(
        Story(
            headline=f"Story {i}",
            slug=f"story-{i}",
            body="<p>Text.</p>",
            section=sections[i % 5],
            status=Story.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i + 1),
        )
        for i in range(count)
    )
    Byline.objects.bulk_create(
        Byline(story=story, author=authors[(i + k) % 4], position=k)
        for i, story in enumerate(stories)
        for k in range(2)
    )
    Story.tags.through.objects.bulk_create(
        Story.tags.through(story=story, tag=tag) for story in stories for tag in tags
    )
    return stories, sections, authors, tags


@pytest.mark.parametrize("count", [3, 300])
def test_story_page_query_budget(client, django_assert_max_num_queries, count):
    stories, *_ = fill(count)
    url = stories[-1].get_absolute_url()
    with django_assert_max_num_queries(STORY_PAGE_BUDGET + APPEAL_SELECTION):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [3, 300])
def test_front_page_query_budget(client, django_assert_max_num_queries, count):
    fill(count)
    with django_assert_max_num_queries(FRONT_PAGE_BUDGET):
        response = client.get("/")
    assert response.status_code == 200
    assert response.text.count('class="card') >= min(count, 3)


@pytest.mark.parametrize("count", [3, 300])
def test_section_tag_and_author_pages_query_budget(client, django_assert_max_num_queries, count):
    _, sections, authors, tags = fill(count)
    for obj in (sections[0], tags[0], authors[0]):
        with django_assert_max_num_queries(LIST_PAGE_BUDGET):
            assert client.get(obj.get_absolute_url()).status_code == 200
