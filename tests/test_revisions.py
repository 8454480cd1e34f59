"""Revisions (every save, compare, restore) and no lost edits (version check, presence)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.editorial.revisions import (
    compare,
    current_state,
    diff_paragraphs,
    diff_words,
    render_diff,
    snapshot,
)
from articles.editorial.roles import EDITOR
from articles.editorial.workflow import restore, restore_preview
from articles.models import Revision, Story, Tag
from tests.admin_forms import admin_form_data
from tests.factories import (
    make_author,
    make_section,
    make_staff,
    make_story,
    make_tag,
    with_lead_image,
)

pytestmark = pytest.mark.django_db


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])


@pytest.fixture
def story():
    return make_story(
        headline="Ministers agree budget",
        standfirst="A late-night deal.",
        body="<p>The cabinet met on Tuesday.</p><p>It agreed a budget of 4 billion.</p>",
        authors=[make_author(name="Anna Petrova")],
        tags=[make_tag(name="Budget")],
    )


@pytest.fixture
def anna(client):
    client.force_login(make_staff("anna", EDITOR))
    return client


def save(client, story, **changes):
    """Save the change form; on a live story, with "Save and publish changes" (an edit of a
    live story is otherwise a pending version: tests/test_live_stories.py)."""
    page = client.get(change_url(story))
    if story.is_public:
        changes.setdefault("_publish_changes", "Save and publish changes")
    return client.post(change_url(story), admin_form_data(page, **changes))


# --- Every save keeps a revision ---


def test_every_admin_save_keeps_a_revision_with_words_filing_and_bylines(anna, story):
    assert save(anna, story, headline="Ministers agree a budget").status_code == 302
    assert save(anna, story, body="<p>The cabinet met on Wednesday.</p>").status_code == 302
    revisions = list(story.revisions.order_by("number"))
    # The first save also keeps the story as it was before anyone edited it in the CMS.
    assert [r.number for r in revisions] == [1, 2, 3]
    assert revisions[0].headline == "Ministers agree budget"
    assert revisions[1].headline == "Ministers agree a budget"
    assert revisions[2].body == "<p>The cabinet met on Wednesday.</p>"
    assert revisions[2].byline_text() == "By Anna Petrova" and revisions[2].tag_text() == "Budget"
    assert revisions[2].user.username == "anna" and revisions[2].summary == "Edited"
    story.refresh_from_db()
    assert story.version == 3


def test_word_diff_marks_only_the_changed_words():
    html = render_diff(
        diff_words("It agreed a budget of 4 billion.", "It agreed a 5 billion budget.")
    )
    assert html == "It agreed a <ins>5 billion </ins>budget<del> of 4 billion</del>."
    assert render_diff(diff_words("<b>", "<i>")) == "&lt;<del>b</del><ins>i</ins>&gt;"


def test_paragraph_diff_keeps_unchanged_paragraphs_whole():
    paragraphs = diff_paragraphs(
        "One.\nTwo words here.\nThree.", "One.\nTwo new words here.\nFour."
    )
    assert paragraphs[0] == [("equal", "One.")]
    assert paragraphs[1] == [("equal", "Two "), ("insert", "new "), ("equal", "words here.")]
    assert paragraphs[2] == [("delete", "Three"), ("insert", "Four"), ("equal", ".")]


def test_compare_page_shows_a_readable_word_diff(anna, story):
    save(
        anna,
        story,
        body="<p>The cabinet met on Wednesday.</p><p>It agreed a budget of 5 billion.</p>",
    )
    response = anna.get(
        reverse("admin:articles_story_compare", args=[story.pk]), {"from": 1, "to": 2}
    )
    assert response.status_code == 200
    html = response.text
    assert "<del>Tuesday</del><ins>Wednesday</ins>" in html
    assert "<del>4</del><ins>5</ins>" in html
    assert "Revision 1 → revision 2" in html
    listing = anna.get(reverse("admin:articles_story_revisions", args=[story.pk])).text
    assert 'name="from"' in listing and "Restore…" in listing


def test_compare_refuses_bad_input_with_a_message(anna, story):
    url = reverse("admin:articles_story_compare", args=[story.pk])
    for params in ({}, {"from": "x", "to": "1"}, {"from": 1, "to": 99}):
        response = anna.get(url, params, follow=True)
        assert response.status_code == 200
        assert "Choose two revisions" in response.text or "does not exist" in response.text


def test_restore_brings_back_words_and_bylines_as_a_new_revision(anna, story):
    save(anna, story, headline="Wrong headline", body="<p>Vandalised.</p>")
    first = story.revisions.get(number=1)
    url = reverse("admin:articles_story_restore", args=[story.pk, first.pk])
    confirm = anna.get(url)
    assert confirm.status_code == 200 and "<del>Wrong headline</del>" in confirm.text
    story.refresh_from_db()
    assert story.body == "<p>Vandalised.</p>"  # a GET changes nothing
    assert anna.post(url).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Ministers agree budget"
    assert story.body.startswith("<p>The cabinet met on Tuesday.</p>")
    assert story.is_public and [a.name for a in story.authors.all()] == ["Anna Petrova"]
    latest = story.revisions.first()
    assert latest.number == 3 and latest.summary == "Restored revision 1"


def test_restore_keeps_the_publication_state(anna):
    draft_then_live = make_story(
        status=Story.Status.DRAFT, published_at=None, authors=[make_author()]
    )
    save(anna, draft_then_live, headline="Old words")
    save(anna, draft_then_live, status="published", headline="New words")
    old = draft_then_live.revisions.get(headline="Old words")
    anna.post(reverse("admin:articles_story_restore", args=[draft_then_live.pk, old.pk]))
    draft_then_live.refresh_from_db()
    assert draft_then_live.headline == "Old words" and draft_then_live.is_public


# --- Links: what the words cannot show ---


def revision_with(body, **fields):
    """A revision-like object for compare(): only the words matter here."""
    return Revision(headline="H", standfirst="", body=body, **fields)


def test_a_changed_link_address_is_shown_with_its_paragraph_and_both_addresses():
    old = '<p>The charity met.</p><p>Read <a href="https://example.org/r">the report</a>.</p>'
    new = old.replace("https://example.org/r", "https://examp1e.net/r")
    comparison = compare(revision_with(old), revision_with(new))
    assert not comparison.formatting_only and not comparison.body_changed
    (link,) = comparison.links
    assert (link.paragraph, link.text) == (2, "the report")
    assert (link.old, link.new) == ("https://example.org/r", "https://examp1e.net/r")
    assert 'diff-p--link"><span class="diff-link-flag">Link changed</span> Read' in (
        comparison.body
    )


def test_links_put_on_taken_off_or_in_a_new_paragraph_are_listed_too():
    old = '<p>One <a href="https://a.example/">a</a> two.</p><p>Three.</p>'
    new = '<p>One a two.</p><p>Three.</p><p>See <a href="https://b.example/">b</a>.</p>'
    links = compare(revision_with(old), revision_with(new)).links
    assert [(c.paragraph, c.text, c.old, c.new) for c in links] == [
        (1, "a", "https://a.example/", ""),
        (3, "b", "", "https://b.example/"),
    ]
    gone = compare(revision_with(new), revision_with("<p>One a two.</p><p>Three.</p>")).links
    assert [(c.paragraph, c.removed, c.old) for c in gone] == [(3, True, "https://b.example/")]


def test_only_formatting_is_still_called_formatting():
    comparison = compare(
        revision_with("<p>Read the report.</p>"), revision_with("<p>Read <em>the</em> report.</p>")
    )
    assert comparison.formatting_only and comparison.links == []


def test_the_compare_page_lists_the_link_with_old_and_new_href(anna, story):
    save(
        anna, story, body='<p>The cabinet met.</p><p>See <a href="https://gov.example/">it</a>.</p>'
    )
    save(
        anna, story, body='<p>The cabinet met.</p><p>See <a href="https://g0v.example/">it</a>.</p>'
    )
    html = anna.get(
        reverse("admin:articles_story_compare", args=[story.pk]), {"from": 2, "to": 3}
    ).text
    assert "Paragraph 2" in html
    assert "<del>https://gov.example/</del>" in html and "<ins>https://g0v.example/</ins>" in html
    assert "only formatting" not in html


# --- The restore page shows what restore does ---


def test_the_restore_page_lists_only_what_restoring_changes(anna, story):
    save(anna, story, headline="Ministers agree a budget", slug="budget-agreed")
    first = story.revisions.get(number=1)
    response = anna.get(reverse("admin:articles_story_restore", args=[story.pk, first.pk]))
    assert "Ministers agree <del>a </del>budget" in response.text  # the headline goes back
    fields = [change.label for change in response.context["comparison"].other_changes]
    assert "Slug" not in fields  # restoring keeps the web address: the page must not say otherwise


def test_the_restore_page_says_what_no_longer_exists_and_restore_agrees(anna, story):
    budget = Tag.objects.get(name="Budget")
    save(anna, story, tags=[str(make_tag(name="Economy").pk)])
    first = story.revisions.get(number=1)
    budget.delete()
    page = anna.get(reverse("admin:articles_story_restore", args=[story.pk, first.pk]))
    assert "no longer exists: tag Budget" in page.text
    labels = [change.label for change in page.context["comparison"].other_changes]
    assert labels == ["Tags"]  # Economy goes, Budget cannot come back
    preview = page.context["new"]
    assert (
        anna.post(reverse("admin:articles_story_restore", args=[story.pk, first.pk])).status_code
        == 302
    )
    after = current_state(Story.objects.get(pk=story.pk))
    assert compare(preview, after).other_changes == []
    assert after.tags == [] and after.headline == preview.headline


@pytest.mark.parametrize(
    "change",
    ["words", "section gone", "author gone", "status and times", "lead image deleted"],
)
def test_restore_does_exactly_what_its_preview_shows(change, media_root):
    """Whatever changed since, the story after restore equals the restore page's preview."""
    author = make_author(name="Ivan Ivanov")
    section = make_section(name="World")
    story = make_story(
        headline="Old words", body="<p>Old.</p>", section=section, authors=[author],
        status=Story.Status.DRAFT, published_at=None,
    )  # fmt: skip
    if change == "lead image deleted":
        with_lead_image(story, build=False)
    story.refresh_from_db()
    revision = snapshot(story)
    story.headline, story.body = "New words", "<p>New.</p>"
    if change == "section gone":
        story.section = make_section(name="Europe")
        story.save()
        section.delete()
    elif change == "author gone":
        story.bylines.all().delete()
        story.save()
        author.delete()
    elif change == "status and times":
        story.status, story.published_at = Story.Status.PUBLISHED, timezone.now()
        story.slug = "renamed"
        story.save()
    elif change == "lead image deleted":
        image = story.lead_image
        story.lead_image = None
        story.save()
        image.delete()
    else:
        story.save()
    story = Story.objects.select_related("section").get(pk=story.pk)
    preview, plan = restore_preview(story, revision)
    restore(story, revision, None)
    after = current_state(Story.objects.select_related("section").get(pk=story.pk))
    differences = compare(preview, after)
    assert differences.other_changes == [] and not differences.body_changed
    assert after.headline == "Old words"
    if change != "words":
        assert plan.skipped or change == "status and times"


