"""What readers get at a story's address once it is not a live story's current one: a withdrawn
story says so (410, in the site's own page), every address a story was public at redirects
(301) to its current one, and nothing leaks about stories never public."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial.workflow import change_status
from articles.models import FormerAddress, Story
from tests.factories import make_author, make_story

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


# --- Former addresses: every address a story was public at keeps leading to it ---


def rename(client, story, slug, **changes):
    from django.urls import reverse

    from tests.admin_forms import admin_form_data

    url = reverse("admin:articles_story_change", args=[story.pk])
    response = client.post(url, admin_form_data(client.get(url), slug=slug, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    return story.get_absolute_url()


def test_every_address_a_story_had_redirects_to_its_current_one(editor_client, client):
    story = make_story(slug="bus-fares", authors=[make_author()])
    first = story.get_absolute_url()
    second = rename(editor_client, story, "bus-fares-rise")
    current = rename(editor_client, story, "bus-fares-rise-again")
    for old in (first, second):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == current
    assert client.get(current).status_code == 200
    assert set(story.former_addresses.values_list("slug", flat=True)) == {
        "bus-fares",
        "bus-fares-rise",
    }


def test_a_new_publication_day_and_slug_together_still_redirect(editor_client, client):
    story = make_story(slug="old-day", authors=[make_author()])
    first = story.get_absolute_url()
    current = rename(
        editor_client, story, "new-day", published_at_0="2024-03-05", published_at_1="08:00:00"
    )
    assert current == "/2024/03/05/new-day/"
    assert client.get(first)["Location"] == current


def test_an_old_address_leads_to_its_own_story_when_another_takes_the_slug(editor_client, client):
    budget = make_story(slug="budget", authors=[make_author()])
    first = budget.get_absolute_url()
    rename(editor_client, budget, "budget-2025")
    newcomer = make_story(slug="budget", published_at=timezone.now() - timedelta(days=30))
    assert client.get(newcomer.get_absolute_url()).status_code == 200
    assert client.get(first)["Location"] == budget.get_absolute_url()


def test_a_story_withdrawn_after_a_rename_says_so_at_its_old_address_too(editor_client, client):
    story = make_story(slug="first-slug", authors=[make_author()])
    first = story.get_absolute_url()
    rename(editor_client, story, "second-slug")
    withdraw(story)
    assert client.get(first).status_code == 410
    assert client.get(story.get_absolute_url()).status_code == 410


def test_renaming_a_story_nobody_could_read_keeps_no_former_address(editor_client):
    scheduled = make_story(slug="embargoed", published_at=timezone.now() + timedelta(days=2))
    scheduled.bylines.create(author=make_author())
    draft = make_story(slug="draft-slug", status=Story.Status.DRAFT, authors=[make_author()])
    rename(editor_client, scheduled, "embargoed-renamed")
    rename(editor_client, draft, "draft-renamed")
    assert not FormerAddress.objects.exists()


def test_the_story_form_lists_the_addresses_that_redirect_to_it(editor_client):
    from django.urls import reverse

    story = make_story(slug="was-this", authors=[make_author()])
    first = story.get_absolute_url()
    rename(editor_client, story, "is-this")
    html = editor_client.get(reverse("admin:articles_story_change", args=[story.pk])).text
    assert first in html


def test_the_migration_keeps_the_addresses_stories_had_before_it():
    """Stories renamed before former addresses were kept: their revisions remember."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from articles.editorial.revisions import snapshot

    story = make_story(slug="before-upgrade")
    old = story.get_absolute_url()
    snapshot(story)
    Story.objects.filter(pk=story.pk).update(slug="after-upgrade", version=2)
    story.refresh_from_db()
    snapshot(story)
    migration = importlib.import_module("articles.migrations.0021_former_addresses")
    migration.from_revisions(apps, connection.schema_editor())
    assert [str(a) for a in FormerAddress.objects.all()] == [old]
