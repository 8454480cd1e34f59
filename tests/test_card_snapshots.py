"""Cards from snapshots: every list page shows a story's card as its one partial renders it,
rebuilt exactly when readers could see a change, and never an error when cards are missing."""

import re

import pytest
from django.template.loader import get_template

from articles import front
from articles.demo import load_demo
from articles.models import Author, Quote, Source, Story, StorySnapshot
from articles.snapshots import cards
from tests.factories import make_author, make_story

pytestmark = pytest.mark.django_db


def normalised(html):
    return re.sub(r"\s+", " ", html).strip()


def live(story, shape, **context):
    """The card as its partial renders it for a live page (the reference)."""
    name, switches = cards.SHAPES[shape]
    switches = {k: v for k, v in switches.items() if not k.endswith("_slot") and k != "slotted"}
    loaded = Story.objects.for_display().get(pk=story.pk)
    return get_template(name).render({"story": loaded, **switches, **context})


def stored(story):
    return StorySnapshot.objects.get(story=story).cards


def test_every_demo_storys_cards_are_what_their_partials_render(client):
    demo = [story for story in load_demo() if story.is_public]
    client.get("/stories/")
    found = cards.by_id([story.pk for story in demo])
    assert set(found) == {story.pk for story in demo}
    for story in demo:
        card = found[story.pk]
        for shape in ("card", "with_section", "top", "lead"):
            assert card.html[shape] == live(story, shape), (story.slug, shape)
        assert cards.result(card) == live(story, "result"), story.slug
        assert "\x01" not in cards.result(card)


def test_a_listing_from_cards_is_the_page_a_live_render_gives(client):
    stories = [make_story(headline=f"Story {n}", authors=[make_author()]) for n in range(3)]
    html = client.get("/stories/").content.decode()
    assert all(stored(story)["html"] for story in stories)  # the first visit kept them
    again = client.get("/stories/").content.decode()
    assert again == html
    for story in stories:
        assert normalised(live(story, "result")) in normalised(html)


def test_a_source_page_fills_the_results_slots_with_the_sources_quotes(client):
    story = make_story(authors=[make_author()])
    source = Source.objects.create(name="Ana Lima", slug="ana-lima")
    Quote.objects.create(
        story=story, source=source, text="We will rebuild.", status=Quote.Status.CONFIRMED,
        described_as="the mayor",
    )  # fmt: skip
    html = client.get("/sources/ana-lima/").content.decode()
    assert "\x01" not in html
    assert 'class="result source-story' in html
    assert "We will rebuild." in html and "Described in this story as “the mayor”" in html
    # The same story's card elsewhere has no source parts.
    listing = client.get("/stories/").content.decode()
    assert "source-story" not in listing and "We will rebuild." not in listing


def test_an_edit_a_rename_and_a_withdrawal_reach_every_list_at_once(client):
    author = make_author(name="Anna Field")
    story = make_story(headline="First words", authors=[author])
    lists = ["/", "/stories/", story.section.get_absolute_url(), author.get_absolute_url()]
    for url in lists:
        assert "First words" in client.get(url).content.decode(), url
    story.headline = "Second words"
    story.save()
    Author.objects.filter(pk=author.pk).update(name="Anna Fields")
    author.refresh_from_db()
    author.save()  # through the model, as the admin does: the rule hears it
    for url in lists:
        html = client.get(url).content.decode()
        assert "Second words" in html and "First words" not in html, url
        assert "Anna Fields" in html, url
    story.status = Story.Status.WITHDRAWN
    story.save()
    for url in lists[:3]:
        assert "Second words" not in client.get(url).content.decode(), url


def test_a_draft_save_does_not_rebuild_anyones_cards(client):
    story = make_story()
    client.get("/stories/")
    before = stored(story)
    make_story(status=Story.Status.DRAFT, published_at=None).save()
    client.get("/stories/")
    assert stored(story) == before


def test_missing_or_broken_cards_are_rendered_for_the_reader(client):
    story = make_story(headline="Still here")
    client.get("/stories/")
    StorySnapshot.objects.filter(story=story).delete()
    assert "Still here" in client.get("/stories/").content.decode()
    StorySnapshot.objects.filter(story=story).update(cards={"v": "junk"})
    assert "Still here" in client.get("/").content.decode()
    assert stored(story)["html"]["card"]  # rebuilt and kept


def test_a_card_rendered_across_a_change_is_not_kept():
    story = make_story()
    ((version, site),) = cards.store.current_many([story.pk]).values()
    story.headline = "Changed meanwhile"
    story.save()  # bumps the version the render started from
    cards.store.save_cards({story.pk: (version, cards.stamp(story, version, site, {"card": "x"}))})
    assert stored(story).get("html", {}).get("card") != "x"


def test_the_front_page_placements_follow_a_new_story_at_once(client):
    make_story(headline="Older news")
    assert "Older news" in client.get("/").content.decode()
    make_story(headline="Fresh news")
    html = client.get("/").content.decode()
    assert "Fresh news" in html
    lead = front.front_page()["lead"]
    assert "Fresh news" in lead.cards["lead"]
