"""Editors decide on suggested quotes: no junk sources, near-duplicate names offered for
merging, and every confirmed quote checked against what was said before."""

from datetime import UTC, datetime

import pytest

from articles.html import paragraphs_to_html
from articles.models import Quote, QuoteMatch, QuoteShingle, Source
from articles.sources import confirm, record
from articles.sources.duplicates import duplicate_pairs, similar_sources
from articles.sources.spelling import sound_key
from articles.sources.suggest import suggest_quotes
from tests.factories import make_author, make_story

pytestmark = pytest.mark.django_db

WORDS = "We will not let the price of bread double in a single winter"


def story_with(*paragraphs, **overrides):
    return make_story(body=paragraphs_to_html(list(paragraphs)), **overrides)


def suggestion(story, speaker="Anna Field", text=WORDS, **overrides):
    overrides.setdefault("speaker_kind", "person")
    return Quote.objects.create(story=story, speaker=speaker, text=text, **overrides)


def confirmed(story, source, text=WORDS, **overrides):
    quote = suggestion(story, source.name, text, **overrides)
    confirm.confirm(quote, source)
    return quote


def review_url(quote):
    return f"/admin/articles/quote/{quote.pk}/review/"


# --- No junk sources ------------------------------------------------------------------------


def test_extraction_suggests_speakers_but_creates_no_source():
    story = story_with(
        "Norway's foreign minister, Ingrid Solheim, arrived in Tromsø for talks on the "
        "Barents Sea.",
        "“We came to talk about the Arctic,” she told reporters.",
    )
    result = suggest_quotes(story)
    assert result.new_names == ["Ingrid Solheim"]
    assert story.quotes.get().speaker == "Ingrid Solheim"
    assert not Source.objects.exists()


def test_rejecting_a_suggestion_leaves_nothing_behind():
    story = story_with("“Prices will fall,” said Anna Field.")
    suggest_quotes(story)
    confirm.reject(story.quotes.get())
    assert not Source.objects.exists()
    assert story.quotes.get().status == Quote.Status.REJECTED
    suggest_quotes(story)  # extracting again keeps the rejection
    assert not Source.objects.exists() and story.quotes.count() == 1


def test_confirming_to_a_new_name_creates_the_source_and_taking_it_back_removes_it():
    quote = suggestion(make_story(), described_as="the bank's governor")
    confirm.confirm(quote, new_name="Anna Field")
    source = Source.objects.get()
    assert (source.name, source.kind, source.role) == (
        "Anna Field",
        "person",
        "the bank's governor",
    )
    assert QuoteShingle.objects.filter(quote=quote).exists()
    confirm.reject(quote)
    assert not Source.objects.exists()
    assert not QuoteShingle.objects.exists()
    quote.refresh_from_db()
    assert quote.source is None and quote.status == Quote.Status.REJECTED


def test_a_source_an_editor_has_edited_stays_when_its_quote_is_rejected(editor_client):
    quote = suggestion(make_story())
    confirm.confirm(quote, new_name="Anna Field")
    source = Source.objects.get()
    response = editor_client.get(f"/admin/articles/source/{source.pk}/change/")
    from tests.admin_forms import admin_form_data

    editor_client.post(
        f"/admin/articles/source/{source.pk}/change/",
        admin_form_data(response, description="Governor since 2013."),
    )
    confirm.reject(quote)
    assert Source.objects.get().description == "Governor since 2013."


def test_an_unnamed_source_is_confirmed_without_a_source_record():
    quote = suggestion(make_story(), speaker="a senior official", speaker_kind="person")
    confirm.confirm(quote, unnamed=True)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CONFIRMED and quote.unnamed and quote.source is None
    assert not Source.objects.exists()


def test_a_group_is_not_a_name_a_source_can_be_created_for():
    from django.core.exceptions import ValidationError

    quote = suggestion(make_story(), speaker="officials", speaker_kind="group")
    with pytest.raises(ValidationError, match="not a name a source can have"):
        confirm.confirm(quote, new_name="officials")
    assert not Source.objects.exists()


# --- Near-duplicates and transliterations ---------------------------------------------------


def test_transliterations_and_accents_sound_the_same():
    assert sound_key("Yury Ushakov") == sound_key("Yuri Ushakov")
    assert sound_key("Volodymyr Zelensky") == sound_key("Volodymyr Zelenskyy")
    assert sound_key("Recep Tayyip Erdoğan") == sound_key("Recep Tayyip Erdogan")
    assert sound_key("Yevgeny Prigozhin") == sound_key("Evgeniy Prigozhin")
    assert sound_key("Anna Field") != sound_key("Anne Fielding")


