"""An editor compares revisions of a story that already exists, clicking what editors click
(issue 19, item 7: a link changed to a phishing address showed as "only formatting changed").

Screenshots (test-artifacts/): revision-compare-1280, revision-compare-360, revision-restore-1280.
"""

import pytest

from articles.editorial.revisions import snapshot
from articles.editorial.roles import EDITOR
from articles.models import Story
from tests.browser import horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_author, make_staff, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REAL = "https://www.example.org/annual-report"
PHISHING = "https://examp1e-login.net/annual-report"


@pytest.fixture
def tampered_story():
    """A story whose second revision points its one link somewhere else, words unchanged."""
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    story = make_story(
        headline="Charity publishes its accounts",
        body=f'<p>The charity met on Monday.</p><p>Read <a href="{REAL}">the report</a>.</p>',
        authors=[make_author(name="Anna Petrova")],
    )
    snapshot(story)
    Story.objects.filter(pk=story.pk).update(
        body=story.body.replace(REAL, PHISHING), version=story.version + 1
    )
    story.refresh_from_db()
    snapshot(story)
    return story


def test_editor_compares_two_revisions_and_sees_the_old_and_new_address_of_a_link(
    log_in, live_server, tampered_story
):
    page = log_in("eddie")
    page.goto(f"{live_server.url}/admin/articles/story/{tampered_story.pk}/change/")
    page.get_by_role("link", name="Revisions (2)").click()
    page.get_by_role("button", name="Compare the chosen revisions").click()

    links = page.locator(".diff-links")
    assert "Paragraph 2" in links.inner_text()
    assert links.locator("del").inner_text() == REAL
    assert links.locator("ins").inner_text() == PHISHING
    assert "the report" in links.inner_text()
    assert "only formatting or links changed" not in page.inner_text("#content")
    screenshot(page, "revision-compare-1280")

    page.set_viewport_size({"width": 360, "height": 800})
    assert horizontal_overflow(page) <= 0
    screenshot(page, "revision-compare-360")

    # Restoring revision 1 puts the real address back: the confirmation says so first.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Restore revision 1…").click()
    restore_links = page.locator(".diff-links")
    assert restore_links.locator("del").inner_text() == PHISHING
    assert restore_links.locator("ins").inner_text() == REAL
    screenshot(page, "revision-restore-1280")
    page.get_by_role("button", name="Restore revision 1").click()
    page.wait_for_selector(".messagelist .success")
    tampered_story.refresh_from_db()
    assert REAL in tampered_story.body and PHISHING not in tampered_story.body
