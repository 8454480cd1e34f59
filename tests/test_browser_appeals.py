"""Donation appeals in a real browser: what a reader sees and does, and what reaches the counters.

The reader's state lives in the browser; the page clock (Playwright's `page.clock`) stands in
for the hours and days a reader would otherwise wait.
"""

import re
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.db.models import Sum
from django.utils import timezone

from articles.demo import load_demo
from articles.models import Appeal, AppealCounter, AppealVariant
from tests.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPEAL = "section.appeal--end"
DAY_MS = 86_400_000


@pytest.fixture
def demo(page):
    """The demo site (seed story with its live appeal); the donation site is never reached."""
    stories = load_demo()
    page.route(
        "https://donate.example.org/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Donate</h1>"),
    )
    return stories, Appeal.objects.get()


def counts(appeal, **filters):
    totals = AppealCounter.objects.filter(appeal=appeal, **filters).aggregate(
        **{event: Sum(event) for event in AppealCounter.EVENTS}
    )
    return {event: value or 0 for event, value in totals.items()}


def wait_for_count(appeal, event, expected, timeout=10.0, **filters):
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = counts(appeal, **filters)[event]
        except OperationalError:  # SQLite's shared in-memory test database: a write is on
            seen = None
        if seen is not None and seen >= expected:
            break
        time.sleep(0.2)
    assert seen == expected


def shows(page, selector=APPEAL):
    """Whether the script let the appeal show (its buttons appear only when it decides so)."""
    page.wait_for_load_state("load")
    return (
        page.locator(selector).is_visible()
        and page.locator(f"{selector} .appeal__later").is_visible()
    )


def test_the_appeal_shows_at_the_end_of_the_seed_story_and_reports_what_the_reader_did(
    live_server, page, demo
):
    stories, appeal = demo
    page.goto(live_server.url + stories[0].get_absolute_url())
    assert shows(page)
    region = page.get_by_role("region", name="A Message from The Newsroom")
    assert "Dear readers," in region.inner_text()
    assert region.get_by_role("button", name="Remind me later").is_visible()
    assert region.get_by_role("button", name="I already support you").is_visible()

    region.scroll_into_view_if_needed()
    wait_for_count(appeal, "seen", 1)  # half in view for a second; sent with the next batch
    assert counts(appeal)["rendered"] == 1

    region.get_by_role("link", name="Support us monthly").click()
    page.wait_for_url(re.compile(r"https://donate\.example\.org/monthly\?ref=a\d+-m-e-"))
    wait_for_count(appeal, "clicked", 1)


def test_remind_me_later_hides_it_everywhere_until_the_snooze_has_passed(live_server, page, demo):
    stories, appeal = demo
    page.clock.install()
    page.goto(live_server.url + stories[0].get_absolute_url())
    later = page.get_by_role("button", name="Remind me later")
    later.focus()
    page.keyboard.press("Enter")
    assert not page.locator(APPEAL).is_visible()
    # Focus lands on the confirmation that replaced the appeal, not at the top of the page.
    assert page.evaluate("document.activeElement.className").startswith("appeal-note")
    assert page.get_by_role("status").inner_text() == "Thank you. We will remind you in 24 hours."
    wait_for_count(appeal, "snoozed", 1)
    # The browser keeps a reason and a time, and counts (pages, stories read this month) for
    # the frequency rules and the article count, nothing else; none of it is sent.
    stored = page.evaluate("JSON.parse(localStorage.getItem('newsroom.appeals'))")
    assert set(stored) <= {"hide", "support", "views", "bucket", "pages", "read", "clicked"}
    assert stored["hide"] == {
        str(appeal.pk): {"reason": "snoozed", "at": stored["hide"][str(appeal.pk)]["at"]}
    }
    assert stored["views"] == {}  # no frequency cap on this appeal, so no views log

    page.reload()
    assert not shows(page)
    page.goto(live_server.url + stories[1].get_absolute_url())
    assert page.locator(APPEAL).count() == 1 and not shows(page)

    page.clock.fast_forward(DAY_MS - 60_000)
    page.reload()
    assert not shows(page)
    page.clock.fast_forward(120_000)
    page.reload()
    assert shows(page)


