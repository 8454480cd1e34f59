"""The live blog (issue 14): updates in order with pins and key events, LiveBlogPosting JSON-LD,
the poll endpoint's validators, "Older updates" pages from a cursor (articles/live_blog.py), the
desk's compact form, and page cost with 3 and 300 updates."""

import json
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import live_blog
from articles.editorial import live
from articles.editorial.roles import EDITOR, REPORTER
from articles.models import LiveUpdate, Story
from tests.factories import make_staff, make_story

pytestmark = pytest.mark.django_db

VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}


class Element:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children, self.parts = tag, dict(attrs), [], []

    def get(self, name):
        return self.attrs.get(name)

    def text_content(self):
        return "".join(
            part if isinstance(part, str) else part.text_content() for part in self.parts
        )

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def select(self, tag=None, cls=None, id=None, **attrs):
        """Elements by tag, one class, id or attribute values (a small stand-in for CSS)."""
        return [
            e for e in self.iter()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in (e.get("class") or "").split())
            and (id is None or e.get("id") == id)
            and all(e.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]  # fmt: skip


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.stack[-1].children.append(element)
        self.stack[-1].parts.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        self.stack[-1].parts.append(data)


def parse(response):
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    return builder.root


@pytest.fixture
def blog():
    """A public story, live since an hour ago, with three updates (one pinned, one key)."""
    start = timezone.now() - timedelta(hours=1)
    story = make_story(headline="Summit live", live_since=start)
    LiveUpdate.objects.create(
        story=story,
        body="<p>Leaders arrive.</p>",
        published_at=start + timedelta(minutes=5),
        pinned=True,
    )
    LiveUpdate.objects.create(
        story=story,
        title="Talks begin",
        body="<p>Doors close.</p>",
        published_at=start + timedelta(minutes=20),
        key_event=True,
    )
    LiveUpdate.objects.create(story=story, body="<p>Coffee break.</p>",
                              published_at=start + timedelta(minutes=40))  # fmt: skip
    return story


def updates_on(response):
    return [" ".join(li.text_content().split()) for li in parse(response).select(cls="live-update")]


def json_ld(response):
    scripts = parse(response).select("script", type="application/ld+json")
    return [json.loads(script.text_content()) for script in scripts]


def test_updates_show_pinned_first_then_newest_first(client, blog):
    shown = updates_on(client.get(blog.get_absolute_url()))
    assert [("Leaders" in u, "Coffee" in u, "Doors" in u) for u in shown] == [
        (True, False, False), (False, True, False), (False, False, True),
    ]  # fmt: skip
    assert "Pinned" in shown[0] and "Key event" in shown[2]


def test_key_events_are_summarised_at_the_top_and_link_to_their_update(client, blog):
    tree = parse(client.get(blog.get_absolute_url()))
    links = [a for nav in tree.select(cls="live-key-events") for a in nav.select("a")]
    key = LiveUpdate.objects.get(key_event=True)
    assert [link.get("href") for link in links] == [f"#update-{key.pk}"]
    assert "Talks begin" in links[0].text_content()
    assert tree.select(cls="live-badge")  # live until the editor ends the coverage


def test_the_page_is_complete_without_javascript_and_polls_with_it(client, blog):
    tree = parse(client.get(blog.get_absolute_url()))
    section = tree.select(id="live-updates")[0]
    assert section.get("data-poll-url") == reverse("articles:story-live-updates", args=[blog.pk])
    assert 20 <= int(section.get("data-poll-seconds")) <= 30
    assert any("live.js" in (s.get("src") or "") for s in tree.select("script"))


def test_json_ld_is_a_live_blog_posting_with_each_update(client, blog):
    data = next(d for d in json_ld(client.get(blog.get_absolute_url())) if "headline" in d)
    assert data["@type"] == "LiveBlogPosting"
    start = datetime.fromisoformat(data["coverageStartTime"])
    assert abs(start - blog.live_since) < timedelta(milliseconds=1)  # JSON keeps milliseconds
    assert "coverageEndTime" not in data
    posts = data["liveBlogUpdate"]
    assert [p["@type"] for p in posts] == ["BlogPosting"] * 3
    assert [p["articleBody"] for p in posts] == ["Coffee break.", "Doors close.", "Leaders arrive."]
    assert posts[1]["headline"] == "Talks begin"


