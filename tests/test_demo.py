"""The demo loader: the seed story as it reads, and idempotence."""

import io

import pytest
from django.core.management import call_command

from articles.demo import load_demo, seed_story
from articles.importing import StoryFormatError, parse_story_text
from articles.models import Appeal, Author, Byline, Section, Story, Tag
from tests.factories import make_story

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Story, Section, Tag, Author, Byline)]


def load_demo_command(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_loader_is_idempotent():
    call_command("load_demo")
    first = counts()
    bodies = dict(Story.objects.values_list("slug", "body"))
    call_command("load_demo", "--overwrite")
    assert counts() == first
    assert dict(Story.objects.values_list("slug", "body")) == bodies


def test_running_make_run_again_keeps_edits_to_the_demo_and_says_what_overwrite_would_undo():
    assert "Demo content ready" in load_demo_command()
    seed = Story.objects.get(slug__startswith="putin-hails")
    Story.objects.filter(pk=seed.pk).update(headline="Edited headline", body="<p>Edited.</p>")
    Appeal.objects.update(heading="Our own heading")
    Section.objects.filter(slug="news").update(description="Our news desk.")

    said = load_demo_command()  # what `make run` does every time
    assert "already has content, so the demo was not loaded" in said
    assert "story “Edited headline”: headline, body" in said
    assert "appeal “Monthly support (seed story appeal)”: heading" in said
    assert "section “News”: description" in said
    seed.refresh_from_db()
    assert seed.headline == "Edited headline"  # nothing was overwritten

    load_demo_command("--overwrite")
    seed.refresh_from_db()
    assert seed.headline.startswith("Putin Hails")
    again = load_demo_command()
    assert "undo these edits" not in again and "would only add what is missing" in again


def test_a_database_with_other_content_gets_no_demo():
    make_story(headline="Our first real story")
    said = load_demo_command()
    assert "not loaded" in said and "would only add what is missing" in said
    assert list(Story.objects.values_list("headline", flat=True)) == ["Our first real story"]


def test_seed_story_is_published_as_it_reads(client):
    seed = load_demo()[0]
    assert seed.get_absolute_url().startswith("/2021/12/15/")
    assert seed.section.name == "News"
    paragraphs = seed.text.split("\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("Russian President Vladimir Putin on Wednesday hailed")
    assert paragraphs[-1].endswith("in person in February 2022.")
    assert "A Message from" not in seed.body and "Remind me later" not in seed.body
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    assert "two colleagues and two friends" in response.text


def test_demo_has_enough_stories_for_sections_and_pagination(client):
    load_demo()
    assert Section.objects.count() >= 5
    assert Story.objects.published().count() >= 12
    assert "?page=2" in client.get("/tags/russia/").text


def test_seed_appeal_is_parsed_apart_from_the_story():
    appeal = seed_story().appeal
    assert appeal.heading == "A Message from The Moscow Times"
    assert appeal.greeting == "Dear readers,"
    assert appeal.remind_label == "Remind me later"
    assert appeal.paragraphs[0].startswith("We are facing unprecedented challenges.")
    assert appeal.paragraphs[-1].endswith("Thank you for standing with us.")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("  \n\n ", "empty"),
        ("A Message from Us:\nDear readers,\nGive.\nRemind me later.", "no story paragraphs"),
        ("Para\x00graph", "binary"),
    ],
)
def test_unreadable_story_text_is_refused_with_a_reason(text, message):
    with pytest.raises(StoryFormatError, match=message):
        parse_story_text(text)
