"""Story pages from snapshots: the same page as a full render, rebuilt exactly when readers
could see a change, and never an error when a snapshot is missing or out of date."""

import re
from datetime import timedelta

import pytest
from django.shortcuts import render
from django.test import RequestFactory
from django.utils import timezone

from articles import front
from articles.appeals import selection
from articles.caching.invalidation import SITE
from articles.demo import load_demo
from articles.models import (
    AppealCounter,
    Byline,
    Correction,
    Generation,
    Quote,
    Source,
    Story,
    StorySnapshot,
    Tag,
)
from articles.snapshots import store, story_page
from tests.factories import make_appeal, make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db


def normalised(html):
    return re.sub(r"\s+", " ", html).strip()


def full_render(story):
    """The story page as a full template render gives it (the reference)."""
    request = RequestFactory().get(story.get_absolute_url())
    loaded = story_page.load(Story.objects.filter(pk=story.pk))
    context = story_page.context(loaded) | selection.in_context(request, story=loaded)
    tag_ids = [tag.pk for tag in loaded.tags.all()]
    related = front.related_stories(loaded, tag_ids, story_page.source_ids(loaded))
    context["related_stories"] = related
    return render(request, story_page.TEMPLATE, context).content.decode()


def snapshot(story):
    return StorySnapshot.objects.filter(story=story).first()


def built(story):
    found = snapshot(story)
    return found.built if found else None


@pytest.fixture
def demo():
    return [story for story in load_demo() if story.is_public]


def test_every_demo_story_from_its_snapshot_is_the_full_render(client, demo):
    # The three placements at once: the banner, an inline appeal, and the demo's end appeal.
    make_appeal(name="Banner", placement="banner", priority=5)
    make_appeal(name="Inline", placement="inline", inline_after=2, priority=5)
    for story in demo:
        first = client.get(story.get_absolute_url())  # builds the snapshot
        assert snapshot(story).built == snapshot(story).version
        served = client.get(story.get_absolute_url()).content.decode()
        assert "\x01" not in served
        assert normalised(served) == normalised(first.content.decode())
        assert normalised(served) == normalised(full_render(story)), story.slug
        assert served.count('class="appeal appeal--') == 3
        assert served.count("appeals.js") == 1  # the script once, after the first appeal


@pytest.mark.parametrize("after", [1, 3, 40])
def test_the_inline_appeal_lands_where_a_full_render_puts_it(client, after):
    body = "".join(f"<p>Paragraph {n}.</p>" for n in range(1, 6))
    story = make_story(body=body + "<p>Read on:</p><ul><li>a list</li></ul><p>End.</p>")
    make_appeal(name="Inline", placement="inline", inline_after=after)
    client.get(story.get_absolute_url())
    served = client.get(story.get_absolute_url()).content.decode()
    assert normalised(served) == normalised(full_render(story))


def test_links_in_a_snapshot_point_at_the_readers_own_site(client):
    story = make_story()
    client.get(story.get_absolute_url())
    served = client.get(story.get_absolute_url(), headers={"host": "localhost"}).text
    assert f'<link rel="canonical" href="http://localhost{story.get_absolute_url()}">' in served
    assert "snapshot.invalid" not in served


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run `change()` as a transaction that commits (its rebuild task runs at once in tests)."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def test_each_change_readers_can_see_rebuilds_the_snapshot(committed):
    story = committed(make_story)

    def edit():
        story.headline = "A sharper headline"
        story.save()

    changes = {
        "an edit": edit,
        "a byline": lambda: Byline.objects.create(story=story, author=make_author()),
        "a tag": lambda: story.tags.add(make_tag()),
        "a correction": lambda: Correction.objects.create(story=story, text="A name was wrong."),
        "a confirmed quote": lambda: Quote.objects.create(
            story=story,
            source=Source.objects.create(name="Ana Lima", slug="ana-lima"),
            text="We will rebuild.",
            status=Quote.Status.CONFIRMED,
        ),
    }
    for name, change in changes.items():
        before = built(story)
        committed(change)
        assert built(story) == before + 1, name
        assert snapshot(story).version == built(story), name


def test_changes_readers_cannot_see_leave_the_snapshot_alone(committed):
    story = committed(make_story)
    draft = committed(lambda: make_story(status=Story.Status.DRAFT))
    before = (snapshot(story).version, built(story))
    appeal = make_appeal()
    committed(lambda: Story.objects.get(pk=draft.pk).save())  # a draft's save
    committed(
        lambda: Quote.objects.create(  # a suggestion, not confirmed
            story=story,
            source=Source.objects.create(name="Bo Chen", slug="bo-chen"),
            text="Perhaps.",
        )
    )
    committed(lambda: AppealCounter.objects.create(appeal=appeal, day=timezone.localdate()))
    assert (snapshot(story).version, built(story)) == before


