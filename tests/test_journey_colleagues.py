"""An administrator adds a colleague in the admin, as a person does: joining a role is all it
takes to sign in, and leaving every role takes the access away again (issue 19: "Staff status"
had to be ticked as well, and the login error suggested a typo).

Screenshots (test-artifacts/): journey-colleague-signed-in, journey-colleague-no-access.
"""

import pytest

from articles.editorial.roles import ADMIN
from tests.browser import screenshot
from tests.factories import STAFF_PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, username):
    """A fresh browser signs in through the login form; returns the page it lands on."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_new_colleague_put_in_a_role_signs_in(browser, log_in, live_server):
    make_staff("ada", ADMIN, password=STAFF_PASSWORD)
    admin = log_in("ada")
    admin.goto(live_server.url + "/admin/auth/user/add/")
    admin.fill("#id_username", "nina")
    admin.fill("#id_password1", STAFF_PASSWORD)
    admin.fill("#id_password2", STAFF_PASSWORD)
    admin.click("input[name=_save]")
    admin.locator("#id_groups_from").wait_for()
    admin.select_option("#id_groups_from", label="Reporter")
    admin.click("#id_groups_add")
    admin.click("input[name=_save]")
    admin.wait_for_selector(".messagelist .success")

    nina = sign_in(browser, live_server, "nina")
    assert nina.url == live_server.url + "/admin/", nina.locator("#content").inner_text()
    assert nina.locator("a", has_text="Stories").first.is_visible()
    screenshot(nina, "journey-colleague-signed-in")
    nina.context.close()

    # Leaving every role takes the access away, and the login page says so plainly.
    admin.goto(live_server.url + "/admin/auth/user/")
    admin.click("text=nina")
    admin.select_option("#id_groups_to", label="Reporter")
    admin.click("#id_groups_remove")
    admin.click("input[name=_save]")
    admin.wait_for_selector(".messagelist .success")
    nina = sign_in(browser, live_server, "nina")
    message = nina.locator(".errornote, .errorlist").first.inner_text()
    assert "no access" in message and "role" in message, message
    assert "correct username and password" not in message
    screenshot(nina, "journey-colleague-no-access")
    nina.context.close()
