"""Helpers for the browser tests: Debian's Chromium, the widths pages must fit, screenshots."""

import threading
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def wait_for_live_server_requests(timeout=5.0):
    """Wait until the live server's request threads have finished (at most `timeout` s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.05)


# The widths every reader page must fit: a small phone and a desktop.
WIDTHS = {"phone": 360, "desktop": 1280}


def horizontal_overflow(page):
    """Pixels the page is wider than the window (0 or less: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def screenshot(page, name):
    """Save a full-page screenshot under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
