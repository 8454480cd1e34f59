"""The editors' screens in Chromium, at a desktop's 1280 px and a phone's 360 px: the dashboard,
the story form (Add and Change) and the story list fit the screen, and are screenshotted for
people to look at (test-artifacts/desk-*.png).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.demo import load_demo
from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Story, Transition
from tests.conftest import (
    STAFF_PASSWORD,
    WIDTHS,
    horizontal_overflow,
    make_author,
    make_staff,
    make_story,
    screenshot,
    with_lead_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(media_root):
    """The demo content, and a day's work around it: stories in review, scheduled, drafts."""
    stories = load_demo()
    with_lead_image(stories[0])
    rita = make_staff("rita", REPORTER)
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    rita_author = make_author(name="Rita Reporter", user=rita)
    section, now = stories[0].section, timezone.now()
    for hours, headline in ((26, "Ferry operator cuts winter timetable to two sailings a day"),
                            (3, "Council approves cycle lanes on the ring road"),
                            (1, "Hospital waiting lists fall for a third month")):  # fmt: skip
        story = make_story(headline=headline, status=Story.Status.IN_REVIEW, published_at=None,
                           section=section, authors=[rita_author], created_by=rita)  # fmt: skip
        step = Transition.objects.create(story=story, user=rita, from_status="draft",
                                         to_status="review", note="Figures checked.")  # fmt: skip
        Transition.objects.filter(pk=step.pk).update(created=now - timedelta(hours=hours))
    make_story(headline="Election night: what to watch", section=section,
               published_at=now + timedelta(minutes=30), authors=[rita_author])  # fmt: skip
    make_story(headline="Bridge repairs: the editor's draft", status=Story.Status.DRAFT,
               published_at=None, section=section)  # fmt: skip
    make_story(headline="Rail strike called off", section=section,
               published_at=now - timedelta(hours=2), authors=[rita_author])  # fmt: skip
    return stories


@pytest.mark.parametrize("device", WIDTHS)
def test_the_dashboard_fits_the_screen(log_in, live_server, newsroom, device):
    page = log_in("eddie", width=WIDTHS[device])
    assert page.locator(".desk-panel").count() == 4
    assert page.locator("#desk-review .desk-panel__count").inner_text() == "3"
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"desk-dashboard-{device}")
