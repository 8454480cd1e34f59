"""SourceListing: the (source, story) table the source filter reads, kept current by triggers.

Each test changes quotes or stories the way the site does (save, QuerySet.update, delete) and
compares the table with what it must hold, recomputed from the quotes. The table and its
triggers (migration 0009) are PostgreSQL's; on SQLite the listing reads stories and quotes, and
only the tests of what readers see run there.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.http import QueryDict
from django.utils import timezone

from articles.listing.filters import StoryFilter
from articles.models import Quote, Source, SourceListing, Story
from tests.factories import make_section, make_story

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SourceListing is kept on PostgreSQL only"
)


def make_source(name):
    return Source.objects.create(name=name)


def quote(story, source, status=Quote.Status.CONFIRMED, **fields):
    return Quote.objects.create(story=story, source=source, text="Words.", status=status, **fields)


def rows():
    """{(source id, story id): (status, published_at, withdraw_at, section id)}."""
    return {
        (r.source_id, r.story_id): (r.status, r.published_at, r.withdraw_at, r.section_id)
        for r in SourceListing.objects.all()
    }


def expected():
    """The same, recomputed from the confirmed quotes and their stories."""
    result = {}
    for q in Quote.objects.confirmed().select_related("story"):
        s = q.story
        result[(q.source_id, s.pk)] = (s.status, s.published_at, s.withdraw_at, s.section_id)
    return result


@postgresql_only
def test_a_confirmed_quote_adds_its_pair_and_suggestions_do_not():
    story, source = make_story(), make_source("Anna Field")
    quote(story, source, status=Quote.Status.SUGGESTED)
    assert rows() == {}
    quote(story, None, status=Quote.Status.SUGGESTED)
    assert rows() == {}
    quote(story, source)
    quote(story, source)  # a second quote from the same source: still one row
    assert list(rows()) == [(source.pk, story.pk)]
    assert rows() == expected()
    assert rows()[(source.pk, story.pk)][0] == "published"


@postgresql_only
def test_the_pair_stays_while_any_confirmed_quote_links_them():
    story, source = make_story(), make_source("Anna Field")
    a, b = quote(story, source), quote(story, source)
    a.status = Quote.Status.REJECTED
    a.save()
    assert list(rows()) == [(source.pk, story.pk)]
    Quote.objects.filter(pk=b.pk).update(status=Quote.Status.SUGGESTED)  # a bulk action
    assert rows() == {}
    Quote.objects.filter(pk__in=[a.pk, b.pk]).update(status=Quote.Status.CONFIRMED)
    assert list(rows()) == [(source.pk, story.pk)]
    a.delete()
    assert list(rows()) == [(source.pk, story.pk)]
    b.delete()
    assert rows() == {}


@postgresql_only
def test_moving_a_quote_to_another_source_or_story_moves_its_pair():
    one, two = make_story(), make_story()
    anna, boris = make_source("Anna Field"), make_source("Boris Gray")
    moving = quote(one, anna)
    quote(one, boris)
    Quote.objects.filter(pk=moving.pk).update(source=boris)  # e.g. merging two sources
    assert set(rows()) == {(boris.pk, one.pk)}
    moving.refresh_from_db()
    moving.story = two
    moving.save()
    assert set(rows()) == {(boris.pk, one.pk), (boris.pk, two.pk)}
    assert rows() == expected()


@postgresql_only
def test_story_changes_are_copied():
    news, world = make_section(), make_section()
    story, source = make_story(section=news), make_source("Anna Field")
    quote(story, source)
    later = timezone.now() + timedelta(days=2)
    story.published_at = timezone.now() + timedelta(days=1)  # rescheduled
    story.withdraw_at = later
    story.section = world
    story.save()
    assert rows() == expected()
    assert rows()[(source.pk, story.pk)][1:] == (story.published_at, later, world.pk)
    Story.objects.filter(pk=story.pk).update(status=Story.Status.WITHDRAWN)  # an admin action
    assert rows()[(source.pk, story.pk)][0] == "withdrawn"
    assert rows() == expected()


@postgresql_only
def test_deleting_a_story_removes_its_pairs():
    story, source = make_story(), make_source("Anna Field")
    quote(story, source)
    other = make_story()
    quote(other, source)
    story.delete()
    assert set(rows()) == {(source.pk, other.pk)}


@postgresql_only
def test_published_rule_agrees_with_the_stories_rule():
    """SourceListing.published() and Story.objects.published() pick the same stories."""
    now = timezone.now()
    source = make_source("Anna Field")
    stories = [
        make_story(),
        make_story(status=Story.Status.DRAFT),
        make_story(status=Story.Status.IN_REVIEW),
        make_story(status=Story.Status.WITHDRAWN),
        make_story(published_at=now + timedelta(hours=1)),  # scheduled
        make_story(published_at=None, status=Story.Status.DRAFT),
        make_story(published_at=now - timedelta(days=2), withdraw_at=now - timedelta(days=1)),
        make_story(published_at=now - timedelta(days=2), withdraw_at=now + timedelta(days=1)),
    ]
    for story in stories:
        quote(story, source)
    public = set(Story.objects.published().values_list("pk", flat=True))
    assert public == {stories[0].pk, stories[7].pk}
    assert set(SourceListing.objects.published().values_list("story_id", flat=True)) == public


@postgresql_only
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ordering": "oldest"},
        {"section": "__news__"},
        {"published_after": "__10__"},
        {"published_before": "__10__", "ordering": "oldest"},
        {"published_after": "__30__", "published_before": "__5__", "section": "__news__"},
    ],
)
def test_the_source_listing_gives_the_same_stories_as_the_quotes(params):
    """in_order() from SourceListing equals the filter applied to the stories themselves."""
    news, world = make_section(slug="news"), make_section(slug="world")
    source, other = make_source("Anna Field"), make_source("Boris Gray")
    now = timezone.now()
    same_time = now - timedelta(days=7)
    for n in range(24):
        story = make_story(
            section=news if n % 3 else world,
            published_at=same_time if n in (4, 5) else now - timedelta(days=n, hours=1),
            status=Story.Status.DRAFT if n == 6 else Story.Status.PUBLISHED,
        )
        if n % 4 == 0:
            quote(story, source, status=Quote.Status.SUGGESTED)
        elif n % 5 != 0:
            quote(story, source)
            if n % 2:
                quote(story, source)  # twice: still listed once
        quote(story, other)
    days = {"__10__": 10, "__30__": 30, "__5__": 5}
    data = {"source": source.slug}
    for key, value in params.items():
        if value in days:
            value = (timezone.localdate() - timedelta(days=days[value])).isoformat()
        data[key] = value.strip("_")
    query = QueryDict(mutable=True)
    query.update(data)
    storyfilter = StoryFilter(query)
    stories = storyfilter.qs
    assert storyfilter.in_order().model is SourceListing
    got = list(storyfilter.in_order())
    confirmed = Quote.objects.confirmed().filter(source=source).values("story_id")
    want = list(
        stories.filter(pk__in=confirmed)
        .order_by(*storyfilter.order_by())
        .values_list("pk", "section_id", "published_at")
    )
    assert got == want
    assert len(got) >= 3
    assert list(storyfilter.in_order(ids_only=True).values_list("story_id", flat=True)) == [
        pk for pk, *_ in want
    ]


@postgresql_only
def test_a_search_or_another_facet_reads_the_stories():
    source = make_source("Anna Field")
    quote(make_story(), source)
    for extra in ("author=nobody-known", "q=paragraph", "tag=none"):
        storyfilter = StoryFilter(QueryDict(f"source={source.slug}&{extra}"))
        storyfilter.qs  # noqa: B018 (validates the form)
        expect = SourceListing if extra != "q=paragraph" else Story
        # Unknown author and tag slugs are ignored, so those still read SourceListing.
        assert storyfilter.in_order().model is expect


def test_a_source_page_lists_only_public_stories_and_follows_withdrawals(client):
    source = make_source("Anna Field")
    shown, hidden = make_story(headline="Shown story"), make_story(headline="Hidden story")
    quote(shown, source)
    quote(hidden, source)
    assert "Hidden story" in client.get(f"/sources/{source.slug}/").text
    hidden.status = Story.Status.WITHDRAWN
    hidden.save()
    page = client.get(f"/sources/{source.slug}/").text
    assert "Shown story" in page and "Hidden story" not in page
    page = client.get("/stories/", {"source": source.slug}).text
    assert "Shown story" in page and "Hidden story" not in page


def _in_thread(work):
    """Run `work` on its own database connection, as another request would."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["quote", "story"])