def test_near_duplicate_names_are_suggested_for_merging():
    yury = Source.objects.create(name="Yury Ushakov")
    Source.objects.create(name="Yuri Ushakov")
    Source.objects.create(name="Sergei Lavrov")
    lavrov = Source.objects.create(name="Sergey Lavrov")
    Source.objects.create(name="Anna Field")
    assert [s.source.name for s in similar_sources("Yuri Ushakov", exclude=[])] == [
        "Yuri Ushakov",
        "Yury Ushakov",
    ]
    assert [s.source for s in similar_sources("Yury Ushakov", exclude=[yury])][0].name == (
        "Yuri Ushakov"
    )
    pairs = {(a.name, b.name) for a, b, _ in duplicate_pairs()}
    assert pairs == {("Yury Ushakov", "Yuri Ushakov"), ("Sergei Lavrov", "Sergey Lavrov")}
    assert lavrov.pk


def test_source_page_links_possible_duplicates_to_the_merge_screen(editor_client):
    keep = Source.objects.create(name="Yury Ushakov")
    other = Source.objects.create(name="Yuri Ushakov")
    html = editor_client.get(f"/admin/articles/source/{keep.pk}/change/").text
    assert "Possible duplicates" in html and "Yuri Ushakov" in html
    assert f"?merge={keep.pk},{other.pk}" in html
    merge = editor_client.get(f"/admin/articles/source/?merge={keep.pk},{other.pk}")
    assert "Choose the source to keep" in merge.text
    listing = editor_client.get("/admin/articles/source/duplicates/").text
    assert "Yury Ushakov" in listing and "Yuri Ushakov" in listing


def test_a_stale_merge_link_says_so(editor_client):
    keep = Source.objects.create(name="Yury Ushakov")
    response = editor_client.get(f"/admin/articles/source/?merge={keep.pk},999", follow=True)
    assert "Those sources no longer exist." in response.text


