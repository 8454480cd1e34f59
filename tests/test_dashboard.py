"""The editors' dashboard on the admin's front page: in review (longest waiting first),
scheduled for today, my drafts and recently published, each with its count, in a fixed number
of queries (articles/admin/dashboard.py)."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.editorial.roles import APPEALS, EDITOR, REPORTER
from articles.models import Transition
from tests.factories import make_author, make_staff, make_story

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def later_today():
    """A moment between now and midnight, whenever the test runs."""
    now = timezone.now()
    midnight = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time())
    )
    return now + (midnight - now) / 2


def submitted(story, hours_ago, by=None):
    step = Transition.objects.create(story=story, user=by, from_status="draft", to_status="review")
    when = timezone.now() - timedelta(hours=hours_ago)
    Transition.objects.filter(pk=step.pk).update(created=when)


@pytest.fixture
def newsroom():
    rita, eddie = make_staff("rita", REPORTER), make_staff("eddie", EDITOR)
    rita_author = make_author(name="Rita Reporter", user=rita)
    now = timezone.now()
    stories = {
        "waiting long": make_story(headline="Waiting long", status="review", published_at=None,
                                   authors=[rita_author], created_by=rita),
        "just in": make_story(headline="Just in", status="review", published_at=None),
        "tonight": make_story(headline="Tonight", published_at=later_today()),
        "next week": make_story(headline="Next week", published_at=now + timedelta(days=7)),
        "rita's draft": make_story(headline="Rita's draft", status="draft", published_at=None,
                                   authors=[rita_author]),
        "eddie's draft": make_story(headline="Eddie's draft", status="draft",
                                    published_at=None, created_by=eddie),
        "this morning": make_story(headline="This morning", published_at=now - timedelta(hours=1)),
        "last month": make_story(headline="Last month", published_at=now - timedelta(days=30)),
        "withdrawn": make_story(headline="Withdrawn", status="withdrawn"),
    }  # fmt: skip
    submitted(stories["waiting long"], hours_ago=5, by=rita)
    submitted(stories["just in"], hours_ago=1)
    return {"rita": rita, "eddie": eddie, **stories}


def panels(response):
    return {panel.key: panel for panel in response.context["desk"]}


def headlines(panel):
    return [story.headline for story in panel.stories]


def test_an_editor_sees_what_waits_what_goes_out_today_their_drafts_and_what_went_out(
    client, newsroom
):
    client.force_login(newsroom["eddie"])
    response = client.get(INDEX)
    desk = panels(response)
    assert {key: panel.count for key, panel in desk.items()} == {
        "review": 2, "today": 1, "drafts": 1, "recent": 1,
    }  # fmt: skip
    assert headlines(desk["review"]) == ["Waiting long", "Just in"]  # longest waiting first
    assert headlines(desk["today"]) == ["Tonight"]
    assert headlines(desk["drafts"]) == ["Eddie's draft"]
    assert headlines(desk["recent"]) == ["This morning"]
    assert desk["review"].url == reverse("admin:articles_story_review")
    html = response.text
    assert "At the desk" in html and "waiting 5\xa0hours" in html
    assert 'id="desk-review"' in html and "Rita Reporter" in html
    assert "Stories, sources and appeals" in html  # the app list is still there


def test_a_reporter_sees_only_their_own_work_in_review_and_drafts(client, newsroom):
    client.force_login(newsroom["rita"])
    desk = panels(client.get(INDEX))
    assert headlines(desk["review"]) == ["Waiting long"]
    assert headlines(desk["drafts"]) == ["Rita's draft"]
    assert (desk["today"].count, desk["recent"].count) == (1, 1)
    assert desk["review"].url.endswith("?status__exact=review")  # no review queue for them


def test_my_drafts_show_the_note_they_were_sent_back_with(client, newsroom):
    draft = newsroom["rita's draft"]
    Transition.objects.create(story=draft, user=newsroom["eddie"], from_status="review",
                              to_status="draft", note="Needs the council's reply.")  # fmt: skip
    client.force_login(newsroom["rita"])
    response = client.get(INDEX)
    assert panels(response)["drafts"].stories[0].sent_back_note == "Needs the council's reply."
    assert "Sent back:</strong> “Needs the council&#x27;s reply.”" in response.text


def test_each_panel_shows_the_first_few_and_links_to_all(client, newsroom):
    for n in range(10):
        make_story(headline=f"Queue {n}", status="review", published_at=None)
    client.force_login(newsroom["eddie"])
    response = client.get(INDEX)
    review = panels(response)["review"]
    assert review.count == 12 and len(review.stories) == 8
    assert "All 12 in review" in response.text


def test_appeals_staff_get_no_story_dashboard(client, newsroom):
    client.force_login(make_staff("amy", APPEALS))
    response = client.get(INDEX)
    assert response.status_code == 200 and response.context["desk"] is None
    assert "At the desk" not in response.text


def test_the_dashboard_costs_the_same_queries_with_ten_times_the_stories(
    client, newsroom, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(newsroom["eddie"])
    client.get(INDEX)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    author = make_author()
    for n in range(40):
        make_story(headline=f"More {n}", status=["review", "draft", "published"][n % 3],
                   authors=[author], created_by=newsroom["eddie"])  # fmt: skip
    with django_assert_num_queries(len(few)):
        client.get(INDEX)
