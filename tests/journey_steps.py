"""Steps the journeys share: what a person does in the admin, one click or keystroke at a time."""


def open_story(page, live_server, story):
    page.goto(f"{live_server.url}/admin/articles/story/{story.pk}/change/")
    page.locator(".prose-editor [contenteditable=true]").wait_for()


def choose(page, field_id, text):
    """Pick `text` in an admin autocomplete (select2) field, as a person does: open, type, Enter."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text)
    page.locator(".select2-results__option--highlighted", has_text=text).wait_for()
    search.press("Enter")


def type_in_body(page, text):
    body = page.locator(".prose-editor [contenteditable=true]")
    body.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def click_and_read_message(page, selector):
    """Click a submit button and return the message the admin shows next ("" if none)."""
    page.locator(selector).first.click()
    page.wait_for_load_state()
    messages = page.locator(".messagelist li, .errornote")
    messages.first.wait_for()
    return " ".join(messages.all_inner_texts())


def run_list_action(page, live_server, story, action):
    """On the story list, tick `story`, choose `action` (its name) and press Run."""
    page.goto(live_server.url + "/admin/articles/story/")
    page.check(f"input[name=_selected_action][value='{story.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_load_state()
