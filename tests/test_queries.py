"""Page cost does not grow with the data: fixed query budgets, asserted with 3 and 300 stories."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Byline, Story
from tests.factories import make_author, make_section, make_tag

pytestmark = pytest.mark.django_db

# Budgets in a steady state: the site-wide caches (navigation sections, the appeal selection,
# the publisher's policies, the breaking-news strips) are warm. A cold cache costs at most
# COLD_EXTRA more queries, one for each of those.
# A story page is its snapshot: one query (the story, public now, with its snapshot). The first
# visit after a change with no snapshot built yet renders it: the snapshot's row (2), the story
# and what it shows (story, bylines, tags, confirmed quotes, corrections: 5), the store (1).
# The related stories under it are cached apart (2 queries when they are not: the stories,
# their bylines), until the next scheduled edge (9 aggregates when not cached, one per kind).
STORY_PAGE_BUDGET = 1
STORY_FIRST_VISIT_BUDGET = STORY_PAGE_BUDGET + 8 + 2 + 9
# The front page: its stories' cards (one query), where they go being cached apart
# (articles/front.py: front_page). When it is not: the picks in force, the newest stories,
# each section's newest (one UNION), and the next scheduled edge (9 aggregates, as above);
# building cards not built yet costs what it does on a list page.
FRONT_PAGE_BUDGET = 1
# Section, tag and author pages are the listing (issue 5): the facet's slug, the window and
# the page's cards (articles/snapshots/cards.py). A page whose cards are not built yet builds
# them in one batch: the snapshot rows (2), the stories and their bylines (2), the store (1).
LIST_PAGE_BUDGET = 3
LIST_FIRST_VISIT_BUDGET = LIST_PAGE_BUDGET + 5
FRONT_FIRST_VISIT_BUDGET = FRONT_PAGE_BUDGET + 3 + 9 + 5
COLD_EXTRA = 4  # ... and the breaking-news strips (issue 15)


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


def assert_budget(client, url, budget, django_assert_max_num_queries, first_visit=None):
    """Cold cache within budget + COLD_EXTRA (`first_visit` + COLD_EXTRA if given), then the
    same page within budget."""
    cold = (first_visit or budget) + COLD_EXTRA
    with django_assert_max_num_queries(cold, info=f"{url} (cold)"):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(budget, info=url):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("count", [3, 300])
def test_story_page_query_budget(client, django_assert_max_num_queries, count):
    stories, *_ = fill(count)
    url = stories[-1].get_absolute_url()
    assert_budget(
        client, url, STORY_PAGE_BUDGET, django_assert_max_num_queries, STORY_FIRST_VISIT_BUDGET
    )


def test_story_page_with_corrections_stays_within_budget(client, django_assert_max_num_queries):
    from articles.models import Correction

    stories, *_ = fill(3)
    Correction.objects.create(story=stories[0], text="An earlier version misspelt a name.")
    url = stories[0].get_absolute_url()
    response = assert_budget(
        client, url, STORY_PAGE_BUDGET, django_assert_max_num_queries, STORY_FIRST_VISIT_BUDGET
    )
    assert "misspelt a name" in response.text


@pytest.mark.parametrize("count", [3, 300])
def test_front_page_query_budget(client, django_assert_max_num_queries, count):
    fill(count)
    response = assert_budget(
        client, "/", FRONT_PAGE_BUDGET, django_assert_max_num_queries, FRONT_FIRST_VISIT_BUDGET
    )
    assert response.text.count('class="card') >= min(count, 3)


@pytest.mark.parametrize("count", [3, 300])
def test_section_tag_and_author_pages_query_budget(client, django_assert_max_num_queries, count):
    _, sections, authors, tags = fill(count)
    for obj in (sections[0], tags[0], authors[0]):
        url = obj.get_absolute_url()
        assert_budget(
            client, url, LIST_PAGE_BUDGET, django_assert_max_num_queries, LIST_FIRST_VISIT_BUDGET
        )
