"""Journeys through sourcing, clicking what people click, on data that already exists: an
editor confirms a suggested quote whose words were attributed to someone else before, a
source answers the self-identification form, the report shows the shares, and readers see
the story's sources.

Screenshots (test-artifacts/): journey-quote-review-warning, journey-quote-confirmed-inline,
journey-consent-form-360, journey-consent-thanks-360, journey-report-diversity,
story-sources-box-phone, story-sources-box-desktop.
"""

from datetime import UTC, datetime

import pytest

from articles.editorial.roles import EDITOR
from articles.html import paragraphs_to_html
from articles.models import (
    ConsentRequest,
    Quote,
    SelfIdAnswer,
    SelfIdCategory,
    SelfIdentification,
    SelfIdOption,
    Source,
)
from articles.sources import confirm
from articles.sources.suggest import suggest_quotes
from tests.browser import ARTIFACTS, WIDTHS, horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_author, make_section, make_staff, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = "No harbour on this coast will be closed while I am the minister responsible"


@pytest.fixture
def stories():
    """A story from March in which the words were Mark Halvorsen's, and today's story, in
    which extraction gives them to Ingrid Solheim (a suggestion for the editor to review)."""
    news = make_section(name="News", slug="news")
    author = make_author(name="Kari Berg")
    earlier = make_story(
        headline="Harbour closures ruled out",
        section=news,
        authors=[author],
        published_at=datetime(2024, 3, 3, 9, tzinfo=UTC),
        body=paragraphs_to_html([f"“{WORDS},” said fisheries minister Mark Halvorsen."]),
    )
    suggest_quotes(earlier)
    confirm.confirm(earlier.quotes.get(), new_name="Mark Halvorsen")
    today = make_story(
        headline="Minister tours the northern harbours",
        section=news,
        authors=[author],
        body=paragraphs_to_html(
            [
                "Fisheries minister Ingrid Solheim visited Hammerfest on Monday.",
                f"“{WORDS},” she told the crowd on the quay.",
            ]
        ),
    )
    suggest_quotes(today)
    Source.objects.create(name="Ingrid Solheim", role="fisheries minister", pronoun="she")
    return earlier, today


def test_editor_confirms_a_suggested_quote_and_sees_the_record_warning(
    live_server, log_in, stories
):
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    _, today = stories
    page = log_in("eddie")
    page.goto(f"{live_server.url}/admin/articles/story/{today.pk}/change/")
    row = page.locator(".quotes-inline tbody tr.has_original").first
    assert "Ingrid Solheim" in row.inner_text()
    row.locator("a.quote-review-link").click()
    page.wait_for_url("**/review/")
    warning = page.locator(".record-check--warning")
    assert "These words were attributed to Mark Halvorsen" in warning.inner_text()
    assert "Harbour closures ruled out" in warning.inner_text()
    assert page.locator("mark").inner_text() == WORDS
    assert page.locator("input[name=choice]:checked").get_attribute("value").startswith("source:")
    screenshot(page, "journey-quote-review-warning")
    page.click("input[name=_confirm]")
    page.wait_for_url(f"**/admin/articles/story/{today.pk}/change/**")
    messages = page.locator(".messagelist").inner_text()
    assert "Confirmed" in messages and "attributed to Mark Halvorsen" in messages
    inline = page.locator(".quotes-inline")
    assert "attributed elsewhere" in inline.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    inline.screenshot(path=ARTIFACTS / "journey-quote-confirmed-inline.png")
    quote = today.quotes.get()
    assert quote.status == Quote.Status.CONFIRMED and quote.source.name == "Ingrid Solheim"
    assert Source.objects.count() == 2  # nobody made up on the way


@pytest.fixture
def survey():
    for position, (name, question, labels) in enumerate(
        [
            ("Gender", "How do you describe your gender?", ["Woman", "Man", "In another way"]),
            ("Age", "How old are you?", ["Under 30", "30 to 49", "50 to 69", "70 or over"]),
            ("Institution", "Do you speak for an institution?", ["Yes", "No"]),
        ]
    ):
        category = SelfIdCategory.objects.create(name=name, question=question, position=position)
        for n, label in enumerate(labels):
            SelfIdOption.objects.create(category=category, label=label, position=n)


