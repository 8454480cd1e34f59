"""What readers get at a story's address once it is not a live story's current one: a withdrawn
story says so (410, in the site's own page), and nothing leaks about stories never public."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial.workflow import change_status
from articles.models import Story
from tests.conftest import make_story

pytestmark = pytest.mark.django_db


def withdraw(story, note="The figures were wrong.", show_note=False):
    change_status(Story.objects.filter(pk=story.pk), Story.Status.WITHDRAWN, None, note, show_note)


def test_a_withdrawn_story_answers_410_with_the_reason_the_editor_chose_to_show(client):
    story = make_story(headline="Council leak")
    withdraw(story, show_note=True)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    assert "This story has been withdrawn" in response.text
    assert "The figures were wrong." in response.text
    assert "Council leak" not in response.text
    assert response["X-Robots-Tag"] == "noindex"
    assert 'class="site-name"' in response.text  # the site's page, not a bare error


def test_the_reason_stays_private_unless_the_editor_chose_to_show_it(client):
    story = make_story()
    withdraw(story, note="Defamation claim from the mayor's lawyers.")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    assert "Defamation" not in response.text


def test_a_story_past_its_withdrawal_time_answers_410(client):
    now = timezone.now()
    story = make_story(published_at=now - timedelta(days=2), withdraw_at=now - timedelta(hours=1))
    assert client.get(story.get_absolute_url()).status_code == 410


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Story.Status.DRAFT},
        {"status": Story.Status.IN_REVIEW},
        {"published_at": timezone.now() + timedelta(days=1)},
        {"status": Story.Status.WITHDRAWN, "published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "in review", "scheduled", "withdrawn before it went live"],
)
def test_a_story_that_was_never_public_is_simply_not_found(client, overrides):
    story = make_story(**overrides)
    url = f"/{timezone.localdate():%Y/%m/%d}/{story.slug}/"
    assert client.get(url).status_code == 404


def test_an_address_no_story_ever_had_is_not_found(client):
    assert client.get("/2024/02/30/no-such-story/").status_code == 404