def test_ending_the_coverage_removes_the_badge_and_the_polling_and_sets_the_end(client, blog):
    live.set_coverage(blog, None, live=False)
    response = client.get(blog.get_absolute_url())
    tree = parse(response)
    assert not tree.select(cls="live-badge")
    assert tree.select(id="live-updates")[0].get("data-poll-url") is None
    data = next(d for d in json_ld(response) if "headline" in d)
    assert "coverageEndTime" in data and len(data["liveBlogUpdate"]) == 3


def test_the_poll_endpoint_answers_304_until_an_update_is_added(client, settings, blog):
    settings.PAGE_CACHE_SECONDS = 60
    url = reverse("articles:story-live-updates", args=[blog.pk])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    LiveUpdate.objects.create(story=blog, body="<p>Statement agreed.</p>")
    fresh = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert fresh.status_code == 200 and fresh["ETag"] != first["ETag"]
    assert "Statement agreed." in fresh.content.decode()


def test_a_304_costs_no_query_when_the_page_cache_holds_it(client, settings, blog,
                                                           django_assert_num_queries):  # fmt: skip
    settings.PAGE_CACHE_SECONDS = 60
    url = reverse("articles:story-live-updates", args=[blog.pk])
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_the_poll_endpoint_is_only_for_public_live_stories(client, blog):
    plain = make_story()
    assert client.get(reverse("articles:story-live-updates", args=[plain.pk])).status_code == 404
    draft = make_story(status=Story.Status.DRAFT, published_at=None, live_since=timezone.now())
    assert client.get(reverse("articles:story-live-updates", args=[draft.pk])).status_code == 404


def make_updates(story, count, step=timedelta(minutes=1), **fields):
    """`count` updates `step` apart, the newest `step` ago; every tenth a key event. (Five
    seconds apart, they are all newer than the `blog` fixture's own.)"""
    author = make_staff("eddie", EDITOR)
    now = timezone.now()
    LiveUpdate.objects.bulk_create(
        LiveUpdate(**{"key_event": n % 10 == 0} | fields, story=story, body=f"<p>Update {n}.</p>",
                   author=author, published_at=now - (n + 1) * step)
        for n in range(count)
    )  # fmt: skip


def older_link(response):
    links = parse(response).select(cls="live-older__link")
    return links[0].get("href") if links else None