def test_concurrent_confirm_and_withdraw_leave_the_story_withdrawn(first):
    """A quote confirmed while another transaction withdraws its story: no stale copy.

    If withdrawing the story did not wait for the confirming transaction, it would update no
    SourceListing row (the new one is not committed yet) and the story would stay listed on
    the source's page as published. The trigger's FOR SHARE on the story makes it wait (today
    the search trigger's update of the story's vector does too, so this test alone cannot
    tell which; it guards the outcome).
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    story, source = make_story(), make_source("Anna Field")
    pending = quote(story, source, status=Quote.Status.SUGGESTED)
    began, done = threading.Event(), threading.Event()

    def confirm():
        with transaction.atomic():
            Quote.objects.filter(pk=pending.pk).update(status=Quote.Status.CONFIRMED)
            began.set()
            done.wait(timeout=0.5)  # the other transaction is now waiting for this one

    def withdraw():
        with transaction.atomic():
            Story.objects.filter(pk=story.pk).update(status=Story.Status.WITHDRAWN)
            began.set()
            done.wait(timeout=0.5)

    one, other = (confirm, withdraw) if first == "quote" else (withdraw, confirm)
    first_thread = _in_thread(one)
    assert began.wait(timeout=10)
    second_thread = _in_thread(other)
    second_thread.join(timeout=10)
    first_thread.join(timeout=10)
    assert not first_thread.is_alive() and not second_thread.is_alive()
    assert rows() == expected()
    assert rows()[(source.pk, story.pk)][0] == "withdrawn"