def test_a_source_fills_in_the_self_identification_form_on_a_phone(live_server, page, survey):
    source = Source.objects.create(name="Ingrid Solheim")
    _, token = ConsentRequest.issue(source)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/consent/{token}/")
    assert page.locator("h1").inner_text() == "A few optional questions"
    page.get_by_label("Woman").check()
    page.get_by_label("50 to 69").check()  # "Do you speak for an institution?" stays unsaid
    page.click(".consent__form button[type=submit]")
    assert "Tick the box to agree" in page.locator(".consent__error").inner_text()
    assert page.get_by_label("Woman").is_checked()  # nothing typed is lost
    page.locator("input[name=consent]").check()
    assert horizontal_overflow(page) <= 0
    screenshot(page, "journey-consent-form-360")
    page.click(".consent__form button[type=submit]")
    page.wait_for_url("**/consent/done/")
    assert page.locator("h1").inner_text() == "Thank you"
    screenshot(page, "journey-consent-thanks-360")
    answers = SelfIdentification.objects.get(source=source).answers.order_by("category__position")
    assert [a.option.label for a in answers] == ["Woman", "50 to 69"]
    page.goto(f"{live_server.url}/consent/{token}/")
    assert page.locator("h1").inner_text() == "This link has already been used"


def test_the_sourcing_report_shows_shares_only_for_groups_of_five(
    live_server, log_in, survey, django_user_model
):
    django_user_model.objects.create_superuser("ed", "ed@example.com", STAFF_PASSWORD)
    gender = SelfIdCategory.objects.get(name="Gender")
    age = SelfIdCategory.objects.get(name="Age")
    news, sport = make_section(name="News"), make_section(name="Sport")
    author = make_author(name="Kari Berg")
    published = datetime(2024, 11, 5, 9, tzinfo=UTC)
    big = make_story(section=news, authors=[author], published_at=published)
    small = make_story(section=sport, authors=[author], published_at=published)
    answers = [("Woman", "30 to 49"), ("Woman", "50 to 69"), ("Man", "30 to 49"),
               ("In another way", "Under 30"), ("Man", None), (None, "70 or over")]  # fmt: skip
    for n, (said_gender, said_age) in enumerate(answers):
        source = Source.objects.create(name=f"Source Number{n}")
        Quote.objects.create(story=big, source=source, text="Words.", status="confirmed")
        identification = SelfIdentification.objects.create(
            source=source, consent_text="I agree.", consented_at=published
        )
        for category, label in ((gender, said_gender), (age, said_age)):
            if label:
                SelfIdAnswer.objects.create(
                    identification=identification,
                    category=category,
                    option=category.options.get(label=label),
                )
    Quote.objects.create(story=small, source=Source.objects.get(name="Source Number0"),
                         text="More.", status="confirmed")  # fmt: skip
    page = log_in("ed")
    page.goto(f"{live_server.url}/admin/articles/source/report/")
    diversity = page.locator(".diversity")
    assert "Woman 33.3 %" in diversity.inner_text()
    assert "Not shown: fewer than 5 sources answered." in diversity.inner_text()
    assert "Source Number" not in page.content()
    screenshot(page, "journey-report-diversity")


@pytest.mark.parametrize("device", WIDTHS)
def test_readers_see_the_sources_of_a_story(live_server, page, device):
    story = make_story(
        headline="Northern harbours stay open",
        body=paragraphs_to_html(
            [
                "“No harbour will close,” said fisheries minister Ingrid Solheim.",
                "The Norwegian Fishermen's Association said it welcomed the promise.",
                "A harbour official, who asked not to be named, said two harbours were at risk.",
            ]
        ),
    )
    suggest_quotes(story)
    minister, association, official = story.quotes.order_by("position")
    confirm.confirm(minister, new_name="Ingrid Solheim")
    minister.source.role = "fisheries minister"
    minister.source.save()
    confirm.confirm(association, new_name=association.speaker)
    confirm.confirm(official, unnamed=True)
    page.set_viewport_size({"width": WIDTHS[device], "height": 800})
    page.goto(live_server.url + story.get_absolute_url())
    box = page.locator(".sources-box")
    assert box.locator(".sources-box__name").all_inner_texts() == [
        "Ingrid Solheim",
        "The Norwegian Fishermen's Association",
    ]
    assert "And 1 unnamed source" in box.inner_text()
    assert "official" not in box.inner_text()
    assert horizontal_overflow(page) <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    box.screenshot(path=ARTIFACTS / f"story-sources-box-{device}.png")
    box.locator(".sources-box__name").first.click()
    page.wait_for_url("**/sources/ingrid-solheim/")
    assert page.locator("h1").inner_text() == "Ingrid Solheim"