def test_a_site_change_outdates_every_snapshot_and_the_next_visit_shows_it(client, committed):
    tag = make_tag(name="Elections")
    story = make_story(tags=[tag])
    client.get(story.get_absolute_url())
    generation = Generation.objects.get(name=SITE).value if Generation.objects.exists() else 0
    tag.name = "Votes"
    committed(tag.save)
    assert Generation.objects.get(name=SITE).value == generation + 1
    assert ">Votes</a>" in client.get(story.get_absolute_url()).text
    assert snapshot(story).site == generation + 1


def test_a_missing_or_outdated_snapshot_is_rendered_for_the_reader(client):
    story = make_story(headline="First words")
    assert client.get(story.get_absolute_url()).status_code == 200
    StorySnapshot.objects.filter(story=story).delete()
    assert "First words" in client.get(story.get_absolute_url()).text
    assert built(story) is not None
    # Edited by a path that did tell the rule: the stored parts are out of date, never served.
    Story.objects.filter(pk=story.pk).update(headline="Second words")
    store.outdated([f"story-{story.pk}"])
    assert "Second words" in client.get(story.get_absolute_url()).text


def test_a_render_that_overlaps_a_change_is_not_kept():
    story = make_story()
    version, site = store.current(story.pk)
    store.outdated([f"story-{story.pk}"])  # committed while the render ran
    assert not store.save(story.pk, version, site, "build", {"blocks": {}})
    assert built(story) is None


def test_a_scheduled_story_is_served_from_its_snapshot_when_its_time_comes(client, committed):
    section = make_section()
    story = make_story(section=section, published_at=timezone.now() + timedelta(hours=1))
    assert client.get(story.get_absolute_url()).status_code == 404
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert client.get(story.get_absolute_url()).status_code in (301, 200)


def test_withdrawn_and_unknown_stories_are_not_served_from_snapshots(client):
    story = make_story()
    client.get(story.get_absolute_url())
    Story.objects.filter(pk=story.pk).update(status=Story.Status.WITHDRAWN)
    assert client.get(story.get_absolute_url()).status_code == 410
    assert client.get("/2021/01/01/no-such-story/").status_code == 404


def test_a_tag_rename_is_seen_by_snapshots_of_other_stories(client, committed):
    tag = Tag.objects.create(name="Climate", slug="climate")
    stories = [make_story(tags=[tag]) for _ in range(2)]
    for story in stories:
        client.get(story.get_absolute_url())
    tag.name = "Climate crisis"
    committed(tag.save)
    for story in stories:
        assert ">Climate crisis</a>" in client.get(story.get_absolute_url()).text


def test_the_prepared_lookup_gives_what_its_queryset_gives_at_any_time():
    from articles.snapshots.story_page import FIND, _find

    now = timezone.now()
    stories = [
        make_story(),
        make_story(published_at=now + timedelta(hours=1)),
        make_story(withdraw_at=now + timedelta(hours=2)),
        make_story(status=Story.Status.DRAFT),
    ]
    for story in stories:
        for moment in (now, now + timedelta(minutes=90), now + timedelta(hours=3)):
            expected = list(_find(story.slug, moment))
            got = [tuple(row.values()) for row in FIND.rows(slug=story.slug, now=moment)]
            assert [row[0] for row in got] == [row[0] for row in expected], (story, moment)


def test_a_story_without_appeals_from_its_snapshot_is_the_full_render(client):
    story = make_story(body="<p>One.</p><p>Two.</p>")
    client.get(story.get_absolute_url())
    served = client.get(story.get_absolute_url()).content.decode()
    assert normalised(served) == normalised(full_render(story))
    assert served.count("appeals.js") == 1  # the header's donate link and counts need it


def test_snapshot_parts_and_cards_are_json_kept_as_text():
    """Text, not jsonb: the story page reads its parts on every render (models/snapshots.py);
    the ORM still gives and takes the values, raw reads parse the text."""
    from django.db import connection

    story = make_story(status="published", published_at=timezone.now())
    story_page.build(story.pk)
    snapshot = StorySnapshot.objects.get(story=story)
    assert isinstance(snapshot.parts, dict) and snapshot.parts["path"] == story.get_absolute_url()
    assert story_page.find(story.slug, timezone.now())["snapshot__parts"] == snapshot.parts
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = %s AND column_name IN ('parts', 'cards')",
                [StorySnapshot._meta.db_table],
            )
            assert dict(cursor.fetchall()) == {"parts": "text", "cards": "text"}
