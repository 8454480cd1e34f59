"""Reader-friendly appeals in a real browser: frequency rules, the holdback group, the article
count and “Remind me in …”, all decided from the reader's own storage. Playwright's page clock
stands in for the days a reader would wait.

Screenshots (test-artifacts/): appeal-article-count-360, appeal-article-count-1280,
appeal-remind-form-360.
"""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import Sum
from django.utils import timezone

from articles.appeals import references
from articles.models import AppealCounter, Reminder
from tests.browser import horizontal_overflow, screenshot
from tests.factories import make_appeal, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPEAL = "section.appeal--end"
DAY_MS = 86_400_000


@pytest.fixture
def stories(page):
    page.route(
        "https://donate.example.org/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Donate</h1>"),
    )
    return [make_story() for _ in range(6)]


def visit(page, live_server, story):
    page.goto(live_server.url + story.get_absolute_url())
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('section.appeal') !== null")
    return page.locator(f"{APPEAL} .appeal__later").is_visible()


def held(appeal, percent):
    """A bucket that the script puts in the holdback group of `appeal`, and one it does not."""
    inside = next(b for b in range(10000) if (b * 7907 + appeal.pk * 65537) % 10000 < percent * 100)
    outside = next(
        b for b in range(10000) if (b * 7907 + appeal.pk * 65537) % 10000 >= percent * 100
    )
    return inside, outside


def set_bucket(page, live_server, bucket):
    page.goto(live_server.url + "/robots.txt")
    page.evaluate(f"localStorage.setItem('newsroom.appeals', JSON.stringify({{bucket: {bucket}}}))")


def wait_for(appeal, event, expected, timeout=10.0):
    deadline = time.monotonic() + timeout
    total = None
    while time.monotonic() < deadline:
        total = AppealCounter.objects.filter(appeal=appeal).aggregate(n=Sum(event))["n"] or 0
        if total >= expected:
            break
        time.sleep(0.2)
    assert total == expected


def test_a_new_reader_reads_their_first_pages_without_being_asked(live_server, page, stories):
    make_appeal(skip_first_views=2)
    page.clock.install()
    assert [visit(page, live_server, story) for story in stories[:4]] == [False, False, True, True]


def test_at_most_k_views_a_day_and_back_the_next_day(live_server, page, stories):
    make_appeal(max_per_day=2)
    page.clock.install(time=timezone.now().replace(hour=9, minute=0))
    assert [visit(page, live_server, story) for story in stories[:3]] == [True, True, False]
    page.clock.fast_forward(DAY_MS)
    assert visit(page, live_server, stories[3])


def test_at_most_k_views_per_cycle_of_d_days(live_server, page, stories):
    make_appeal(cap_views=2, cap_days=30)
    page.clock.install()
    assert visit(page, live_server, stories[0])
    page.clock.fast_forward(3 * DAY_MS)
    assert visit(page, live_server, stories[1])
    page.clock.fast_forward(3 * DAY_MS)
    assert not visit(page, live_server, stories[2])  # two in this cycle already
    page.clock.fast_forward(25 * DAY_MS)
    assert visit(page, live_server, stories[3])  # the first view left the 30 days


def test_a_reader_who_clicked_donate_is_not_asked_again_for_the_pause(live_server, page, stories):
    appeal = make_appeal(click_pause=timedelta(days=7))
    page.clock.install()
    assert visit(page, live_server, stories[0])
    page.locator(f"{APPEAL} .appeal__donate").click()
    page.wait_for_url(re.compile(r"https://donate\.example\.org/monthly\?ref=a"))
    assert references.read(page.url.split("ref=")[1]).appeal_id == appeal.pk
    assert not visit(page, live_server, stories[1])
    page.clock.fast_forward(6 * DAY_MS)
    assert not visit(page, live_server, stories[2])
    page.clock.fast_forward(DAY_MS + 60_000)
    assert visit(page, live_server, stories[3])


