"""Journey: a reporter who mistyped her password too often is locked out, sees what to do, and
an administrator clears the lockout in the admin so she can sign in at once.

Screenshots (test-artifacts/): journey-locked-out, journey-lockouts-list, journey-lockout-cleared.
"""

import pytest

from articles.editorial.roles import ADMIN, REPORTER
from tests.browser import screenshot
from tests.factories import STAFF_PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, password):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def test_an_administrator_sees_and_clears_a_lockout(browser, live_server, log_in, settings):
    make_staff("rita", REPORTER, password=STAFF_PASSWORD)
    make_staff("ada", ADMIN, password=STAFF_PASSWORD)
    context = browser.new_context()
    rita = context.new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(rita, live_server, "rita", "wrong password")
    assert rita.get_by_role("heading", name="Sign-in paused").is_visible()
    assert "Too many failed sign-in attempts" in rita.get_by_role("alert").inner_text()
    assert "ask a newsroom administrator" in rita.locator("#content-main").inner_text()
    screenshot(rita, "journey-locked-out")
    sign_in(rita, live_server, "rita", STAFF_PASSWORD)  # the right password, still paused
    assert rita.get_by_role("heading", name="Sign-in paused").is_visible()

    ada = log_in("ada")  # the same address, another account: not locked
    ada.get_by_role("link", name="Access attempts").click()
    row = ada.locator("#result_list tbody tr", has_text="rita")
    assert "Locked until" in row.inner_text()
    screenshot(ada, "journey-lockouts-list")
    row.locator("input[name=_selected_action]").check()
    ada.select_option("select[name=action]", "clear_lockouts")
    ada.get_by_role("button", name="Run").click()
    ada.wait_for_load_state()
    assert "Cleared 1 lockout(s)." in ada.locator(".messagelist").inner_text()
    screenshot(ada, "journey-lockout-cleared")

    sign_in(rita, live_server, "rita", STAFF_PASSWORD)
    rita.wait_for_url(live_server.url + "/admin/")
    assert rita.get_by_role("link", name="Stories").first.is_visible()
    context.close()