# --- No lost edits ---


def test_second_of_two_editors_is_refused_and_keeps_their_text(client, story):
    """Two logged-in editors open the same story; both save; nothing either typed is lost."""
    from django.test import Client

    anna, boris = Client(), Client()
    anna.force_login(make_staff("anna", EDITOR))
    boris.force_login(make_staff("boris", EDITOR))
    anna_page = anna.get(change_url(story))
    boris_page = boris.get(change_url(story))
    assert "Anna</strong>" in boris_page.text and "also editing this story" in boris_page.text

    anna_text = "<p>The cabinet met on Tuesday night.</p><p>It agreed a budget of 4 billion.</p>"
    assert (
        anna.post(
            change_url(story), admin_form_data(anna_page, body=anna_text, _publish_changes="1")
        ).status_code  # fmt: skip
        == 302
    )

    boris_text = "<p>The cabinet met on Tuesday.</p><p>It agreed a budget of 4.2 billion.</p>"
    boris_data = admin_form_data(boris_page, body=boris_text, headline="Budget agreed")
    refused = boris.post(change_url(story), boris_data)
    assert refused.status_code == 200
    assert "Not saved: Anna saved this story" in refused.text
    # Boris's words are still on the form he gets back.
    form = refused.context["adminform"].form
    assert form["body"].value() == boris_text and form["headline"].value() == "Budget agreed"
    # Anna's save is intact.
    story.refresh_from_db()
    assert story.body == anna_text and story.headline == "Ministers agree budget"
    assert story.version == 2

    # The link in the message compares Boris's copy with the current version.
    conflict_url = reverse("admin:articles_story_conflict", args=[story.pk])
    assert conflict_url in refused.text
    diff = boris.get(conflict_url).text
    assert "Tuesday<del> night</del>." in diff and "4<ins>.2</ins> billion" in diff
    assert "Your copy" in diff

    # Having read the diff, saving the refused form again is deliberate and goes through.
    again = boris.post(change_url(story), admin_form_data(refused, _publish_changes="1"))
    assert again.status_code == 302
    story.refresh_from_db()
    assert story.body == boris_text and story.version == 3