def test_readers_in_the_holdback_never_see_it_and_the_donate_link_carries_their_group(
    live_server, page, stories, settings
):
    settings.DONATE_URL = "https://donate.example.org/give"
    appeal = make_appeal(holdback_percent=20)
    inside, outside = held(appeal, 20)

    set_bucket(page, live_server, inside)
    assert not visit(page, live_server, stories[0])
    link = page.get_by_role("link", name="Donate")
    reference = references.read(link.get_attribute("href").split("ref=")[1])
    assert reference.holdback and reference.appeal_id == appeal.pk
    wait_for(appeal, "held", 1)  # the page view is counted for the holdback's denominator
    assert AppealCounter.objects.filter(appeal=appeal).aggregate(n=Sum("rendered"))["n"] == 0

    set_bucket(page, live_server, outside)
    assert visit(page, live_server, stories[1])
    href = page.get_by_role("link", name="Donate").get_attribute("href")
    reference = references.read(href.split("ref=")[1])
    assert reference is not None and not reference.holdback


def test_the_article_count_is_the_readers_own_and_they_can_stop_it(live_server, page, stories):
    make_appeal(
        body="<p>Readers fund our reporting.</p><p>You've read {count} articles this month.</p>"
    )
    page.clock.install(time=timezone.now().replace(day=3, hour=9))
    for story in stories[:3]:
        visit(page, live_server, story)
    visit(page, live_server, stories[0])  # the same story again does not count twice
    appeal = page.locator(APPEAL)
    assert "You've read 3 articles this month." in appeal.inner_text()
    assert "{count}" not in page.content().split("<template")[0]
    screenshot(page, "appeal-article-count-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert horizontal_overflow(page) <= 0
    screenshot(page, "appeal-article-count-360")

    appeal.get_by_role("button", name="Stop counting").click()
    assert "stopped counting" in appeal.inner_text()
    visit(page, live_server, stories[4])
    assert "articles this month" not in page.locator(APPEAL).inner_text()
    stored = page.evaluate("localStorage.getItem('newsroom.appeals')")
    assert '"read":{"off":true}' in stored


def test_the_count_starts_again_each_month(live_server, page, stories):
    make_appeal(body="<p>Thanks.</p><p>You've read {count} articles this month.</p>")
    page.clock.install(time=timezone.now().replace(day=27, hour=9))
    for story in stories[:2]:
        visit(page, live_server, story)
    assert "read 2 articles" in page.locator(APPEAL).inner_text()
    page.clock.fast_forward(7 * DAY_MS)
    visit(page, live_server, stories[2])
    assert "read 1 articles" in page.locator(APPEAL).inner_text()


def test_a_reader_asks_to_be_reminded_in_a_month_and_confirms_by_email(
    live_server, page, stories, settings
):
    settings.SITE_URL = live_server.url
    make_appeal(offer_reminder=True)
    visit(page, live_server, stories[0])
    appeal = page.locator(APPEAL)
    appeal.get_by_text("Remind me by e-mail in …").click()
    month = appeal.get_by_label("Month", exact=True)
    chosen = month.locator("option").nth(2).inner_text()
    month.select_option(label=chosen)
    appeal.get_by_label("Your e-mail address").fill("reader@example.net")
    page.set_viewport_size({"width": 360, "height": 800})
    assert horizontal_overflow(page) <= 0
    screenshot(page, "appeal-remind-form-360")
    appeal.get_by_role("button", name="Remind me", exact=True).click()
    # Without the consent box ticked the browser refuses; nothing was sent.
    assert not Reminder.objects.exists()
    appeal.get_by_label(re.compile("Send me one e-mail")).check()
    appeal.get_by_role("button", name="Remind me", exact=True).click()
    status = appeal.get_by_role("status")
    status.filter(has_text="Almost done").wait_for()
    assert chosen in status.inner_text()

    reminder = Reminder.objects.get()
    assert f"{reminder.month:%B %Y}" == chosen and reminder.confirmed_at is None
    confirm = next(w for w in mail.outbox[0].body.split() if "/confirm/" in w)
    page.goto(confirm)
    page.get_by_role("button", name=f"Yes, remind me in {chosen}").click()
    page.get_by_text("Confirmed").wait_for()
    reminder.refresh_from_db()
    assert reminder.confirmed_at is not None
