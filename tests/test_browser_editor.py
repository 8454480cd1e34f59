"""The story editor in Chromium (issue 19, item 11): a writing area on the Add page, a drawn
dropdown arrow, no Underline, a story list whose headline is the wide column, a quotes table that
fits, and bylines that fit a phone.

Screenshots (test-artifacts/): editor-add-1280, story-list-1280, story-change-quotes-1280,
story-bylines-360.
"""

import pytest

from articles.demo import load_demo
from articles.editorial.roles import EDITOR
from tests.browser import horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BODY = ".field-body .prose-editor"


@pytest.fixture
def editor_page(log_in):
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    return log_in


def test_the_add_page_gives_the_body_a_writing_area_and_a_visible_heading_menu(
    editor_page, live_server
):
    page = editor_page("eddie")
    page.goto(live_server.url + "/admin/articles/story/add/")
    body = page.locator(f"{BODY} [contenteditable=true]")
    body.wait_for()
    assert body.bounding_box()["height"] >= 300
    # The heading menu's arrow is drawn, not a glyph most system fonts lack.
    arrow = page.evaluate(
        """() => { const s = getComputedStyle(
            document.querySelector('.field-body .prose-menubar__selected'), '::after');
            return [s.content, s.borderTopWidth]; }"""
    )
    assert arrow == ['""', "5px"]
    menubar = page.locator(f"{BODY} .prose-menubar")
    assert menubar.locator("[data-name=bold]").count() == 1
    assert menubar.locator("[data-name=underline]").count() == 0
    screenshot(page, "editor-add-1280")


def test_the_story_list_gives_the_headline_the_most_room(editor_page, live_server):
    load_demo()
    page = editor_page("eddie")
    page.goto(live_server.url + "/admin/articles/story/")
    widths = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#result_list thead th')]
            .map(th => [th.className.split(' ').find(c => c.startsWith('column-')) || 'x',
                        th.getBoundingClientRect().width]))"""
    )
    assert widths["column-headline"] == max(widths.values())
    assert widths["column-headline"] >= 230
    results = "document.querySelector('#changelist-form .results')"
    assert page.evaluate(f"{results}.scrollWidth - {results}.clientWidth") <= 0
    screenshot(page, "story-list-1280")


def test_the_quotes_table_shows_every_column_and_bylines_fit_a_phone(editor_page, live_server):
    seed = load_demo()[0]
    page = editor_page("eddie")
    page.goto(f"{live_server.url}/admin/articles/story/{seed.pk}/change/")
    page.locator(f"{BODY} [contenteditable=true]").wait_for()
    quotes = "document.querySelector('#quotes-group .wrapper')"
    assert page.evaluate(f"{quotes}.scrollWidth - {quotes}.clientWidth") <= 0
    page.locator("#quotes-group").screenshot(path=_artifact("story-change-quotes-1280"))

    page.set_viewport_size({"width": 360, "height": 800})
    assert horizontal_overflow(page) <= 0
    byline = page.locator("#bylines-group .inline-related.has_original").first  # stacked
    for control in (".field-author .select2-container", ".field-role select",
                    ".field-position input", "span.delete input"):  # fmt: skip
        box = byline.locator(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, control
    page.locator("#bylines-group").screenshot(path=_artifact("story-bylines-360"))


def _artifact(name):
    from tests.browser import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