def test_a_publish_action_also_makes_an_open_form_stale(anna, story):
    draft = make_story(status=Story.Status.DRAFT, published_at=None, authors=[make_author()])
    page = anna.get(change_url(draft))
    anna.post(
        reverse("admin:articles_story_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    refused = anna.post(change_url(draft), admin_form_data(page, headline="Stale"))
    assert refused.status_code == 200 and "Not saved" in refused.text
    draft.refresh_from_db()
    assert draft.is_public and draft.headline != "Stale"


def test_a_post_without_the_loaded_version_is_refused(anna, story):
    data = admin_form_data(anna.get(change_url(story)), headline="Blind overwrite")
    del data["loaded_version"]
    assert "Not saved" in anna.post(change_url(story), data).text
    story.refresh_from_db()
    assert story.headline == "Ministers agree budget"


def test_presence_heartbeat_lists_the_others(client, story):
    from django.test import Client

    anna, boris = Client(), Client()
    anna.force_login(make_staff("anna", EDITOR))
    boris.force_login(make_staff("boris", EDITOR))
    url = reverse("admin:articles_story_presence", args=[story.pk])
    assert anna.post(url).json() == {"others": []}
    others = boris.post(url).json()["others"]
    assert [o["name"] for o in others] == ["Anna"]
    assert anna.get(url).status_code == 405


def test_someone_who_left_stops_being_listed_within_a_minute_of_their_last_heartbeat(
    story, monkeypatch
):
    from articles.admin import presence

    anna, boris = make_staff("anna", EDITOR), make_staff("boris", EDITOR)
    now = [1_000_000.0]
    monkeypatch.setattr(presence.time, "time", lambda: now[0])
    presence.touch(story.pk, anna)  # Anna's last heartbeat: she closes the tab after it
    now[0] += presence.HEARTBEAT_SECONDS * 2  # two heartbeats late: still counted
    assert [o["name"] for o in presence.touch(story.pk, boris)] == ["Anna"]
    now[0] += presence.HEARTBEAT_SECONDS + 1  # past the expiry
    assert presence.touch(story.pk, boris) == []
    # Boris's page asks every heartbeat, so the notice goes within a minute of her last one.
    assert presence.PRESENCE_SECONDS + presence.HEARTBEAT_SECONDS <= 60


def test_revision_is_kept_by_value_after_an_author_is_renamed(anna, story):
    save(anna, story, headline="Renamed later")
    story.authors.update(name="Anna P. Petrova")
    assert Revision.objects.get(story=story, number=2).byline_text() == "By Anna Petrova"


def test_a_rewritten_paragraph_is_shown_whole_not_as_confetti():
    paragraphs = diff_paragraphs(
        "Keep this.\nThe cat sat on the mat today.",
        "Keep this.\nMarkets rallied after strong data from Asia.",
    )
    assert paragraphs[1:] == [
        [("delete", "The cat sat on the mat today.")],
        [("insert", "Markets rallied after strong data from Asia.")],
    ]


def test_one_long_paragraph_is_diffed_sentence_by_sentence():
    old = " ".join(f"Sentence {n} says something about item {n}." for n in range(300))
    new = old.replace("item 150.", "item one hundred and fifty.")
    (segments,) = diff_paragraphs(old, new)
    changed = [(op, text) for op, text in segments if op != "equal"]
    assert changed == [("delete", "150"), ("insert", "one hundred and fifty")]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_only_one_wins_on_postgresql():
    """A real race: the version check locks the row, so exactly one of four saves goes in."""
    import threading

    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; run with DATABASE_URL=postgres://…")
    # A draft: a save of a live story stages a pending version and leaves the story row as it is.
    story = make_story(authors=[make_author()], status=Story.Status.DRAFT, published_at=None)
    clients, pages = [], []
    for n in range(4):
        client = Client()
        client.force_login(make_staff(f"editor{n}", EDITOR))
        clients.append(client)
        pages.append(client.get(change_url(story)))
    barrier, results = threading.Barrier(4), [None] * 4

    def post(n):
        from django.db import connection as thread_connection

        try:
            data = admin_form_data(pages[n], headline=f"Headline by editor {n}")
            barrier.wait()
            results[n] = clients[n].post(change_url(story), data)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(response.status_code for response in results)
    assert codes == [200, 200, 200, 302]
    winner = next(n for n, response in enumerate(results) if response.status_code == 302)
    story.refresh_from_db()
    assert story.headline == f"Headline by editor {winner}" and story.version == 2
    assert all("Not saved" in r.text for r in results if r.status_code == 200)


def test_someone_who_can_only_read_the_story_is_not_shown_as_editing_it(client, story):
    from django.test import Client

    from articles.editorial.roles import REPORTER

    reader, anna = Client(), Client()
    reader.force_login(make_staff("rita", REPORTER))
    anna.force_login(make_staff("anna", EDITOR))
    assert reader.get(change_url(story)).status_code == 200  # published: read-only for her
    assert "also editing" not in anna.get(change_url(story)).text
    seen_by_reader = reader.get(change_url(story)).text
    assert "<strong>Anna</strong>" in seen_by_reader and "also editing" in seen_by_reader
