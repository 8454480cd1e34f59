"""Editors at the desk, on stories that already exist, clicking and typing as they do
(issue 19, items 10 and 11): find a story by a word in its body, type after a link, pick a
tag by its first letters.

Screenshots (test-artifacts/): journey-story-search.
"""

import pytest

from articles.editorial.roles import EDITOR
from tests.browser import screenshot
from tests.factories import STAFF_PASSWORD, make_author, make_staff, make_story, make_tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    return make_author(name="Anna Petrova")


def open_story(page, live_server, story):
    page.goto(f"{live_server.url}/admin/articles/story/{story.pk}/change/")
    page.locator(".prose-editor [contenteditable=true]").first.wait_for()


def test_editor_finds_a_story_by_a_word_that_is_only_in_its_body(log_in, live_server, desk):
    make_story(
        headline="Coal mine closes after a century",
        standfirst="The last shift came up on Friday.",
        body="<p>The mine on Svalbard employed 300 people at its peak.</p>",
        authors=[desk],
    )
    make_story(headline="Ferry timetable cut", authors=[desk])
    page = log_in("eddie")
    page.goto(live_server.url + "/admin/articles/story/")
    page.fill("#searchbar", "Svalbard")
    page.press("#searchbar", "Enter")
    page.wait_for_load_state()
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Coal mine closes after a century" in rows.first.inner_text()
    screenshot(page, "journey-story-search")


def test_a_full_stop_typed_after_a_link_does_not_join_the_link(log_in, live_server, desk):
    story = make_story(
        headline="Charity publishes its accounts",
        body='<p>Read <a href="https://www.example.org/report">the report</a></p>',
        authors=[desk],
    )
    page = log_in("eddie")
    open_story(page, live_server, story)
    page.locator(".prose-editor [contenteditable=true] p").first.click()
    page.keyboard.press("End")
    page.keyboard.type(". It is 40 pages long.")
    assert page.locator(".prose-editor [contenteditable=true] a").inner_text() == "the report"
    page.click("input[value='Save and publish changes']")  # a live story: its words go live
    page.wait_for_selector(".messagelist .success")
    story.refresh_from_db()
    assert story.body.endswith("the report</a>. It is 40 pages long.</p>"), story.body


def test_rus_and_enter_picks_russia_not_belarus(log_in, live_server, desk):
    story = make_story(headline="Border talks resume", authors=[desk])
    make_tag(name="Belarus", slug="belarus")
    make_tag(name="Russia", slug="russia")
    page = log_in("eddie")
    open_story(page, live_server, story)
    page.click("#id_tags + .select2 .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    # Opening the box lists every tag; wait for the answer to "Rus", as a person watches the
    # list change, then take the first suggestion.
    with page.expect_response(lambda response: "term=Rus" in response.url):
        search.fill("Rus")
    page.locator(".select2-results__option--highlighted").wait_for()
    search.press("Enter")
    assert page.locator("#id_tags").evaluate(
        "el => [...el.selectedOptions].map(o => o.textContent)"
    ) == ["Russia"]