def test_the_review_screen_offers_a_transliteration_and_confirming_learns_it(editor_client):
    yury = Source.objects.create(name="Yury Ushakov", role="Kremlin aide")
    quote = suggestion(make_story(), speaker="Yuri Ushakov")
    html = editor_client.get(review_url(quote)).text
    assert "Yury Ushakov" in html and "similar name: Yury Ushakov" in html
    response = editor_client.post(review_url(quote), {"choice": f"source:{yury.pk}"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.source == yury and quote.status == Quote.Status.CONFIRMED
    assert "Yuri Ushakov" in Source.objects.get(pk=yury.pk).alias_list()
    assert Source.objects.count() == 1


# --- The review screen ----------------------------------------------------------------------


def test_review_screen_confirms_to_a_new_source_and_goes_back_to_the_story(editor_client):
    story = story_with("“Prices will fall,” said Anna Field.")
    suggest_quotes(story)
    quote = story.quotes.get()
    html = editor_client.get(review_url(quote)).text
    assert "<mark>Prices will fall</mark>" in html
    assert "A new source, created when you confirm" in html
    response = editor_client.post(review_url(quote), {"choice": "new", "new_name": "Anna Field"})
    assert response["Location"] == f"/admin/articles/story/{story.pk}/change/#quotes-group"
    assert Source.objects.get().name == "Anna Field"


def test_review_screen_rejects_and_creates_nothing(editor_client):
    quote = suggestion(make_story())
    editor_client.post(review_url(quote), {"reject": "Reject"})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REJECTED and not Source.objects.exists()


def test_review_screen_refuses_bad_input_with_a_message_and_changes_nothing(editor_client):
    quote = suggestion(make_story())
    for data in (
        {"choice": "new", "new_name": "  "},
        {"choice": "other"},
        {"choice": "source:99999"},
        {},
    ):
        response = editor_client.post(review_url(quote), data)
        assert response.status_code == 200
        assert "errornote" in response.text
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUGGESTED and not Source.objects.exists()


def test_review_screen_of_a_missing_quote_is_not_found(editor_client):
    assert editor_client.get("/admin/articles/quote/999/review/").status_code == 404


def test_paraphrases_are_shown_to_editors_as_such(editor_client):
    story = story_with("Officials said the talks had been useful.")
    suggest_quotes(story)
    quote = story.quotes.get()
    assert quote.kind == Quote.Kind.PARAPHRASE
    html = editor_client.get(review_url(quote)).text
    assert "Paraphrase" in html and "not their exact words" in html
    story_form = editor_client.get(f"/admin/articles/story/{story.pk}/change/").text
    assert '<option value="paraphrase" selected>Paraphrase</option>' in story_form


def test_confirm_and_next_goes_to_the_following_suggestion(editor_client):
    story = make_story()
    first = suggestion(story, position=0)
    second = suggestion(story, text="Another quote entirely, with its own words.", position=1)
    response = editor_client.post(
        review_url(first), {"choice": "new", "new_name": "Anna Field", "_next": "1"}
    )
    assert response["Location"] == review_url(second)


# --- The record check -----------------------------------------------------------------------


@pytest.fixture
def earlier_story():
    return make_story(headline="Bread prices", published_at=datetime(2021, 3, 3, 12, tzinfo=UTC))


def test_words_the_same_source_said_before_are_noted_as_reuse(earlier_story):
    field = Source.objects.create(name="Anna Field")
    confirmed(earlier_story, field)
    quote = suggestion(make_story(), text=WORDS + ".")
    matches = confirm.confirm(quote, field)
    assert [(m.kind, m.earlier.story) for m in matches] == [(QuoteMatch.Kind.REUSE, earlier_story)]
    assert not matches[0].is_warning


def test_words_attributed_to_someone_else_before_are_a_warning(earlier_story, editor_client):
    confirmed(earlier_story, Source.objects.create(name="Mark Stone"))
    field = Source.objects.create(name="Anna Field")
    quote = suggestion(make_story(), text="“" + WORDS.lower() + ",” she said")
    review = editor_client.get(review_url(quote)).text  # a preview, before confirming
    assert "Check before confirming" in review
    assert "These words were attributed to Mark Stone in “Bread prices” (3 March 2021)" in review
    response = editor_client.post(review_url(quote), {"choice": f"source:{field.pk}"}, follow=True)
    assert "These words were attributed to Mark Stone" in response.text  # the message
    match = QuoteMatch.objects.get(quote=quote)
    assert match.kind == QuoteMatch.Kind.MISATTRIBUTION and match.similarity >= 85
    page = editor_client.get(f"/admin/articles/quote/{quote.pk}/change/").text
    assert "Checked against the record" in page and "attributed to Mark Stone" in page
    listing = editor_client.get("/admin/articles/quote/").text
    assert "attributed elsewhere" in listing


def test_a_partial_quote_of_a_longer_one_is_found(earlier_story):
    stone = Source.objects.create(name="Mark Stone")
    confirmed(earlier_story, stone, text="We have been clear for months. " + WORDS + ".")
    quote = suggestion(make_story(), text=WORDS)
    found = record.check(quote, Source.objects.create(name="Anna Field"))
    assert [f.kind for f in found] == [QuoteMatch.Kind.MISATTRIBUTION]


def test_paraphrases_short_quotes_and_the_same_story_are_not_held_against_anyone(earlier_story):
    stone = Source.objects.create(name="Mark Stone")
    field = Source.objects.create(name="Anna Field")
    confirmed(earlier_story, stone)
    paraphrase = suggestion(make_story(), text=WORDS, kind=Quote.Kind.PARAPHRASE)
    assert record.check(paraphrase, field) == []
    confirmed(earlier_story, stone, text="open to talks")
    assert record.check(suggestion(make_story(), text="open to talks"), field) == []
    same_story = suggestion(earlier_story, text=WORDS)
    assert record.check(same_story, field) == []


def test_rejected_and_suggested_quotes_are_not_the_record(earlier_story):
    stone = Source.objects.create(name="Mark Stone")
    earlier = confirmed(earlier_story, stone)
    confirm.reject(earlier)
    assert record.check(suggestion(make_story()), Source.objects.create(name="Anna Field")) == []


def test_confirming_in_bulk_checks_each_quote_and_says_when_words_were_elsewhere(
    earlier_story, editor_client
):
    confirmed(earlier_story, Source.objects.create(name="Mark Stone"))
    quote = suggestion(make_story(), source=Source.objects.create(name="Anna Field"))
    response = editor_client.post(
        "/admin/articles/quote/",
        {"action": "confirm", "_selected_action": [quote.pk]},
        follow=True,
    )
    assert "Confirmed 1 quote(s)." in response.text
    assert "these words were attributed to someone else" in response.text
    assert QuoteMatch.objects.filter(quote=quote, kind=QuoteMatch.Kind.MISATTRIBUTION).exists()


def test_confirming_in_the_story_form_checks_the_record_too(earlier_story, editor_client):
    from tests.admin_forms import admin_form_data

    confirmed(earlier_story, Source.objects.create(name="Mark Stone"))
    story = make_story(authors=[make_author()])
    quote = suggestion(story, source=Source.objects.create(name="Anna Field"))
    url = f"/admin/articles/story/{story.pk}/change/"
    data = admin_form_data(editor_client.get(url), **{"quotes-0-status": "confirmed"})
    editor_client.post(url, data)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.CONFIRMED
    assert QuoteMatch.objects.filter(quote=quote).count() == 1


def test_quotes_confirmed_before_the_record_check_are_indexed_once(earlier_story):
    from django.core.management import call_command

    stone = Source.objects.create(name="Mark Stone")
    old = Quote.objects.create(story=earlier_story, source=stone, text=WORDS, status="confirmed")
    field = Source.objects.create(name="Anna Field")
    assert record.check(suggestion(make_story()), field) == []
    call_command("index_quotes")
    call_command("index_quotes")  # again: nothing twice
    assert QuoteShingle.objects.filter(quote=old).count() == len(record.shingles(WORDS))
    assert [f.earlier for f in record.check(suggestion(make_story()), field)] == [old]
