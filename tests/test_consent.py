"""Source diversity by the sources' own consent: the private link, the form, deletion on
request, and the report's shares (groups of five or more only, never per person)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import (
    ConsentRequest,
    Quote,
    SelfIdAnswer,
    SelfIdCategory,
    SelfIdentification,
    SelfIdOption,
    Source,
)
from articles.sources.diversity import MIN_GROUP, diversity_report
from tests.factories import make_author, make_section, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def gender():
    category = SelfIdCategory.objects.create(
        name="Gender", question="How do you describe your gender?"
    )
    for position, label in enumerate(["Woman", "Man", "In another way"]):
        SelfIdOption.objects.create(category=category, label=label, position=position)
    return category


def option(category, label):
    return category.options.get(label=label)


def link(source=None, **overrides):
    source = source or Source.objects.create(name="Anna Field")
    consent, token = ConsentRequest.issue(source)
    if overrides:
        ConsentRequest.objects.filter(pk=consent.pk).update(**overrides)
    return consent, f"/consent/{token}/"


def answer(client, url, gender, label="Woman", consent=True):
    data = {f"category_{gender.pk}": str(option(gender, label).pk) if label else ""}
    if consent:
        data["consent"] = "on"
    return client.post(url, data)


# --- The link and the form ------------------------------------------------------------------


def test_a_source_answers_through_their_link_once_and_the_answers_are_kept_apart(client, gender):
    consent, url = link()
    page = client.get(url)
    assert page.status_code == 200
    assert "How do you describe your gender?" in page.text and "Prefer not to say" in page.text
    response = answer(client, url, gender)
    assert response.status_code == 302 and response["Location"] == "/consent/done/"
    identification = SelfIdentification.objects.get()
    assert identification.source == consent.source and identification.request == consent
    assert "count, in groups of at least five" in identification.consent_text
    assert [a.option.label for a in identification.answers.all()] == ["Woman"]
    consent.refresh_from_db()
    assert consent.used_at is not None
    again = answer(client, url, gender, "Man")
    assert again.status_code == 410 and "already been used" in again.text
    assert SelfIdAnswer.objects.get().option.label == "Woman"


def test_prefer_not_to_say_keeps_no_answer_for_that_question(client, gender):
    _, url = link()
    answer(client, url, gender, label="")
    assert SelfIdentification.objects.count() == 1 and not SelfIdAnswer.objects.exists()


def test_an_expired_link_says_so_and_keeps_nothing(client, gender):
    _, url = link(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 410
    response = answer(client, url, gender)
    assert response.status_code == 410 and "expired" in response.text
    assert not SelfIdentification.objects.exists()


def test_a_withdrawn_link_says_so(client, gender):
    _, url = link(revoked_at=timezone.now())
    response = client.get(url)
    assert response.status_code == 410 and "withdrawn" in response.text


@pytest.mark.parametrize("token", ["x" * 43, "not-a-token", "a" * 300, "%00", "..%2F"])
def test_a_tampered_link_is_not_found_with_a_clear_message(client, token):
    link()
    response = client.get(f"/consent/{token}/")
    assert response.status_code == 404
    assert "This link does not work" in response.text


def test_a_malformed_form_is_shown_again_and_nothing_is_kept(client, gender):
    consent, url = link()
    other = SelfIdCategory.objects.create(name="Region", question="Where do you live?")
    SelfIdOption.objects.create(category=other, label="North")
    no_consent = answer(client, url, gender, consent=False)
    assert no_consent.status_code == 200 and "Tick the box to agree" in no_consent.text
    wrong_option = client.post(
        url,
        {f"category_{gender.pk}": str(other.options.get().pk), "consent": "on"},
    )
    assert wrong_option.status_code == 200 and "Select a valid choice" in wrong_option.text
    garbage = client.post(url, {f"category_{gender.pk}": "drop table", "consent": "maybe"})
    assert garbage.status_code == 200
    assert not SelfIdentification.objects.exists()
    consent.refresh_from_db()
    assert consent.used_at is None  # the link still works


def test_the_form_pages_are_never_cached_for_everyone_nor_leak_their_link(client, gender):
    _, url = link()
    for response in (client.get(url), client.get("/consent/done/"), client.get("/consent/x/")):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"
        assert "noindex" in response["X-Robots-Tag"]


def test_the_page_cache_does_not_keep_the_form(client, settings, gender):
    settings.PAGE_CACHE_SECONDS = 300
    _, url = link()
    client.get(url)
    answer(client, url, gender)
    assert client.get(url).status_code == 410  # not a stored copy of the open form


def test_only_a_hash_of_the_token_is_stored():
    consent, url = link()
    token = url.split("/")[2]
    assert token not in consent.token_hash and len(consent.token_hash) == 64
    assert ConsentRequest.for_token(token) == consent


# --- Staff --------------------------------------------------------------------------------


def test_staff_create_the_link_on_the_source_page_and_see_it_once(editor_client):
    source = Source.objects.create(name="Anna Field")
    page = editor_client.get(f"/admin/articles/source/{source.pk}/change/").text
    assert "Create a private self-identification link" in page
    response = editor_client.post(f"/admin/articles/source/{source.pk}/self-id-link/")
    assert "http://testserver/consent/" in response.text
    consent = ConsentRequest.objects.get()
    assert consent.created_by.username == "editor"
    assert consent.expires_at > timezone.now() + timedelta(days=13)
    editor_client.post(f"/admin/articles/source/{source.pk}/self-id-link/")
    first, second = ConsentRequest.objects.order_by("pk")
    first.refresh_from_db()
    assert first.state == ConsentRequest.State.REVOKED and second.state == "open"


def test_answers_are_deleted_on_request_and_the_source_stays(editor_client, client, gender):
    consent, url = link()
    answer(client, url, gender)
    source = consent.source
    page = editor_client.get(f"/admin/articles/source/{source.pk}/change/").text
    assert "Answered on" in page and "Woman" not in page  # never shown per person
    ask = editor_client.get(f"/admin/articles/source/{source.pk}/self-id-delete/")
    assert "cannot be undone" in ask.text
    editor_client.post(f"/admin/articles/source/{source.pk}/self-id-delete/")
    assert not SelfIdentification.objects.exists() and not SelfIdAnswer.objects.exists()
    assert Source.objects.filter(pk=source.pk).exists()
    consent.refresh_from_db()
    assert consent.answers_deleted_at is not None


def test_the_questions_are_set_in_the_admin(editor_client, gender):
    html = editor_client.get(f"/admin/articles/selfidcategory/{gender.pk}/change/").text
    assert "In another way" in html
    assert editor_client.get("/admin/articles/consentrequest/").status_code == 200
    assert editor_client.get("/admin/articles/selfidsurvey/add/").status_code == 200


# --- The report -----------------------------------------------------------------------------


@pytest.fixture
def quoted_sources(gender):
    """Seven sources quoted in News (December) and one in Sport; six of them answered."""
    news, sport = make_section(name="News"), make_section(name="Sport")
    anna = make_author(name="Anna")
    dec = datetime(2021, 12, 10, 12, tzinfo=UTC)
    news_story = make_story(section=news, authors=[anna], published_at=dec)
    sport_story = make_story(section=sport, authors=[anna], published_at=dec)
    answers = ["Woman", "Woman", "Man", "Man", "Man", None, "unanswered"]
    sources = []
    for n, label in enumerate(answers):
        source = Source.objects.create(name=f"Source Number{n}")
        Quote.objects.create(story=news_story, source=source, text="Words.", status="confirmed")
        if label != "unanswered":
            identification = SelfIdentification.objects.create(
                source=source, consent_text="I agree.", consented_at=dec
            )
            if label:
                SelfIdAnswer.objects.create(
                    identification=identification, category=gender, option=option(gender, label)
                )
        sources.append(source)
    Quote.objects.create(story=sport_story, source=sources[0], text="More.", status="confirmed")
    return news, sport


def test_shares_are_shown_for_groups_of_at_least_five_who_answered(quoted_sources):
    from articles.models import Story

    report = diversity_report(Story.objects.published())
    total = report["total"]
    assert (total.quoted, total.answered, total.shown) == (7, 6, True)
    shares = {s.label: s.percent for s in dict(total.categories)["Gender"]}
    assert shares == {"Woman": 33.3, "Man": 50.0, "In another way": 0.0, "Prefer not to say": 16.7}
    by_section = {g.label: g for g in report["section"]}
    assert by_section["News"].shown and not by_section["Sport"].shown
    assert by_section["Sport"].categories == []  # nothing about one person's answers
    assert MIN_GROUP == 5


def test_the_report_page_hides_small_groups(editor_client, quoted_sources):
    html = editor_client.get("/admin/articles/source/report/").text
    assert "Who we quote, by their own answers" in html
    assert "Woman <strong>33.3 %</strong>" in html
    assert "Not shown: fewer than 5 sources answered." in html  # Sport, one source
    assert "Source Number" not in html  # never per person


def test_four_who_answered_show_nothing(gender):
    from articles.models import Story

    story = make_story()
    for n in range(4):
        source = Source.objects.create(name=f"Person Number{n}")
        Quote.objects.create(story=story, source=source, text="Words.", status="confirmed")
        identification = SelfIdentification.objects.create(
            source=source, consent_text="I agree.", consented_at=timezone.now()
        )
        SelfIdAnswer.objects.create(
            identification=identification, category=gender, option=option(gender, "Man")
        )
    total = diversity_report(Story.objects.published())["total"]
    assert (total.answered, total.shown, total.categories) == (4, False, [])


def test_nothing_is_guessed_for_sources_who_did_not_answer(gender):
    from articles.models import Story

    story = make_story()
    for name in ["Maria Garcia", "John Smith", "Fatima Begum", "Olga Petrova", "Li Wei"]:
        source = Source.objects.create(name=name, pronoun="she")
        Quote.objects.create(story=story, source=source, text="Words.", status="confirmed")
    total = diversity_report(Story.objects.published())["total"]
    assert (total.quoted, total.answered, total.shown) == (5, 0, False)
