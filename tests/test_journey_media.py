"""Journeys with the media library, in Chromium: an editor uploads three photos at once (one
refused until it has alt text), puts one in the seed story's body and an embed, picks the lead
image from the library, publishes; a reader sees the pictures, and the embed's frame appears
only after a click, with no CSP violation and nothing wider than a phone. A reporter edits an
image's words in the library.

Screenshots (test-artifacts/): media-upload-1280, media-library-1280, media-picker-1280,
media-editor-1280, media-story-1280, media-story-360, media-embed-loaded-360.
"""

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect

from articles.demo import load_demo
from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Image, Story
from tests.browser import ARTIFACTS, horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_staff
from tests.journey_steps import click_and_read_message, open_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Violations of the CSP, as the page reports them to itself.
WATCH_CSP = """window.__csp = []; document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.fixture
def photos(tmp_path):
    """Three camera-sized JPEGs, drawn: a sky, a horizon and a sun in different places."""
    paths = []
    for n, sky in enumerate([(70, 110, 160), (200, 120, 90), (40, 60, 110)]):
        picture = PILImage.new("RGB", (2400, 1600), sky)
        picture.paste((60, 80, 50), (0, 1066, 2400, 1600))
        picture.paste((240, 200, 40), (400 + 600 * n, 200, 700 + 600 * n, 500))
        path = tmp_path / f"summit-{n + 1}.jpg"
        picture.save(path, quality=90)
        paths.append(path)
    return paths


def test_an_editor_uploads_photos_puts_one_and_an_embed_in_a_story_and_a_reader_sees_them(
    log_in, live_server, browser, media_root, photos
):
    seed = load_demo()[0]
    paragraphs = seed.body.count("<p>")
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    page = log_in("eddie")

    # Three files at once; the second has no alt text yet and is refused with the reason.
    page.goto(live_server.url + "/admin/articles/image/")
    page.click("text=Upload images (several at once)")
    page.set_input_files("[data-files]", [str(p) for p in photos])
    alts = page.locator(".upload-row input[name=alt_text]")
    assert alts.count() == 3
    alts.nth(0).fill("Delegates arrive at the summit hall")
    alts.nth(2).fill("The two leaders on screens in the hall")
    page.locator(".upload-row input[name=caption]").nth(0).fill("Delegates arrive on Monday.")
    page.locator(".upload-row input[name=credit]").nth(0).fill("Photo: Newsroom")
    page.click("[data-upload-all]")
    statuses = page.locator(".upload-row__status")
    statuses.nth(2).get_by_text("Uploaded").wait_for(timeout=60000)
    assert "alt text is required" in statuses.nth(1).inner_text()
    assert Image.objects.count() == 2
    # The refused one is still there with what was typed; given alt text, it goes too.
    alts.nth(1).fill("Flags outside the hall")
    page.click("[data-upload-all]")
    statuses.nth(1).get_by_text("Uploaded").wait_for(timeout=60000)
    assert Image.objects.count() == 3
    screenshot(page, "media-upload-1280")

    page.goto(live_server.url + "/admin/articles/image/")
    assert page.locator("img.library-thumb").count() == 3
    screenshot(page, "media-library-1280")

    # The story: a library image in the body, an embed, the lead image, publish.
    open_story(page, live_server, seed)
    body = page.locator(".field-body .prose-editor [contenteditable=true]")
    body.locator("p").nth(1).click()
    page.keyboard.press("End")
    page.click(".field-body button[title='Insert an image from the library']")
    dialog = page.locator("dialog.body-dialog")
    dialog.locator(".picker-grid__item").first.wait_for()
    dialog.locator("input[name=q]").fill("Delegates")
    expect(dialog.locator(".picker-grid__item")).to_have_count(1)
    assert "summit-1" in dialog.locator(".picker-grid__item").inner_text()
    page.locator("input[name=layout][value=inset]").check()
    screenshot(page, "media-picker-1280")
    dialog.locator(".picker-grid__item").first.click()
    assert body.locator(".body-node[data-node=libraryImage]").count() == 1

    body.locator("p").nth(3).click()
    page.keyboard.press("End")
    page.click(".field-body button[title='Embed a post or video']")
    url = page.locator("dialog.body-dialog input[name=url]")
    url.fill("https://example.com/not-a-video")
    page.click("dialog.body-dialog button[type=submit]")
    page.get_by_text("is not a post or video the newsroom can embed").wait_for()
    url.fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    page.click("dialog.body-dialog button[type=submit]")
    body.locator(".body-node[data-node=embed]").wait_for()
    screenshot(page, "media-editor-1280")

    # The lead image: the library opens as a picker; search, click the thumbnail.
    lead = Image.objects.get(alt_text="The two leaders on screens in the hall")
    with page.expect_popup() as opened:
        page.click("text=Choose from the library")
    picker = opened.value
    picker.fill("#searchbar", "screens")
    picker.press("#searchbar", "Enter")
    expect(picker.locator("img.library-thumb")).to_have_count(1)
    screenshot(picker, "media-lead-picker")
    picker.locator("img.library-thumb").click()
    expect(page.locator("#id_lead_image")).to_have_value(str(lead.pk))
    # The seed story is live: its words go live with the image, not as a pending version.
    message = click_and_read_message(page, "input[value='Save and publish changes']")
    assert "pending" not in message, message
    seed.refresh_from_db()
    inline = Image.objects.get(alt_text="Delegates arrive at the summit hall")
    assert seed.lead_image == lead
    assert f'data-image-id="{inline.pk}" data-layout="inset"' in seed.body
    assert '</p><figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"></figure><p>' in seed.body
    assert seed.body.count("<p>") == paragraphs  # blocks go between paragraphs, never inside
    assert body.locator(".body-node").count() == 2  # the editor shows its nodes again
    assert page.locator(".field-image_preview img.library-thumb").count() == 1

    # A reader, on a phone and on a desktop.
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.add_init_script(WATCH_CSP)
        reader = context.new_page()
        third_party = []

        def note(request, seen=third_party):
            if not request.url.startswith(live_server.url):
                seen.append(request.url)

        reader.on("request", note)
        reader.goto(live_server.url + seed.get_absolute_url())
        lead_img = reader.locator(".lead-image img")
        assert lead_img.get_attribute("alt") == "The two leaders on screens in the hall"
        assert lead_img.get_attribute("fetchpriority") == "high"
        inset = reader.locator(".body-image--inset img")
        assert inset.get_attribute("alt") == "Delegates arrive at the summit hall"
        assert inset.get_attribute("loading") == "lazy"
        assert "Delegates arrive on Monday." in reader.locator(".body-image--inset").inner_text()
        inset.scroll_into_view_if_needed()
        reader.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=inset.element_handle()
        )
        assert reader.evaluate(
            "() => document.querySelector('.body-image--inset img').currentSrc"
        ).endswith(".webp")
        assert horizontal_overflow(reader) <= 0
        embed = reader.locator("[data-embed-facade]")
        embed.scroll_into_view_if_needed()
        assert reader.locator("iframe").count() == 0 and third_party == []
        screenshot(reader, f"media-story-{width}")
        reader.get_by_role("button", name="Play the video from YouTube").click()
        frame = reader.locator("iframe.embed__frame")
        assert frame.get_attribute("src") == (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
        )
        assert reader.evaluate("window.__csp") == []
        assert horizontal_overflow(reader) <= 0
        if width == 360:
            screenshot(reader, "media-embed-loaded-360")
        context.close()

    # The front page's cards carry the lead image, cropped to 16:9, with its alt text.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    front = context.new_page()
    front.goto(live_server.url + "/")
    card_img = front.locator(".card__image img").first
    assert card_img.get_attribute("alt") == "The two leaders on screens in the hall"
    context.close()


def test_a_reporter_describes_an_image_better_and_the_story_shows_it(
    log_in, live_server, browser, media_root
):
    from tests.factories import make_image

    image = make_image(alt_text="A hall", caption="Old caption")
    story = Story.objects.get(pk=load_demo()[0].pk)
    story.lead_image = image
    story.save()
    make_staff("rita", REPORTER, password=STAFF_PASSWORD)
    page = log_in("rita")
    page.goto(f"{live_server.url}/admin/articles/image/{image.pk}/change/")
    assert "4 of 4 renditions built" in page.inner_text(".field-renditions_built")
    assert story.headline in page.inner_text(".field-used_in")
    page.fill("#id_alt_text", "The summit hall before the leaders arrived")
    page.fill("#id_caption", "The hall on Sunday evening.")
    # Clicking the picture sets the focal point.
    box = page.locator("[data-focal] img").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.25)
    assert abs(float(page.input_value("#id_focal_x")) - 0.8) <= 0.02
    message = click_and_read_message(page, "input[name=_save]")
    assert "was changed successfully" in message
    image.refresh_from_db()
    assert abs(image.focal_x - 0.8) <= 0.02 and abs(image.focal_y - 0.25) <= 0.02

    reader = browser.new_context().new_page()
    reader.goto(live_server.url + story.get_absolute_url())
    assert reader.locator(".lead-image img").get_attribute("alt") == (
        "The summit hall before the leaders arrived"
    )
    assert "The hall on Sunday evening." in reader.inner_text(".lead-image")
    reader.context.close()


def paste(page, text):
    """Paste `text` where the cursor is, as Ctrl+V does: through the clipboard."""
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+V")


def test_an_editor_pastes_a_video_address_on_its_own_line_and_readers_get_a_facade(
    log_in, live_server, browser
):
    seed = load_demo()[0]
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    page = log_in("eddie")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_story(page, live_server, seed)
    body = page.locator(".field-body .prose-editor [contenteditable=true]")
    paragraphs = body.locator("p").count()

    # Inside a sentence, an address stays part of the sentence.
    body.locator("p").nth(0).click()
    page.keyboard.press("End")
    page.keyboard.type(" Watch it at ")
    paste(page, "https://youtu.be/dQw4w9WgXcQ")
    page.keyboard.type(" tonight.")
    expect(body.locator("p").nth(0)).to_contain_text(
        "Watch it at https://youtu.be/dQw4w9WgXcQ tonight."
    )
    assert body.locator(".body-node").count() == 0

    # On a line of its own it becomes the embed; an address of nothing embeddable stays text.
    body.locator("p").nth(2).click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    paste(page, "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s")
    node = body.locator(".body-node[data-node=embed]")
    expect(node).to_have_count(1)
    assert "YouTube video dQw4w9WgXcQ" in node.inner_text()
    page.keyboard.press("Enter")
    paste(page, "https://www.youtube.com/@newsroom")  # a channel: nothing to embed
    expect(body.locator("a[href='https://www.youtube.com/@newsroom']")).to_have_count(1)
    page.keyboard.press("Enter")
    paste(page, "https://example.com/the-full-transcript")
    expect(body.locator("a[href='https://example.com/the-full-transcript']")).to_have_count(1)
    assert body.locator(".body-node").count() == 1
    screenshot(page, "media-paste-embed-1280")

    message = click_and_read_message(page, "input[value='Save and publish changes']")
    assert "pending" not in message, message
    seed.refresh_from_db()
    assert seed.body.count('<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ">') == 1
    assert seed.body.count("<p>") == paragraphs + 2  # the empty line became the embed
    assert '<a href="https://www.youtube.com/@newsroom"' in seed.body
    assert '<a href="https://example.com/the-full-transcript"' in seed.body
    assert "Watch it at " in seed.body and "youtu.be/dQw4w9WgXcQ" in seed.body

    reader = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    reader.goto(live_server.url + seed.get_absolute_url())
    facade = reader.locator("[data-embed-facade]")
    expect(facade).to_have_count(1)
    assert reader.locator("iframe").count() == 0
    facade.scroll_into_view_if_needed()
    screenshot(reader, "media-paste-story-360")
    reader.get_by_role("button", name="Play the video from YouTube").click()
    assert (
        reader.locator("iframe.embed__frame")
        .get_attribute("src")
        .startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    )
    reader.context.close()


def test_an_editor_sees_each_body_image_by_its_title_and_thumbnail(log_in, live_server, media_root):
    from tests.factories import make_image

    seed = load_demo()[0]
    hall = make_image(title="Summit hall at dusk", alt_text="An empty hall", caption="The hall.")
    flags = make_image(title="Flags outside", alt_text="Flags in the wind", caption="", credit="AP")
    gone = Image.objects.order_by("-pk").first().pk + 100  # deleted from the library long ago
    figures = [
        f'<figure data-image-id="{pk}" data-layout="full"></figure>' for pk in (hall.pk, gone)
    ]
    seed.body = seed.body.replace("</p>", "</p>" + "".join(figures), 1) + (
        f'<figure data-image-id="{flags.pk}" data-layout="inset"></figure>'
        f'<figure data-image-id="{hall.pk}" data-layout="inset"></figure>'
    )
    seed.save()
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    page = log_in("eddie")
    open_story(page, live_server, seed)
    nodes = page.locator(".body-node[data-node=libraryImage]")
    expect(nodes).to_have_count(4)
    expect(nodes.nth(0).locator(".body-node__label")).to_have_text(
        "Summit hall at dusk · full width"
    )
    assert nodes.nth(0).get_by_role("link", name="Summit hall at dusk").get_attribute("href") == (
        f"/admin/articles/image/{hall.pk}/change/"
    )
    assert "Alt text: An empty hall" in nodes.nth(0).inner_text()
    expect(nodes.nth(1)).to_contain_text(f"Image no. {gone} is no longer in the library")
    expect(nodes.nth(2).locator(".body-node__label")).to_have_text("Flags outside · inset")
    assert "Credit: AP" in nodes.nth(2).inner_text()
    assert "Caption" not in nodes.nth(2).inner_text()
    expect(nodes.nth(3).locator(".body-node__label")).to_have_text("Summit hall at dusk · inset")
    for n in (0, 2, 3):
        thumb = nodes.nth(n).locator("img.body-node__thumb")
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
        )
    assert nodes.nth(1).locator("img.body-node__thumb").is_hidden()
    nodes.nth(0).scroll_into_view_if_needed()
    screenshot(page, "media-editor-titles-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    nodes.nth(0).scroll_into_view_if_needed()
    box = nodes.nth(0).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # the node fits a phone
    page.screenshot(path=ARTIFACTS / "media-editor-titles-360.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    nodes.nth(1).get_by_role("button", name="Remove").click()
    expect(nodes).to_have_count(3)
    message = click_and_read_message(page, "input[value='Save and publish changes']")
    assert "pending" not in message, message
    seed.refresh_from_db()
    assert f'data-image-id="{gone}"' not in seed.body
    assert seed.body.count(f'data-image-id="{hall.pk}"') == 2
