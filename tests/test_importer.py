"""`import_story`: the seed file reproduces the demo story; broken files change nothing."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from articles.demo import load_demo
from articles.management.commands.import_story import headline_from
from articles.models import Appeal, Byline, Quote, Source, Story
from tests.factories import make_section

pytestmark = pytest.mark.django_db

SEED_FILE = Path(__file__).resolve().parent.parent / "articles/demo/putin-xi-videoconference.txt"
SEED_HEADLINE = "Putin Hails Russia-China Ties as ‘Example for the 21st Century’"


def run(*args):
    out = StringIO()
    call_command("import_story", *map(str, args), stdout=out)
    return out.getvalue()


def snapshot():
    return [m.objects.count() for m in (Story, Quote, Source, Appeal, Byline)]


@pytest.fixture
def seed_copy(tmp_path):
    return Path(shutil.copy(SEED_FILE, tmp_path / "seed.txt"))


def test_importing_the_seed_file_reproduces_the_demo_story(seed_copy):
    demo = load_demo()[0]
    sources = Source.objects.count()
    output = run(seed_copy, "--section", "news", "--headline", SEED_HEADLINE)
    story = Story.objects.exclude(pk=demo.pk).get(headline=SEED_HEADLINE)
    assert story.text.split("\n") == demo.text.split("\n")
    assert story.body == demo.body
    assert story.status == Story.Status.DRAFT and story.published_at is None
    assert story.section.slug == "news"

    def quotes(s):
        return [
            (q.text, q.source_id, q.speaker, q.kind, q.start, q.end)
            for q in s.quotes.order_by("position")
        ]

    assert quotes(story) == quotes(demo)
    assert len(quotes(story)) >= 7
    assert set(story.quotes.values_list("status", flat=True)) == {Quote.Status.SUGGESTED}
    assert Source.objects.count() == sources  # Putin and Ushakov matched, nobody new
    assert f"Created draft story #{story.pk}" in output
    assert "Yury Ushakov → Yury Ushakov: “two colleagues and two friends”" in output
    assert "Remind me later" not in story.body and "appeal: “" in output


def test_the_appeal_block_goes_to_the_appeals_model_in_the_same_import(seed_copy):
    make_section()
    run(seed_copy)
    appeal = Appeal.objects.get()
    assert appeal.heading == "A Message from The Moscow Times"
    assert appeal.remind_label == "Remind me later"
    assert appeal.source_story == Story.objects.get()


def test_headline_comes_from_the_first_sentence_when_not_given(tmp_path):
    make_section(slug="news")
    file = tmp_path / "story.txt"
    file.write_text(
        "Mr. Smith met U.S. officials in Geneva on Monday. They talked for hours.\nSecond.\n"
    )
    run(file)
    story = Story.objects.get()
    assert story.headline == "Mr. Smith met U.S. officials in Geneva on Monday"
    assert story.slug == "mr-smith-met-us-officials-in-geneva-on-monday"
    run(file)
    assert Story.objects.filter(slug="mr-smith-met-us-officials-in-geneva-on-monday-2").exists()


def test_headline_from_is_cut_to_the_field_length():
    headline = headline_from("word " * 100)
    assert len(headline) <= 200 and headline.endswith("…")
    assert headline_from("“It works,” she said. Then more.") == "“It works,” she said"


def test_new_people_are_suggested_not_made_sources(tmp_path):
    make_section()
    file = tmp_path / "story.txt"
    file.write_text("“We found water,” said Maria Lind, who led the survey.\n")
    output = run(file)
    assert not Source.objects.exists()
    assert "not in the registry yet (a source is created when an editor confirms): " in output
    assert "Maria Lind" in output
    assert "appeal: none in the file" in output


def test_publish_as_a_user_with_the_permission(seed_copy, django_user_model):
    make_section(slug="news")
    user = django_user_model.objects.create_user("chief", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="publish_story"))
    output = run(seed_copy, "--publish", "--as-user", "chief")
    story = Story.objects.get()
    assert story.is_public
    assert "by chief" in output and story.get_absolute_url() in output


def test_publish_needs_a_named_user_with_the_publish_permission(seed_copy):
    make_section()
    before = snapshot()
    with pytest.raises(CommandError, match="--publish needs --as-user"):
        run(seed_copy, "--publish")
    assert snapshot() == before


def test_imported_story_has_its_first_revision_and_publication_on_record(
    seed_copy, django_user_model
):
    make_section()
    user = django_user_model.objects.create_user("chief", password=None, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="publish_story"))
    run(seed_copy, "--publish", "--as-user", "chief")
    story = Story.objects.get()
    assert story.created_by == user
    revision = story.revisions.get()
    assert revision.body == story.body and revision.user == user
    transition = story.transitions.get()
    assert (transition.from_status, transition.to_status, transition.user) == (
        "",
        "published",
        user,
    )


def test_publish_as_a_user_without_the_permission_writes_nothing(seed_copy, django_user_model):
    make_section()
    django_user_model.objects.create_user("reporter", password="pw", is_staff=True)
    before = snapshot()
    with pytest.raises(CommandError, match="reporter may not publish"):
        run(seed_copy, "--publish", "--as-user", "reporter")
    with pytest.raises(CommandError, match="no active staff user"):
        run(seed_copy, "--as-user", "nobody")
    assert snapshot() == before


BROKEN = {
    "empty": (b"", "empty"),
    "blank lines": (b"  \n\n \n", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\xff\xfe", "not a UTF-8 text"),
    "nul bytes": (b"A paragraph.\x00\x00\x00", "binary data"),
    "latin-1": ("Caf\xe9 opens on Monday.".encode("latin-1"), "undecodable byte at position 3"),
    "appeal only": (
        b"A Message from Us:\nDear readers,\nPlease give.\nRemind me later.\n",
        "no story paragraphs",
    ),
    "short appeal": (b"A paragraph.\nA Message from Us:\nDear readers,\n", "greeting"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_files_are_refused_and_leave_the_database_unchanged(tmp_path, case):
    load_demo()
    before = snapshot()
    data, message = BROKEN[case]
    file = tmp_path / "broken.txt"
    file.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        run(file)
    assert snapshot() == before


def test_bad_options_are_refused_and_leave_the_database_unchanged(seed_copy, tmp_path):
    load_demo()
    before = snapshot()
    with pytest.raises(CommandError, match="no section “sport”"):
        run(seed_copy, "--section", "sport")
    with pytest.raises(CommandError, match="no author"):
        run(seed_copy, "--author", "nobody")
    with pytest.raises(CommandError, match="missing.txt: no such file"):
        run(tmp_path / "missing.txt")
    with pytest.raises(CommandError, match="longer than 200"):
        run(seed_copy, "--headline", "x" * 201)
    assert snapshot() == before


def test_a_failure_half_way_rolls_everything_back(seed_copy, monkeypatch):
    load_demo()
    Quote.objects.all().delete()
    Source.objects.all().delete()
    before = snapshot()

    def broken_appeal(parsed, *, story=None):
        raise RuntimeError("appeal storage is down")

    monkeypatch.setattr(
        "articles.management.commands.import_story.save_parsed_appeal", broken_appeal
    )
    with pytest.raises(RuntimeError):
        run(seed_copy)
    assert snapshot() == before  # no story, no quotes, no new sources


def test_bylines_are_set_from_author_slugs(seed_copy):
    load_demo()
    run(
        seed_copy, "--headline", "Imported", "--author", "anna-petrova", "--author", "olga-smirnova"
    )
    story = Story.objects.get(headline="Imported")
    assert [b.author.slug for b in story.bylines.all()] == ["anna-petrova", "olga-smirnova"]


def test_a_file_over_the_size_limit_is_refused_at_once(tmp_path):
    """Issue 11: a 20 MB file was accepted and took 149 s; now it is refused before reading."""
    import time

    from articles.management.commands.import_story import MAX_IMPORT_BYTES

    huge = tmp_path / "huge.txt"
    with huge.open("wb") as out:
        out.truncate(20 * 1024 * 1024)  # sparse: 20 MB that costs no disk
    started = time.monotonic()
    with pytest.raises(CommandError, match=r"huge.txt: the file is 20.0 MB; the limit is 1 MB"):
        run(huge)
    assert time.monotonic() - started < 1
    assert MAX_IMPORT_BYTES == 1024 * 1024
    assert not Story.objects.exists()


def test_a_path_that_is_not_a_regular_file_is_named_for_what_it_is(tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(CommandError, match="is a directory, not a text file"):
        run(tmp_path)
    with pytest.raises(CommandError, match="is a named pipe"):
        run(fifo)  # refused without reading: a pipe with no writer would wait for ever
    assert not Story.objects.exists()
