"""The editors' side of sources and quotes: extraction, review, merging, the sourcing report."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin import helpers

from articles.editorial.roles import REPORTER
from articles.html import paragraphs_to_html
from articles.models import Quote, Source, Story
from tests.factories import make_author, make_section, make_staff, make_story

pytestmark = pytest.mark.django_db

TEXT = [
    "“We will raise rates again,” said Elvira Nabiullina, the bank's governor.",
    "“Inflation is too high,” she added.",
]


def quote(story, source=None, status=Quote.Status.CONFIRMED, text="Words."):
    return Quote.objects.create(story=story, source=source, status=status, text=text)


def extract_on_change_form(client, story):
    return client.post(
        f"/admin/articles/story/{story.pk}/change/",
        {
            "CHANGE_FORM-action": "extract_quotes",
            helpers.ACTION_CHECKBOX_NAME: [story.pk],
        },
        follow=True,
    )


def test_story_form_offers_extract_quotes_and_shows_the_quotes_inline(editor_client):
    story = make_story(body=paragraphs_to_html(TEXT))
    html = editor_client.get(f"/admin/articles/story/{story.pk}/change/").text
    assert 'value="extract_quotes"' in html
    assert "quotes-inline" in html


def test_extract_quotes_on_the_story_form_suggests_without_duplicating(editor_client):
    story = make_story(body=paragraphs_to_html(TEXT))
    response = extract_on_change_form(editor_client, story)
    assert response.status_code == 200
    assert "2 new suggestions" in response.text
    assert "not in the registry yet (a source is created when you confirm): Elvira" in (
        response.text
    )
    assert story.quotes.count() == 2
    assert set(story.quotes.values_list("speaker", flat=True)) == {"Elvira Nabiullina"}
    again = extract_on_change_form(editor_client, story)
    assert "0 new suggestions; 2 already recorded" in again.text
    assert story.quotes.count() == 2
    assert Source.objects.count() == 0
    # The suggestions are listed in the inline for review.
    html = editor_client.get(f"/admin/articles/story/{story.pk}/change/").text
    assert "Inflation is too high" in html


def test_extract_quotes_from_the_story_list_for_several_stories(editor_client):
    stories = [make_story(body=paragraphs_to_html(TEXT)) for _ in range(2)]
    editor_client.post(
        "/admin/articles/story/",
        {"action": "extract_quotes", helpers.ACTION_CHECKBOX_NAME: [s.pk for s in stories]},
    )
    assert [s.quotes.count() for s in stories] == [2, 2]


def test_quotes_are_confirmed_and_rejected_in_bulk(editor_client):
    story = make_story()
    source = Source.objects.create(name="Anna Field")
    with_source = [quote(story, source, Quote.Status.SUGGESTED) for _ in range(3)]
    without_source = quote(story, None, Quote.Status.SUGGESTED)
    ids = [q.pk for q in with_source] + [without_source.pk]
    response = editor_client.post(
        "/admin/articles/quote/",
        {"action": "confirm", helpers.ACTION_CHECKBOX_NAME: ids},
        follow=True,
    )
    assert "Confirmed 3 quote(s)." in response.text
    assert "1 quote(s) have no source yet" in response.text
    statuses = dict(Quote.objects.values_list("pk", "status"))
    assert [statuses[q.pk] for q in with_source] == [Quote.Status.CONFIRMED] * 3
    assert statuses[without_source.pk] == Quote.Status.SUGGESTED
    editor_client.post(
        "/admin/articles/quote/", {"action": "reject", helpers.ACTION_CHECKBOX_NAME: ids}
    )
    assert set(Quote.objects.values_list("status", flat=True)) == {Quote.Status.REJECTED}


def test_quote_list_filters_by_status_and_source_kind(editor_client):
    story = make_story()
    person = Source.objects.create(name="Anna Field")
    org = Source.objects.create(name="The Kremlin", kind=Source.Kind.ORGANISATION)
    quote(story, person, text="Person words")
    quote(story, org, Quote.Status.SUGGESTED, text="Kremlin words")
    html = editor_client.get("/admin/articles/quote/?status__exact=suggested").text
    assert "Kremlin words" in html and "Person words" not in html
    html = editor_client.get("/admin/articles/quote/?source_kind=person").text
    assert "Person words" in html and "Kremlin words" not in html


def test_confirming_in_the_inline_without_a_source_is_refused(editor_client):
    story = make_story()
    suggestion = quote(story, None, Quote.Status.SUGGESTED, text="Nobody said this.")
    response = editor_client.post(
        f"/admin/articles/quote/{suggestion.pk}/change/",
        {
            "story": story.pk,
            "text": suggestion.text,
            "kind": "direct",
            "status": "confirmed",
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "Choose a source before confirming, or use “Review”" in response.text
    suggestion.refresh_from_db()
    assert suggestion.status == Quote.Status.SUGGESTED


def test_source_form_shows_aliases_stories_and_quotes(editor_client):
    source = Source.objects.create(name="Yury Ushakov", aliases="Yuri Ushakov")
    story = make_story(headline="The call")
    quote(story, source, text="two colleagues and two friends")
    html = editor_client.get(f"/admin/articles/source/{source.pk}/change/").text
    assert "Yuri Ushakov" in html
    assert "The call" in html and "1 of 1 quotes confirmed" in html
    assert "two colleagues and two friends" in html
    assert "never reaches the public site" in html


def test_view_on_site_only_for_sources_with_a_public_page(editor_client):
    public = Source.objects.create(name="Anna Field")
    quote(make_story(), public)
    private = Source.objects.create(name="Mark Stone")
    quote(make_story(status=Story.Status.DRAFT, published_at=None), private)
    assert (
        "/sources/anna-field/"
        in editor_client.get(f"/admin/articles/source/{public.pk}/change/").text
    )
    assert (
        "View on site" not in editor_client.get(f"/admin/articles/source/{private.pk}/change/").text
    )


def test_admin_delete_of_a_quoted_source_is_refused_with_a_clear_message(editor_client):
    source = Source.objects.create(name="Anna Field")
    quote(make_story(), source)
    url = f"/admin/articles/source/{source.pk}/delete/"
    html = editor_client.get(url).text
    assert "cannot be deleted" in html and "confirmed quotes" in html
    editor_client.post(url, {"post": "yes"})
    assert Source.objects.filter(pk=source.pk).exists()
    response = editor_client.post(
        "/admin/articles/source/",
        {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: [source.pk]},
    )
    assert "cannot be deleted" in response.text


def test_merge_action_asks_which_source_to_keep_then_merges(editor_client):
    keep = Source.objects.create(name="Yury Ushakov")
    duplicate = Source.objects.create(name="Yuri Ushakov", aliases="Ushakov")
    story = make_story()
    moved = quote(story, duplicate)
    ids = [keep.pk, duplicate.pk]
    page = editor_client.post(
        "/admin/articles/source/",
        {"action": "merge_duplicates", helpers.ACTION_CHECKBOX_NAME: ids},
    )
    assert "Choose the source to keep" in page.text
    assert Source.objects.count() == 2
    response = editor_client.post(
        "/admin/articles/source/",
        {"action": "merge_duplicates", helpers.ACTION_CHECKBOX_NAME: ids, "keep": keep.pk},
        follow=True,
    )
    assert "Merged 1 source(s) into “Yury Ushakov”: 1 quote(s) moved" in response.text
    assert list(Source.objects.all()) == [keep]
    moved.refresh_from_db()
    keep.refresh_from_db()
    assert moved.source == keep
    assert keep.alias_list() == ["Yuri Ushakov", "Ushakov"]


def test_merge_needs_two_sources(editor_client):
    source = Source.objects.create(name="Anna Field")
    response = editor_client.post(
        "/admin/articles/source/",
        {"action": "merge_duplicates", helpers.ACTION_CHECKBOX_NAME: [source.pk]},
        follow=True,
    )
    assert "Select at least two sources to merge." in response.text


# --- The sourcing report --------------------------------------------------------------------


@pytest.fixture
def newsroom():
    """Two sections, two authors, stories in two months with known sources."""
    news, business = make_section(name="News"), make_section(name="Business")
    anna, mark = make_author(name="Anna"), make_author(name="Mark")
    putin = Source.objects.create(name="Vladimir Putin")
    kremlin = Source.objects.create(name="The Kremlin", kind=Source.Kind.ORGANISATION)
    bank = Source.objects.create(name="Central Bank", kind=Source.Kind.ORGANISATION)
    nov = datetime(2021, 11, 10, 12, tzinfo=UTC)
    dec = datetime(2021, 12, 10, 12, tzinfo=UTC)
    s1 = make_story(section=news, authors=[anna], published_at=dec)
    s2 = make_story(section=news, authors=[anna, mark], published_at=dec + timedelta(days=1))
    s3 = make_story(section=business, authors=[mark], published_at=nov)
    draft = make_story(section=news, authors=[anna], status=Story.Status.DRAFT, published_at=dec)
    quote(s1, putin)
    quote(s1, putin)
    quote(s1, kremlin)
    quote(s1, bank, Quote.Status.SUGGESTED)  # not counted: only confirmed quotes are
    quote(s2, putin)
    quote(s3, bank)
    quote(draft, kremlin)  # not counted: not published
    return news, business


def report_rows(client, query=""):
    response = client.get("/admin/articles/source/report/?format=csv&" + query)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_sourcing_report_counts_per_month_section_and_author(editor_client, newsroom):
    rows = {(r["month"], r["section"], r["author"]): r for r in report_rows(editor_client)}
    assert set(rows) == {
        ("2021-12", "News", "Anna"),
        ("2021-12", "News", "Mark"),
        ("2021-11", "Business", "Mark"),
        ("total", "", ""),
    }
    anna = rows["2021-12", "News", "Anna"]
    assert (anna["stories"], anna["distinct_sources"], anna["quotes"]) == ("2", "2", "4")
    assert (anna["person_share_pct"], anna["organisation_share_pct"]) == ("50.0", "50.0")
    mark = rows["2021-12", "News", "Mark"]
    assert (mark["stories"], mark["distinct_sources"], mark["quotes"]) == ("1", "1", "1")
    assert mark["person_share_pct"] == "100.0"
    business = rows["2021-11", "Business", "Mark"]
    assert business["organisation_sources"] == "1" and business["quotes"] == "1"
    total = rows["total", "", ""]
    assert (total["stories"], total["distinct_sources"], total["quotes"]) == ("3", "3", "5")
    assert total["person_share_pct"] == "33.3" and total["organisation_share_pct"] == "66.7"


def test_sourcing_report_filters_by_month_and_section(editor_client, newsroom):
    news, _ = newsroom
    rows = report_rows(editor_client, "start=2021-12&end=2021-12")
    assert {r["month"] for r in rows} == {"2021-12", "total"}
    rows = report_rows(editor_client, f"section={news.slug}&start=2021-11")
    assert {r["section"] for r in rows} == {"News", ""}
    assert rows[-1]["stories"] == "2"


def test_sourcing_report_page_and_bad_input(editor_client, newsroom):
    html = editor_client.get("/admin/articles/source/report/").text
    assert "Sourcing report" in html and "Download CSV" in html
    assert "Dec 2021" in html and "50.0 %" in html
    bad = editor_client.get("/admin/articles/source/report/?start=2021-13")
    assert bad.status_code == 200 and "Enter a valid date" in bad.text
    backwards = editor_client.get("/admin/articles/source/report/?start=2021-12&end=2021-11")
    assert "before “From month”" in backwards.text
    assert "Sourcing report" in editor_client.get("/admin/articles/source/").text


def test_sourcing_report_is_for_staff_with_view_permission(client, django_user_model):
    user = django_user_model.objects.create_user("intern", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/articles/source/report/").status_code == 403
    client.logout()
    assert client.get("/admin/articles/source/report/").status_code == 302


# --- Story ownership: reporters touch quotes only on stories they may change ----------------


@pytest.fixture
def reporter_client(client):
    client.force_login(make_staff("rita", REPORTER))
    return client


def others_draft(headline="Colleague's draft"):
    return make_story(headline=headline, status=Story.Status.DRAFT, published_at=None)


def quote_form(story, quote=None, **changes):
    data = {"story": story.pk, "text": "Words.", "kind": "direct", "status": "suggested"}
    data |= {"position": 0, "speaker": "", "described_as": "", "cue": "", "verbatim": "on"}
    if quote is not None:
        data |= {"text": quote.text, "status": quote.status, "source": quote.source_id or ""}
    return data | changes


def test_reporter_cannot_edit_a_confirmed_quote_on_someone_elses_published_story(
    reporter_client,
):
    live = quote(make_story(headline="Published story"), Source.objects.create(name="Anna"))
    url = f"/admin/articles/quote/{live.pk}/change/"
    page = reporter_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.text  # read-only
    response = reporter_client.post(url, quote_form(live.story, live, text="Words never said."))
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.text == "Words."


def test_reporter_cannot_change_quotes_on_a_published_story_with_the_list_actions(
    reporter_client,
):
    live = quote(make_story(), Source.objects.create(name="Anna"))
    response = reporter_client.post(
        "/admin/articles/quote/",
        {"action": "reject", helpers.ACTION_CHECKBOX_NAME: [live.pk]},
        follow=True,
    )
    assert "only change quotes on stories you may edit" in response.text
    live.refresh_from_db()
    assert live.status == Quote.Status.CONFIRMED


def test_reporter_cannot_add_a_quote_to_another_reporters_draft(reporter_client):
    draft = others_draft()
    response = reporter_client.post("/admin/articles/quote/add/", quote_form(draft))
    assert response.status_code == 200
    assert "only add quotes to stories you may edit" in response.text
    assert not Quote.objects.exists()
    published = make_story()
    reporter_client.post("/admin/articles/quote/add/", quote_form(published))
    assert not Quote.objects.exists()


def test_reporter_adds_and_edits_quotes_on_their_own_draft(reporter_client):
    from django.contrib.auth.models import User

    own = make_story(
        status=Story.Status.DRAFT, published_at=None, created_by=User.objects.get(username="rita")
    )
    response = reporter_client.post("/admin/articles/quote/add/", quote_form(own))
    assert response.status_code == 302
    added = Quote.objects.get()
    response = reporter_client.post(
        f"/admin/articles/quote/{added.pk}/change/", quote_form(own, added, text="Better words.")
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.text == "Better words."


def test_reporter_cannot_extract_quotes_from_someone_elses_story(reporter_client):
    story = make_story(body=paragraphs_to_html(TEXT))
    response = reporter_client.post(
        "/admin/articles/story/",
        {"action": "extract_quotes", helpers.ACTION_CHECKBOX_NAME: [story.pk]},
        follow=True,
    )
    assert "only extract quotes from stories you may edit" in response.text
    extract_on_change_form(reporter_client, story)
    assert not story.quotes.exists()


def test_merging_sources_needs_the_delete_permission(reporter_client):
    keep = Source.objects.create(name="Yury Ushakov")
    duplicate = Source.objects.create(name="Yuri Ushakov")
    ids = [keep.pk, duplicate.pk]
    changelist = reporter_client.get("/admin/articles/source/").text
    assert "merge_duplicates" not in changelist
    reporter_client.post(
        "/admin/articles/source/",
        {"action": "merge_duplicates", helpers.ACTION_CHECKBOX_NAME: ids, "keep": keep.pk},
    )
    assert Source.objects.count() == 2


def test_no_list_shows_a_reporter_a_headline_they_may_not_open(reporter_client):
    source = Source.objects.create(name="Anna Field")
    hidden = others_draft(headline="Secret merger plans")
    quote(hidden, source, Quote.Status.SUGGESTED, text="Secret words.")
    quote(make_story(headline="Public story"), source, text="Public words.")

    quotes = reporter_client.get("/admin/articles/quote/").text
    assert "Public words." in quotes
    assert "Secret" not in quotes
    source_page = reporter_client.get(f"/admin/articles/source/{source.pk}/change/").text
    assert "Public story" in source_page
    assert "Secret" not in source_page
    autocomplete = reporter_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "quote", "field_name": "story", "term": "Secret"},
    )
    assert autocomplete.status_code == 200 and "Secret" not in autocomplete.text