@pytest.mark.parametrize("count", [3, 300])
def test_page_poll_and_older_pages_cost_the_same_queries_with_3_or_300_updates(
    client, count, django_assert_max_num_queries
):
    story = make_story(live_since=timezone.now() - timedelta(hours=5))
    make_updates(story, count)
    shown = min(count, live_blog.PAGE_SIZE)
    # The first visit renders the page's snapshot (the story's budget in test_queries.py, and
    # three for its updates: pinned, the newest page, key events); the next ones read it.
    with django_assert_max_num_queries(26):
        page = client.get(story.get_absolute_url())
    assert len(updates_on(page)) == shown
    with django_assert_max_num_queries(1):
        page = client.get(story.get_absolute_url())
    assert len(updates_on(page)) == shown
    with django_assert_max_num_queries(4):
        poll = client.get(reverse("articles:story-live-updates", args=[story.pk]))
    assert len(updates_on(poll)) == shown
    pages, url = 1, older_link(page)
    while url:  # every older page: the story, its updates from the cursor, the site's appeals
        with django_assert_max_num_queries(3):
            older = client.get(url)
        assert older.status_code == 200
        pages, url = pages + 1, older_link(older)
    assert pages == -(-count // live_blog.PAGE_SIZE)


def test_older_updates_page_through_the_whole_timeline_once_newest_first(client, blog):
    make_updates(blog, 120, step=timedelta(seconds=5))
    first = client.get(blog.get_absolute_url())
    seen = [li.get("id") for li in parse(first).select(cls="live-update")]
    assert len(seen) == 1 + live_blog.PAGE_SIZE  # the pinned update, then the newest 50
    assert "The latest updates" in first.content.decode()
    url = older_link(first)
    while url:
        older = client.get(url)
        seen += [li.get("id") for li in parse(older).select(cls="live-update")]
        url = older_link(older)
    timeline = LiveUpdate.objects.filter(story=blog, pinned=False).order_by("-published_at", "-pk")
    pinned = LiveUpdate.objects.get(story=blog, pinned=True)
    assert seen == [f"update-{pinned.pk}", *(f"update-{u.pk}" for u in timeline)]
    assert "Talks begin" in older.content.decode()  # the fixture's key event, long ago


def test_a_key_event_on_an_older_page_links_to_the_page_that_shows_it(client, blog):
    make_updates(
        blog, 60, step=timedelta(seconds=5), key_event=False
    )  # the fixture's key event is now on page two
    page = client.get(blog.get_absolute_url())
    (link,) = [a for nav in parse(page).select(cls="live-key-events") for a in nav.select("a")]
    key = LiveUpdate.objects.get(key_event=True)
    address, _, anchor = link.get("href").partition("#")
    assert anchor == f"update-{key.pk}"
    shown = [li.get("id") for li in parse(client.get(address)).select(cls="live-update")]
    assert shown[0] == f"update-{key.pk}"


def test_updates_published_at_the_same_moment_are_neither_repeated_nor_skipped(client, blog):
    at = timezone.now() - timedelta(minutes=30)
    LiveUpdate.objects.filter(story=blog).delete()
    LiveUpdate.objects.bulk_create(
        LiveUpdate(story=blog, body=f"<p>Same moment {n}.</p>", published_at=at) for n in range(75)
    )
    first = client.get(blog.get_absolute_url())
    second = client.get(older_link(first))
    ids = [li.get("id") for r in (first, second) for li in parse(r).select(cls="live-update")]
    assert len(ids) == len(set(ids)) == 75 and older_link(second) is None


@pytest.mark.parametrize("before", ["", "yesterday", "1-", "-5", "9" * 40 + "-1", "12.5-3"])
def test_a_bad_older_updates_link_gets_a_message_not_an_error(client, blog, before):
    url = reverse("articles:story-live-older", args=[blog.pk]) + f"?before={before}"
    response = client.get(url)
    assert response.status_code == 400
    assert "This link to older updates is not one we made" in response.content.decode()


def test_older_updates_are_only_for_public_live_stories(client):
    plain = make_story()
    url = reverse("articles:story-live-older", args=[plain.pk]) + "?before=1-1"
    assert client.get(url).status_code == 404


def test_an_older_page_is_cached_until_the_blog_changes(client, settings, blog):
    settings.PAGE_CACHE_SECONDS = 60
    make_updates(blog, 60, step=timedelta(seconds=5))
    url = older_link(client.get(blog.get_absolute_url()))
    assert client.get(url)["X-Cache"] == "miss" and client.get(url)["X-Cache"] == "hit"
    LiveUpdate.objects.filter(story=blog, title="Talks begin").update(title="Talks open")
    LiveUpdate.objects.get(title="Talks open").save()  # through the model: readers see it
    assert "Talks open" in client.get(url).content.decode()


# --- The desk: the compact update form -------------------------------------------------------


def desk_url(story):
    return reverse("admin:articles_story_live", args=[story.pk])


def test_an_editor_adds_an_update_and_readers_see_it(editor_client, client, blog):
    response = editor_client.post(
        desk_url(blog), {"title": "", "body": "<p>Statement agreed.</p>", "key_event": "on"}
    )
    assert response.status_code == 302
    update = LiveUpdate.objects.get(body__contains="Statement")
    assert update.key_event and not update.pinned and update.author.username == "editor"
    assert "Statement agreed." in updates_on(client.get(blog.get_absolute_url()))[1]


def test_an_empty_update_is_refused_with_a_message(editor_client, blog):
    response = editor_client.post(desk_url(blog), {"title": "Kept title", "body": "<p> </p>"})
    assert response.status_code == 200
    assert "Write the update before posting it." in response.content.decode()
    assert 'value="Kept title"' in response.content.decode()
    assert LiveUpdate.objects.count() == 3


def test_pinning_and_unpinning_reorders_the_updates(editor_client, client, blog):
    coffee = LiveUpdate.objects.get(body__contains="Coffee")
    editor_client.post(desk_url(blog), {"_pin": str(coffee.pk)})
    editor_client.post(
        desk_url(blog), {"_unpin": str(LiveUpdate.objects.get(body__contains="Leaders").pk)}
    )
    shown = updates_on(client.get(blog.get_absolute_url()))
    assert "Coffee" in shown[0] and "Leaders" in shown[-1]


def test_starting_coverage_from_the_desk_makes_a_story_a_live_blog(editor_client, client):
    story = make_story()
    editor_client.post(desk_url(story), {"_start_coverage": "Start"})
    story.refresh_from_db()
    assert story.is_live_now
    assert parse(client.get(story.get_absolute_url())).select(cls="live-badge")
    assert story.revisions.first().summary == "Live coverage started"


def test_reporters_cannot_post_updates(client, blog):
    client.force_login(make_staff("rita", REPORTER))
    assert client.post(desk_url(blog), {"body": "<p>Mine.</p>"}).status_code in (403, 404)
    assert LiveUpdate.objects.count() == 3