def test_i_already_support_you_hides_every_appeal_for_its_duration(live_server, page, demo):
    stories, appeal = demo
    banner = Appeal.objects.create(
        name="Banner",
        heading="Support the newsroom",
        body="<p>Every contribution counts.</p>",
        donation_url="https://donate.example.org/",
        status=Appeal.Status.LIVE,
        placement=Appeal.Placement.BANNER,
        starts_at=timezone.now() - timedelta(hours=1),
    )
    page.clock.install()
    page.goto(live_server.url + stories[0].get_absolute_url())
    assert shows(page) and shows(page, "section.appeal--banner")
    page.locator(APPEAL).get_by_role("button", name="I already support you").click()
    assert not page.locator(APPEAL).is_visible()
    assert not page.locator("section.appeal--banner").is_visible()
    assert "again for 90 days" in page.get_by_role("status").inner_text()
    wait_for_count(appeal, "supporter", 1)

    page.goto(live_server.url + "/")
    assert not shows(page, "section.appeal--banner")
    page.clock.fast_forward(89 * DAY_MS)
    page.goto(live_server.url + stories[0].get_absolute_url())
    assert not shows(page) and not shows(page, "section.appeal--banner")
    page.clock.fast_forward(2 * DAY_MS)
    page.reload()
    assert shows(page) and shows(page, "section.appeal--banner")
    assert counts(banner)["supporter"] == 0


def test_the_frequency_cap_holds_and_lifts_when_its_days_have_passed(live_server, page, demo):
    stories, appeal = demo
    appeal.cap_views, appeal.cap_days = 2, 1
    appeal.save()
    page.clock.install()
    url = live_server.url + stories[0].get_absolute_url()
    page.goto(url)
    assert shows(page)
    page.reload()
    assert shows(page)
    page.reload()
    assert not shows(page)  # a third view within a day
    page.clock.fast_forward(DAY_MS + 1000)
    page.reload()
    assert shows(page)
    page.goto("about:blank")  # pagehide sends the last batch
    wait_for_count(appeal, "rendered", 3)


def test_re_ask_everyone_brings_back_readers_who_closed_the_appeal(live_server, page, demo):
    stories, appeal = demo
    url = live_server.url + stories[0].get_absolute_url()
    page.goto(url)
    page.get_by_role("button", name="Close this message").click()
    assert not page.locator(APPEAL).is_visible()
    wait_for_count(appeal, "dismissed", 1)
    page.reload()
    assert not shows(page)

    appeal.reask_at = timezone.now() + timedelta(seconds=1)
    appeal.save(update_fields=["reask_at"])  # the admin's action does the same
    time.sleep(1.1)
    page.reload()
    assert shows(page)


def test_a_reader_keeps_the_same_variant_and_its_events_are_counted_for_it(live_server, page, demo):
    stories, appeal = demo
    variant = AppealVariant.objects.create(
        appeal=appeal, name="B: shorter", heading="A short word from The Newsroom", weight=1
    )
    url = live_server.url + stories[0].get_absolute_url()
    page.goto(url)
    first = page.locator(f"{APPEAL} h2").inner_text()
    for _ in range(3):
        page.reload()
        assert page.locator(f"{APPEAL} h2").inner_text() == first
    assert page.get_by_role("region", name=first).is_visible()

    # Everyone gets the variant when the main copy has no weight.
    appeal.control_weight = 0
    appeal.save()
    page.reload()
    assert page.locator(f"{APPEAL} h2").inner_text() == variant.heading
    page.get_by_role("button", name="Remind me later").click()
    wait_for_count(appeal, "snoozed", 1, variant=variant)


def test_without_javascript_the_appeal_and_its_donation_link_still_work(live_server, browser, demo):
    stories, _ = demo
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://donate.example.org/**", lambda route: route.fulfill(body="Donate"))
    page.goto(live_server.url + stories[0].get_absolute_url())
    region = page.get_by_role("region", name="A Message from The Newsroom")
    assert region.is_visible()
    assert not region.get_by_role("button").count()  # they need the script; never dead buttons
    region.get_by_role("link", name="Support us monthly").click()
    page.wait_for_url(re.compile(r"https://donate\.example\.org/monthly\?ref=a\d+-m-e-"))
    context.close()


def contrast(foreground, background):
    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_appeal_passes_aa_contrast_and_respects_reduced_motion(live_server, page, demo):
    stories, _ = demo
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server.url + stories[0].get_absolute_url())
    assert shows(page)
    pairs = page.evaluate(
        """() => {
        const rgb = v => v.match(/\\d+/g).slice(0, 3).map(Number);
        const inner = document.querySelector('section.appeal--end .appeal__inner');
        const paper = rgb(getComputedStyle(inner).backgroundColor);
        return [...inner.querySelectorAll('h2, p, button, a')].map(el => {
          const s = getComputedStyle(el);
          const own = rgb(s.backgroundColor);
          const filled = !s.backgroundColor.startsWith('rgba(0, 0, 0, 0)');
          return [el.textContent.trim().slice(0, 30), rgb(s.color), filled ? own : paper];
        });
    }"""
    )
    assert len(pairs) >= 8
    for text, foreground, background in pairs:
        assert contrast(foreground, background) >= 4.5, text
    animation = page.eval_on_selector(
        f"{APPEAL} .appeal__inner", "el => getComputedStyle(el).animationName"
    )
    assert animation == "none"


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshot_of_the_story_page_with_its_appeal(live_server, page, demo, width):
    stories, _ = demo
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + stories[0].get_absolute_url())
    assert shows(page)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.locator(APPEAL).scroll_into_view_if_needed()
    page.locator(APPEAL).screenshot(path=_artifact(f"appeal-{width}"), animations="disabled")
    screenshot(page, f"story-with-appeal-{width}")


