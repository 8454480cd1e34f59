"""Corrections and clarifications: on the story, on /corrections/, in JSON-LD, in "Updated"."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.caching import invalidation
from articles.editorial.roles import EDITOR
from articles.models import Correction, Story
from tests.admin_forms import admin_form_data
from tests.factories import make_author, make_staff, make_story

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html):
    (block,) = JSON_LD.findall(html)
    return json.loads(block)


@pytest.fixture
def desk(client):
    client.force_login(make_staff("eddie", EDITOR))
    return client


@pytest.fixture
def story():
    return make_story(
        headline="Bridge reopens",
        body="<p>The bridge reopened on Monday.</p>",
        published_at=timezone.now() - timedelta(days=2),
        authors=[make_author(name="Anna Petrova")],
    )


def add_correction(client, story, **fields):
    url = reverse("admin:articles_story_change", args=[story.pk])
    page = client.get(url)
    data = admin_form_data(page, **{"corrections-TOTAL_FORMS": "1"})
    data |= {f"corrections-0-{name}": value for name, value in fields.items()}
    data.setdefault("corrections-0-published_at_0", "")
    return client.post(url, data)


def test_editor_corrects_a_story_and_readers_see_it_on_top(desk, story):
    url = reverse("admin:articles_story_change", args=[story.pk])
    page = desk.get(url)
    data = admin_form_data(
        page,
        body="<p>The bridge reopened on Tuesday.</p>",
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "An earlier version said the bridge reopened on Monday.",
            "corrections-0-published_at_0": timezone.localdate().isoformat(),
            "corrections-0-published_at_1": timezone.localtime().strftime("%H:%M:%S"),
        },
    )
    assert desk.post(url, data).status_code == 302
    correction = story.corrections.get()
    # It is tied to the very revision that made the change, and it updates "Updated".
    assert correction.revision.number == 2
    assert "Tuesday" in correction.revision.body
    story.refresh_from_db()
    assert story.updated_at == correction.published_at and story.shows_updated

    html = desk.get(story.get_absolute_url()).text
    top = html.index('class="corrections corrections--top"')
    assert html.index("story__header") < top < html.index("story__body")
    assert "An earlier version said the bridge reopened on Monday." in html
    assert "Updated" in html


def test_clarifications_go_at_the_bottom(client, story):
    Correction.objects.create(story=story, kind="clarification", text="Monday means 3 March.")
    html = client.get(story.get_absolute_url()).text
    assert html.index("story__body") < html.index("corrections--bottom")
    assert "corrections--top" not in html and "Monday means 3 March." in html


def test_a_draft_cannot_be_corrected(desk):
    draft = make_story(status=Story.Status.DRAFT, published_at=None, authors=[make_author()])
    response = add_correction(desk, draft, kind="correction", text="Nothing to correct yet.")
    assert response.status_code == 200
    assert "Corrections are for published stories" in response.text
    assert not Correction.objects.exists()


def test_corrections_page_lists_only_public_stories_newest_first(client, story):
    older = Correction.objects.create(
        story=story, text="Older correction.", published_at=timezone.now() - timedelta(hours=5)
    )
    Correction.objects.create(story=story, kind="clarification", text="Newer clarification.")
    hidden = make_story(status=Story.Status.WITHDRAWN, headline="Withdrawn piece")
    Correction.objects.create(story=hidden, text="Not for readers.")
    response = client.get(reverse("articles:correction-list"))
    assert response.status_code == 200
    html = response.text
    assert html.index("Newer clarification.") < html.index("Older correction.")
    assert "Not for readers." not in html and "Withdrawn piece" not in html
    assert f'href="{older.get_absolute_url()}"' in html
    assert reverse("articles:correction-list") in client.get("/").text  # linked from the footer


def test_corrections_page_paginates_and_copes_with_bad_page_numbers(client, story):
    Correction.objects.bulk_create(Correction(story=story, text=f"Fix {n}.") for n in range(30))
    assert "Page 2 of 2" in client.get("/corrections/", {"page": 2}).text
    assert client.get("/corrections/", {"page": "nope"}).status_code == 200


def test_json_ld_carries_corrections_as_correction_comments(client, story):
    when = timezone.now() - timedelta(hours=1)
    Correction.objects.create(
        story=story, text="The bridge is 40 m long, not 400 m.", published_at=when
    )
    data = json_ld(client.get(story.get_absolute_url()).text)
    assert data["@type"] == "NewsArticle" and data["headline"] == "Bridge reopens"
    assert data["author"][0]["name"] == "Anna Petrova"
    (comment,) = data["correction"]
    assert comment["@type"] == "CorrectionComment"
    assert comment["text"] == "Correction: The bridge is 40 m long, not 400 m."
    assert comment["datePublished"].startswith(when.isoformat()[:19])


def test_json_ld_without_corrections_and_with_hostile_text(client):
    story = make_story(headline="</script><script>alert(1)</script> & more")
    html = client.get(story.get_absolute_url()).text
    data = json_ld(html)
    assert "correction" not in data
    assert data["headline"] == "</script><script>alert(1)</script> & more"
    assert "<script>alert(1)" not in html


def test_story_page_query_count_does_not_grow_with_corrections(
    client, story, django_assert_max_num_queries
):
    url = story.get_absolute_url()
    Correction.objects.create(story=story, text="One.")
    # Each visit renders the page's snapshot: the first one, and the one after the change.
    with django_assert_max_num_queries(24) as one:
        client.get(url)
    Correction.objects.bulk_create(Correction(story=story, text=f"Fix {n}.") for n in range(20))
    invalidation.story_related_changed(story.pk)  # what the write path says after a bulk write
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


def test_corrections_log_in_the_admin_lists_and_rewords_but_adds_on_the_story(desk, story):
    correction = Correction.objects.create(story=story, text="Speling mistake in the name.")
    changelist = desk.get(reverse("admin:articles_correction_changelist"))
    assert changelist.status_code == 200 and "Speling mistake" in changelist.text
    assert desk.get(reverse("admin:articles_correction_add")).status_code == 403
    url = reverse("admin:articles_correction_change", args=[correction.pk])
    page = desk.get(url)
    data = admin_form_data(page, text="Spelling mistake in the name.")
    assert desk.post(url, data).status_code == 302
    correction.refresh_from_db()
    assert correction.text == "Spelling mistake in the name." and correction.story == story
