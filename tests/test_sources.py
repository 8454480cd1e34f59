"""Sources and quotes: the registry, suggestions from extraction, the admin, the public pages."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from articles.demo import load_demo
from articles.html import paragraphs_to_html
from articles.models import Quote, Source, Story
from articles.sources import confirm
from articles.sources.suggest import merge_sources, suggest_quotes
from tests.factories import make_author, make_section, make_story

pytestmark = pytest.mark.django_db

SEED_QUOTES = {
    ("Vladimir Putin", "I consider these relations a real example of interstate cooperation"),
    ("Vladimir Putin", "Our countries have formed a new model of cooperation"),
    ("Vladimir Putin", "non-interference in internal affairs"),
    ("Vladimir Putin", "a significant factor of stability in international relations"),
    ("Yury Ushakov", "two colleagues and two friends"),
    ("Yury Ushakov", "supported Russia's demands"),
    ("Yury Ushakov", "keep Beijing in the loop"),
}


def make_source(**overrides):
    overrides.setdefault("name", "Anna Field")
    return Source.objects.create(**overrides)


def make_quote(story, source=None, **overrides):
    overrides.setdefault("text", "We will not stop.")
    overrides.setdefault("status", Quote.Status.CONFIRMED if source else Quote.Status.SUGGESTED)
    return Quote.objects.create(story=story, source=source, **overrides)


def story_with_text(*paragraphs, **overrides):
    return make_story(body=paragraphs_to_html(list(paragraphs)), **overrides)


def has_quote(quotes, speaker, words):
    return any(q.source and q.source.name == speaker and words in q.text for q in quotes)


# --- The registry ---------------------------------------------------------------------------


def test_source_is_matched_by_name_alias_or_surname_ignoring_case_and_apostrophes():
    ushakov = make_source(name="Yury Ushakov", aliases="Yuri Ushakov\n")
    kremlin = make_source(name="The Kremlin", kind=Source.Kind.ORGANISATION)
    assert Source.objects.match("Yury Ushakov") == ushakov
    assert Source.objects.match("  yuri   USHAKOV ") == ushakov
    assert Source.objects.match("Ushakov") == ushakov
    assert Source.objects.match("Kremlin") == kremlin
    assert Source.objects.match("the kremlin") == kremlin
    assert Source.objects.match("Yury") is None
    assert Source.objects.match("Sergei Ushakov") is None
    assert Source.objects.match("") is None


def test_an_ambiguous_surname_matches_nobody():
    make_source(name="Anna Field")
    make_source(name="Mark Field")
    assert Source.objects.match("Field") is None
    assert len(Source.objects.candidates("Field")) == 2


def test_surnames_match_people_only():
    make_source(name="Central Bank", kind=Source.Kind.ORGANISATION)
    assert Source.objects.match("Bank") is None


def test_aliases_edited_later_are_matched():
    source = make_source(name="Yury Ushakov")
    assert Source.objects.match("Yuri Ushakov") is None
    source.aliases = "Yuri Ushakov"
    source.save()
    assert Source.objects.match("Yuri Ushakov") == source


def test_source_slugs_are_unique_and_derived_from_the_name():
    first = make_source(name="Anna Field")
    second = make_source(name="Anna Field")
    assert (first.slug, second.slug) == ("anna-field", "anna-field-2")
    assert second.get_absolute_url() == "/sources/anna-field-2/"


def test_deleting_a_source_with_confirmed_quotes_is_refused_with_a_reason():
    source = make_source(name="Anna Field")
    make_quote(make_story(), source)
    with pytest.raises(ProtectedError, match="Cannot delete Anna Field: 1 confirmed quote"):
        source.delete()
    with pytest.raises(ProtectedError, match="merge the source"):
        Source.objects.filter(pk=source.pk).delete()
    assert Source.objects.filter(pk=source.pk).exists()


def test_deleting_a_source_with_only_suggestions_unattributes_them():
    source = make_source(name="Anna Field")
    suggestion = make_quote(make_story(), source, status=Quote.Status.SUGGESTED)
    rejected = make_quote(make_story(), source, status=Quote.Status.REJECTED)
    source.delete()
    suggestion.refresh_from_db()
    rejected.refresh_from_db()
    assert suggestion.source is None and rejected.source is None
    assert rejected.status == Quote.Status.REJECTED


def test_a_confirmed_quote_needs_a_source():
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(story=make_story(), text="Hm.", status=Quote.Status.CONFIRMED)


# --- Suggestions from extraction ------------------------------------------------------------


def test_seed_story_quotes_are_suggested_with_registry_sources():
    seed = load_demo()[0]
    seed.quotes.all().delete()
    Source.objects.exclude(slug__in=["vladimir-putin", "yury-ushakov"]).delete()
    result = suggest_quotes(seed)
    quotes = list(seed.quotes.select_related("source"))
    assert len(result.created) == len(quotes) >= 7
    assert result.new_names == []
    assert Source.objects.count() == 2
    for speaker, words in SEED_QUOTES:
        assert has_quote(quotes, speaker, words), (speaker, words)
    assert not any(q.source.name == "Vladimir Putin" and "friends" in q.text for q in quotes)
    text = seed.text
    assert all(text[q.start : q.end] == q.text for q in quotes)
    assert all(q.status == Quote.Status.SUGGESTED for q in quotes)
    assert [q.position for q in quotes] == sorted(q.position for q in quotes)
    aide = next(q for q in quotes if q.text == "two colleagues and two friends")
    assert aide.described_as == "Putin's foreign policy aide"


def test_quoted_words_and_paraphrases_are_told_apart_for_readers(client):
    seed = load_demo()[0]
    by_text = {q.text: q for q in seed.quotes.all()}
    assert by_text["supported Russia's demands"].verbatim  # "according to", in quote marks
    assert by_text["two colleagues and two friends"].verbatim
    story = story_with_text("Anna Field said the bank would raise rates again in March.")
    suggest_quotes(story)
    paraphrase = story.quotes.get()
    assert paraphrase.kind == Quote.Kind.PARAPHRASE and not paraphrase.verbatim
    confirm.confirm(paraphrase, new_name=paraphrase.speaker)
    html = client.get(paraphrase.source.get_absolute_url()).text
    assert "Paraphrased, not their exact words" in html
    assert "“the bank would raise rates" not in html
    html = client.get("/sources/yury-ushakov/").text
    assert "“supported Russia&#x27;s demands”" in html
    assert "Paraphrased" not in html


def test_extracting_again_adds_no_duplicates_and_keeps_editors_decisions():
    story = story_with_text(
        "“We will raise rates again,” said Elvira Nabiullina, the bank's governor.",
        "Analysts expect one more increase.",
    )
    first = suggest_quotes(story)
    assert len(first.created) == 1
    quote = first.created[0]
    quote.status = Quote.Status.REJECTED
    quote.save()
    again = suggest_quotes(story)
    assert again.created == [] and len(again.updated) == 1
    assert story.quotes.count() == 1
    assert story.quotes.get().status == Quote.Status.REJECTED


def test_extracting_after_an_edit_moves_offsets_and_drops_outdated_suggestions():
    story = story_with_text(
        "“Prices will fall,” said Anna Field.", "“Wages will rise,” said Mark Stone."
    )
    suggest_quotes(story)
    story.body = paragraphs_to_html(
        ["A new first paragraph.", "“Prices will fall,” said Anna Field."]
    )
    story.save()
    result = suggest_quotes(story)
    assert result.created == [] and result.removed == 1
    quote = story.quotes.get()
    assert story.text[quote.start : quote.end] == quote.text == "Prices will fall"


def test_quotes_typed_in_by_an_editor_survive_extraction():
    story = story_with_text("Nobody is quoted here.")
    typed = make_quote(story, text="Off the record.", status=Quote.Status.SUGGESTED)
    suggest_quotes(story)
    assert list(story.quotes.all()) == [typed]


def test_new_speakers_become_sources_only_when_an_editor_confirms_them():
    story = story_with_text(
        "“Fires start earlier every year,” said Maria Lind, a climatologist.",
        "“We are overwhelmed,” the Ministry of Emergencies said in a statement.",
    )
    result = suggest_quotes(story)
    assert Source.objects.count() == 0
    assert set(result.new_names) == {"Maria Lind", "The Ministry of Emergencies"}
    lind_quote, ministry_quote = story.quotes.order_by("position")
    confirm.confirm(lind_quote, new_name=lind_quote.speaker)
    confirm.confirm(ministry_quote, new_name=ministry_quote.speaker)
    names = {source.name: source.kind for source in Source.objects.all()}
    assert names == {
        "Maria Lind": Source.Kind.PERSON,
        "The Ministry of Emergencies": Source.Kind.ORGANISATION,
    }
    assert Source.objects.get(name="Maria Lind").role == "a climatologist"
    again = story_with_text("“It is worse than we thought,” Lind said.")
    assert suggest_quotes(again).created[0].source.name == "Maria Lind"


def test_generic_group_speakers_get_no_source():
    from articles.sources.suggest import is_named

    assert not is_named("Researchers")
    assert not is_named("officials from both governments")
    assert is_named("Yury Ushakov") and is_named("The Kremlin")
    assert is_named("Ministry of Emergencies")


# --- Merging duplicates ---------------------------------------------------------------------


def test_merge_moves_quotes_and_keeps_every_name_and_note():
    keep = make_source(name="Yury Ushakov", contact_notes="Office line.")
    duplicate = make_source(name="Yuri Ushakov", aliases="Y. Ushakov", role="Kremlin aide")
    duplicate.contact_notes = "Mobile via the pool."
    duplicate.save()
    story = make_story()
    quotes = [make_quote(story, duplicate, text=f"Quote {i}") for i in range(3)]
    assert merge_sources(keep, [keep, duplicate]) == 3
    keep.refresh_from_db()
    assert not Source.objects.filter(pk=duplicate.pk).exists()
    assert {q.source_id for q in Quote.objects.filter(pk__in=[q.pk for q in quotes])} == {keep.pk}
    assert keep.alias_list() == ["Yuri Ushakov", "Y. Ushakov"]
    assert keep.role == "Kremlin aide"
    assert "Office line." in keep.contact_notes and "Mobile via the pool." in keep.contact_notes
    assert Source.objects.match("Yuri Ushakov") == keep


# --- Public pages ---------------------------------------------------------------------------


def test_story_page_shows_confirmed_quotes_only_with_links_to_sources(client):
    story = make_story()
    confirmed = make_source(name="Anna Field", role="Central bank governor")
    suggested = make_source(name="Mark Stone")
    rejected = make_source(name="Olga Reed")
    make_quote(story, confirmed)
    make_quote(story, suggested, status=Quote.Status.SUGGESTED)
    make_quote(story, rejected, status=Quote.Status.REJECTED)
    html = client.get(story.get_absolute_url()).text
    assert "Sources in this story" in html
    assert f'href="{confirmed.get_absolute_url()}">Anna Field</a>' in html
    assert "Central bank governor" in html
    assert "Mark Stone" not in html and "Olga Reed" not in html


def test_story_page_without_confirmed_quotes_has_no_quoted_block(client):
    story = make_story()
    make_quote(story, make_source(), status=Quote.Status.SUGGESTED)
    assert "Sources in this story" not in client.get(story.get_absolute_url()).text


def test_source_page_lists_published_stories_newest_first_with_their_quotes(client):
    source = make_source(name="Anna Field", role="Governor", description="Runs the bank.")
    now = timezone.now()
    old = make_story(headline="Old story", published_at=now - timedelta(days=3))
    new = make_story(headline="New story", published_at=now - timedelta(days=1))
    draft = make_story(headline="Draft story", status=Story.Status.DRAFT, published_at=None)
    scheduled = make_story(headline="Scheduled story", published_at=now + timedelta(days=1))
    for story in (old, new, draft, scheduled):
        make_quote(story, source, text=f"Said in {story.headline}")
    make_quote(old, source, text="A suggestion only", status=Quote.Status.SUGGESTED)
    response = client.get("/sources/anna-field/")
    assert response.status_code == 200
    html = response.text
    assert "Runs the bank." in html and "Governor" in html
    assert html.index("New story") < html.index("Old story")
    assert "Said in New story" in html and "Said in Old story" in html
    assert "Draft story" not in html and "Scheduled story" not in html
    assert "A suggestion only" not in html
    assert "Quoted in 2 published stories" in html


@pytest.mark.parametrize("status", [Quote.Status.SUGGESTED, Quote.Status.REJECTED])
def test_a_source_without_confirmed_published_quotes_has_no_page(client, status):
    source = make_source(name="Anna Field")
    make_quote(make_story(), source, status=status)
    make_quote(make_story(status=Story.Status.DRAFT, published_at=None), source)
    assert client.get(source.get_absolute_url()).status_code == 404
    assert client.get("/sources/nobody/").status_code == 404


def test_source_page_is_paginated(client):
    source = make_source(name="Anna Field")
    now = timezone.now()
    for i in range(12):
        make_quote(make_story(published_at=now - timedelta(hours=i + 1)), source)
    first = client.get(source.get_absolute_url()).text
    second = client.get(source.get_absolute_url() + "?page=2")
    assert "Page 1 of 2" in first and "?page=2" in first
    assert "Quoted in 12 published stories" in first
    assert second.text.count('class="result__headline"') == 2 and "Page 2 of 2" in second.text
    for odd in ("abc", "0", "-3"):
        assert "Page 1 of 2" in client.get(f"{source.get_absolute_url()}?page={odd}").text
    assert "Page 2 of 2" in client.get(source.get_absolute_url() + "?page=99").text


@pytest.mark.parametrize("count", [3, 50])
def test_source_page_query_budget(client, django_assert_max_num_queries, count):
    source = make_source(name="Anna Field")
    section, authors = make_section(), [make_author(), make_author()]
    now = timezone.now()
    for i in range(count):
        story = make_story(
            section=section, authors=authors, published_at=now - timedelta(minutes=i + 1)
        )
        make_quote(story, source, text=f"First {i}")
        make_quote(story, source, text=f"Second {i}")
    # The listing's three (slug lookup, counts, cards), the quotes, and with a cold cache the
    # site-wide navigation, appeals and breaking-news strips. The first visit also builds the
    # page's cards in one batch (5: tests/test_queries.py).
    cache.clear()
    with django_assert_max_num_queries(7 + 5):
        assert client.get(source.get_absolute_url()).status_code == 200
    cache.clear()
    with django_assert_max_num_queries(7):
        response = client.get(source.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('class="result__headline"') == min(count, 10)


def test_demo_seed_story_has_confirmed_quotes_and_sources(client):
    seed = load_demo()[0]
    quotes = list(seed.quotes.confirmed().select_related("source"))
    for speaker, words in SEED_QUOTES:
        assert has_quote(quotes, speaker, words), (speaker, words)
    ushakov = Source.objects.get(slug="yury-ushakov")
    assert ushakov.role == "foreign policy aide to the President"
    assert ushakov.alias_list() == ["Yuri Ushakov", "Ushakov"]
    assert Source.objects.get(slug="vladimir-putin").role == "President of Russia"
    html = client.get(seed.get_absolute_url()).text
    assert 'href="/sources/yury-ushakov/"' in html and 'href="/sources/vladimir-putin/"' in html
    counts = (Quote.objects.count(), Source.objects.count())
    load_demo()
    assert (Quote.objects.count(), Source.objects.count()) == counts


# --- Private notes never reach readers ------------------------------------------------------

SECRET = "PRIVATE-CONTACT-7731 call +7 900 000-00-00"
_HREF = re.compile(r"""(?:href|src)=["'](/[^"'#?]*)(?:\?[^"'#]*)?["']""")


def _public_paths():
    """Every parameterless public URL pattern (sitemaps, feeds, listings …), admin excluded."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
                yield "/" + (prefix + route).lstrip("^").rstrip("$")

    return [p for p in walk(get_resolver().url_patterns, "") if not p.startswith("/admin")]


def test_private_contact_notes_appear_on_no_public_page(client):
    seed = load_demo()[0]
    Source.objects.update(contact_notes=SECRET)
    draft_source = make_source(name="Hidden Source", contact_notes=SECRET)
    make_quote(seed, draft_source, status=Quote.Status.SUGGESTED)
    seen, queue = set(), ["/", "/sources/vladimir-putin/", "/sources/yury-ushakov/"]
    queue += _public_paths()
    while queue and len(seen) < 400:
        path = queue.pop(0)
        if path in seen or path.startswith(("/admin", "/static", "/preview")):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.get("Content-Type", "").startswith(
            ("image/", "font/")
        ):
            continue
        body = response.content.decode("utf-8", "replace")
        assert "PRIVATE-CONTACT-7731" not in body, path
        queue += [href for href in _HREF.findall(body) if href not in seen]
    visited = " ".join(seen)
    assert seed.get_absolute_url() in visited and "/sources/yury-ushakov/" in visited
    assert "/sections/" in visited and "/tags/" in visited and "/authors/" in visited


def test_sources_box_lists_named_people_and_organisations_and_counts_the_unnamed(client):
    story = make_story()
    field = make_source(name="Anna Field", role="central bank governor")
    ministry = make_source(name="The Finance Ministry", kind=Source.Kind.ORGANISATION)
    make_quote(story, field)
    make_quote(story, field, text="And again.")
    make_quote(story, ministry)
    for speaker in ("a senior official", "a senior official", "one trader"):
        make_quote(story, None, speaker=speaker, unnamed=True, status=Quote.Status.CONFIRMED)
    make_quote(story, None, speaker="a banker", unnamed=True, status=Quote.Status.SUGGESTED)
    html = client.get(story.get_absolute_url()).text
    start = html.index('class="sources-box"')
    box = html[start : html.index("</aside>", start)]
    assert f'href="{field.get_absolute_url()}">Anna Field</a>' in box
    assert f'href="{ministry.get_absolute_url()}">The Finance Ministry</a>' in box
    assert "2 quotes" in box and "Central bank governor" in box
    assert "And 2 unnamed sources" in box
    assert "senior official" not in html and "trader" not in html


def test_sources_box_links_the_unnamed_sources_policy_when_it_is_set(client):
    from articles.models import PublisherPolicies

    PublisherPolicies.objects.create(unnamed_sources_policy="https://news.example/unnamed/")
    story = make_story()
    make_quote(story, None, speaker="an aide", unnamed=True, status=Quote.Status.CONFIRMED)
    html = client.get(story.get_absolute_url()).text
    assert "1 unnamed source" in html and 'href="https://news.example/unnamed/"' in html


def test_a_quote_from_an_unnamed_source_can_never_name_a_source():
    story = make_story()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_quote(story, make_source(), unnamed=True)
    unnamed = make_quote(story, None, unnamed=True, status=Quote.Status.CONFIRMED)
    assert unnamed.source is None