def test_banner_and_inline_placements_fit_a_phone(live_server, page, demo):
    stories, appeal = demo
    appeal.placement, appeal.inline_after = Appeal.Placement.INLINE, 3
    appeal.save()
    Appeal.objects.create(
        name="Banner",
        heading="Independent journalism needs you",
        body="<p>Readers fund our reporting. Give monthly from $2.</p>",
        cta_label="Give monthly",
        donation_url="https://donate.example.org/",
        status=Appeal.Status.LIVE,
        placement=Appeal.Placement.BANNER,
        starts_at=timezone.now() - timedelta(hours=1),
    )
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + stories[0].get_absolute_url())
    assert shows(page, "section.appeal--banner") and shows(page, "section.appeal--inline")
    paragraphs = page.locator(".story__body > p")
    inline = page.locator("section.appeal--inline")
    assert inline.evaluate("el => el.previousElementSibling.textContent") == (
        paragraphs.nth(3).inner_text()  # the dateline paragraph comes first
    )
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=_artifact("appeal-banner-360"), animations="disabled")
    inline.screenshot(path=_artifact("appeal-inline-360"), animations="disabled")

    page.get_by_role("button", name="Close this message").first.click()
    assert not page.locator("section.appeal--banner").is_visible()
    assert page.locator(".appeal-note--banner").is_visible()


def test_screenshot_of_the_appeal_admin_page_with_its_chart(
    live_server, page, demo, django_user_model
):
    _, appeal = demo
    today = timezone.localdate()
    AppealCounter.objects.bulk_create(
        AppealCounter(
            appeal=appeal,
            day=today - timedelta(days=day),
            rendered=900 + 37 * (day % 5),
            seen=600 + 29 * (day % 7),
            clicked=12 + day % 9,
            snoozed=40 + day % 6,
            supporter=8 + day % 4,
            dismissed=20 + day % 3,
        )
        for day in range(21)
    )
    django_user_model.objects.create_superuser("ed", "ed@example.com", "pw-for-tests")
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/appeal/")
    assert "ctr 7d" in page.inner_text("#result_list").lower()
    screenshot(page, "admin-appeal-list")
    page.goto(f"{live_server.url}/admin/articles/appeal/{appeal.pk}/change/")
    frame = page.frame_locator("iframe.appeal-preview")
    assert frame.get_by_role("heading", name="A Message from The Newsroom").is_visible()
    page.fill("#id_heading", "A new heading, typed just now")
    assert frame.get_by_role("heading", name="A new heading, typed just now").is_visible()
    body = page.locator(".prose-editor [contenteditable=true]")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Typed into the body.")
    assert "Typed into the body." in frame.locator(".appeal__body").inner_text()
    assert page.locator(".appeal-chart svg rect").count() >= 21 * 6
    # The strict CSP holds on the page and in the preview frame (which inherits it).
    assert [frame.evaluate("window.__csp") for frame in page.frames] == [[], []]
    screenshot(page, "admin-appeal-change")
    page.locator("fieldset").first.screenshot(path=_artifact("admin-appeal-results"))

    page.get_by_role("button", name="Re-ask everyone now").click()
    assert "will see it again" in page.locator(".messagelist").inner_text()
    appeal.refresh_from_db()
    assert appeal.reask_at is not None
    assert appeal.heading == "A Message from The Newsroom"  # the action saved nothing else


def _artifact(name):
    from tests.browser import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_a_batch_the_server_could_not_count_is_sent_again_and_counted_once(live_server, page, demo):
    """A 503 (the database was away: issue 11) is retried once; the view's token makes the
    retry safe, so the events count exactly once."""
    stories, appeal = demo
    busy = []

    def answer_busy(route):
        busy.append(route.request.post_data)
        route.fulfill(status=503, headers={"Retry-After": "1"}, body="Busy")

    page.route("**/appeals/events/", answer_busy, times=1)  # then to the server
    page.goto(live_server.url + stories[0].get_absolute_url())
    assert shows(page)
    for _ in range(50):  # Playwright answers intercepted requests only while the test calls it
        page.wait_for_timeout(200)
        if counts(appeal)["rendered"]:
            break
    page.wait_for_timeout(1500)  # time for a second retry, if there were one
    assert counts(appeal)["rendered"] == 1
    assert len(busy) == 1 and '"rendered"' in busy[0]
