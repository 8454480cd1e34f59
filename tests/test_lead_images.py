"""The media library and lead images: uploading and validation, the library's list, search,
filters and "used in", choosing a story's lead image, the figure readers see, and revisions."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.editorial.roles import EDITOR, REPORTER
from articles.images import MAX_BYTES
from articles.models import Image, Story
from tests.admin_forms import admin_form_data, change_url, stored_files
from tests.factories import (
    image_file,
    make_author,
    make_image,
    make_staff,
    make_story,
    with_lead_image,
)
from tests.markup import json_ld, meta

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(media_root):
    return media_root


def choose(client, story, image, **changes):
    """Save the story form with `image` chosen as the lead image (what the picker does)."""
    page = client.get(change_url(story))
    return client.post(
        change_url(story), admin_form_data(page, lead_image=image.pk if image else "", **changes)
    )


@pytest.fixture
def story():
    return make_story(headline="Leaders talk by video", authors=[make_author()])


def add_image(client, **fields):
    data = {"title": "", "alt_text": "A photo", "caption": "", "credit": "", "licence": "",
            "focal_x": "0.5", "focal_y": "0.5"} | fields  # fmt: skip
    return client.post(reverse("admin:articles_image_add"), data)


# --- Uploading to the library ---


def test_an_image_added_in_the_admin_keeps_its_size_words_and_uploader(editor_client, editor):
    response = add_image(
        editor_client,
        file=image_file("Call.jpg", size=(1600, 900), image_format="JPEG"),
        alt_text="Two presidents on a video call",
        credit="Photo: Reuters",
        licence="Reuters subscription; web only",
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert re.fullmatch(r"images/\d{4}/\d{2}/Call(_\w+)?\.jpg", image.file.name)
    assert (image.width, image.height) == (1600, 900)
    assert image.title == "Call" and image.uploaded_by == editor
    assert (image.credit, image.licence) == ("Photo: Reuters", "Reuters subscription; web only")


def test_alt_text_is_required_and_what_was_typed_stays(editor_client, media_root):
    response = add_image(
        editor_client, file=image_file(), alt_text="", caption="Kept caption", title="Kept"
    )
    assert response.status_code == 200
    assert "alt text is required" in response.text
    assert 'value="Kept caption"' in response.text and 'value="Kept"' in response.text
    assert not Image.objects.exists() and stored_files(media_root) == []


def truncated_png():
    whole = image_file().read()
    return SimpleUploadedFile("lead.png", whole[: len(whole) // 2])


BAD_FILES = [
    (lambda: SimpleUploadedFile("lead.png", b"not an image at all"), "Upload a valid image"),
    (truncated_png, "Upload a valid image"),
    (lambda: image_file("lead.gif", image_format="GIF"), "“.gif” files are not accepted"),
    (lambda: image_file("lead.png", image_format="BMP"), "This file is BMP"),
    (lambda: image_file(extra=b"\0" * MAX_BYTES), "the limit is 10.0\xa0MB"),
]
BAD_IDS = ["not-an-image", "truncated-png", "gif", "bmp-named-png", "over-10-mb"]


@pytest.mark.parametrize(("make_file", "message"), BAD_FILES, ids=BAD_IDS)
def test_a_file_that_is_not_an_acceptable_image_is_a_form_error(
    editor_client, media_root, make_file, message
):
    response = add_image(editor_client, file=make_file(), alt_text="Typed words")
    assert response.status_code == 200
    assert message in response.text
    assert 'value="Typed words"' in response.text
    assert not Image.objects.exists() and stored_files(media_root) == []


@pytest.mark.parametrize(("make_file", "message"), BAD_FILES[:3], ids=BAD_IDS[:3])
def test_the_multi_upload_answers_each_bad_file_with_its_message(
    editor_client, media_root, make_file, message
):
    response = editor_client.post(
        reverse("admin:articles_image_upload"), {"file": make_file(), "alt_text": "A photo"}
    )
    assert response.status_code == 400
    assert message in json.dumps(response.json()["errors"]["file"], ensure_ascii=False)
    assert not Image.objects.exists() and stored_files(media_root) == []


def test_the_multi_upload_takes_files_one_by_one_and_refuses_a_missing_alt(editor_client):
    url = reverse("admin:articles_image_upload")
    page = editor_client.get(url)
    assert page.status_code == 200 and "data-dropzone" in page.text and "multiple" in page.text
    made = [
        editor_client.post(url, {"file": image_file(f"p{n}.png"), "alt_text": f"Photo {n}"})
        for n in range(3)
    ]
    assert [r.status_code for r in made] == [200, 200, 200]
    assert sorted(Image.objects.values_list("alt_text", flat=True)) == [
        "Photo 0",
        "Photo 1",
        "Photo 2",
    ]
    refused = editor_client.post(url, {"file": image_file("p3.png"), "alt_text": " "})
    assert refused.status_code == 400
    assert refused.json()["errors"]["alt_text"] == [
        "Describe the image for readers who cannot see it: alt text is required."
    ]
    assert Image.objects.count() == 3


def test_reporters_may_upload_but_not_delete(media_root):
    reporter = Client()
    reporter.force_login(make_staff("rita", REPORTER))
    image = make_image(build=False)
    assert reporter.get(reverse("admin:articles_image_upload")).status_code == 200
    delete = reporter.get(reverse("admin:articles_image_delete", args=[image.pk]))
    assert delete.status_code == 403


# --- The library's list ---


def test_the_library_lists_thumbnails_and_finds_by_words_uploader_and_use(editor_client, editor):
    other = make_staff("olga", EDITOR)
    summit = make_image(title="Summit", alt_text="Leaders at a table", uploaded_by=editor)
    make_image(title="Court", alt_text="A courtroom", uploaded_by=other)
    with_lead_image(make_story(headline="Summit story"), image=None)
    Story.objects.filter(headline="Summit story").update(lead_image=summit)
    url = reverse("admin:articles_image_changelist")
    page = editor_client.get(url)
    assert page.text.count('class="library-thumb"') == 3
    assert "Summit" in editor_client.get(url, {"q": "table"}).text
    assert "Court" not in editor_client.get(url, {"q": "table"}).text
    by_olga = editor_client.get(url, {"uploaded_by__id__exact": other.pk}).text
    assert "Court" in by_olga and "Summit" not in by_olga
    used = editor_client.get(url, {"used": "yes"}).text
    assert "Summit" in used and "Court" not in used
    assert "1 story" in used


def test_an_images_page_links_every_story_using_it_and_deleting_it_is_refused(editor_client):
    image = make_image()
    lead = make_story(headline="Leads with it")
    Story.objects.filter(pk=lead.pk).update(lead_image=image)
    inline = make_story(headline="Shows it in the body")
    inline.body = f'<p>Text</p><figure data-image-id="{image.pk}" data-layout="inset"></figure>'
    inline.save()
    page = editor_client.get(reverse("admin:articles_image_change", args=[image.pk])).text
    for story, how in ((lead, "lead image"), (inline, "in the body")):
        assert f'href="{change_url(story)}">{story.headline}</a>' in page
        assert f"({how}," in page
    response = editor_client.post(
        reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
    )
    assert Image.objects.filter(pk=image.pk).exists()
    assert "Cannot delete" in response.text or response.status_code == 403


def test_the_library_list_runs_the_same_queries_for_3_and_300_images(editor_client):
    url = reverse("admin:articles_image_changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        return len(captured)

    rows = [
        Image(file=f"images/x{n}.png", title=f"Image {n}", alt_text="x", width=10, height=10)
        for n in range(300)
    ]
    Image.objects.bulk_create(rows[:3])
    queries()
    small = queries()
    Image.objects.bulk_create(rows[3:])
    assert queries() == small


# --- The story's lead image ---


def test_an_editor_chooses_a_library_image_as_the_lead_image(editor_client, story):
    image = make_image()
    assert choose(editor_client, story, image).status_code == 302
    story.refresh_from_db()
    assert story.lead_image == image
    page = editor_client.get(change_url(story)).text
    assert 'class="library-thumb"' in page and "Alt text: Two presidents on a video call" in page
    assert "Choose from the library" in page and "Upload a new one" in page


def test_a_lead_image_that_is_not_in_the_library_is_a_form_error(editor_client, story):
    page = editor_client.get(change_url(story))
    response = editor_client.post(
        change_url(story), admin_form_data(page, lead_image="9999", headline="Kept headline")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text or "does not exist" in response.text
    assert 'value="Kept headline"' in response.text


def test_the_story_page_shows_the_lead_image_with_alt_size_caption_and_credit(client):
    story = with_lead_image(make_story())
    html = client.get(story.get_absolute_url()).text
    figure = re.search(r'<figure class="lead-image">.*?</figure>', html, re.S).group(0)
    assert f'src="{story.lead_image.picture().src}"' in figure
    assert 'alt="Two presidents on a video call"' in figure
    assert 'width="1200" height="675"' in figure and 'decoding="async"' in figure
    assert 'loading="eager"' in figure and 'fetchpriority="high"' in figure
    assert "The call lasted two hours." in figure and "Photo: Kremlin press service" in figure


def test_a_story_without_an_image_has_no_figure(client):
    html = client.get(make_story().get_absolute_url()).text
    assert "<figure" not in html
    assert meta(html, "twitter:card") == "summary"
    assert "og:image" not in html and "image" not in json_ld(html)


def test_a_new_caption_in_the_library_reaches_the_cached_story_page(client):
    story = with_lead_image(make_story())
    assert "The call lasted two hours." in client.get(story.get_absolute_url()).text
    image = Image.objects.get(pk=story.lead_image_id)
    image.caption = "The call lasted three hours."
    image.save()
    assert "The call lasted three hours." in client.get(story.get_absolute_url()).text


def test_an_image_on_a_cdn_keeps_its_own_origin(client, settings):
    settings.MEDIA_URL = "https://media.example/newsroom/"
    story = with_lead_image(make_story(), caption="")
    html = client.get(story.get_absolute_url()).text
    assert meta(html, "og:image").startswith("https://media.example/newsroom/images/")
    assert json_ld(html)["image"][0]["url"] == meta(html, "og:image")
    assert "caption" not in json_ld(html)["image"][0]


def test_an_image_adds_no_query_to_the_story_page(client):
    def queries(story):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(story.get_absolute_url()).status_code == 200
        return len(captured)

    plain, pictured = make_story(), with_lead_image(make_story())
    queries(make_story())  # the first page fills the per-process caches (navigation, appeals)
    # The first visit renders the page's snapshot; the next ones read it.
    assert queries(pictured) == queries(plain)
    assert queries(pictured) == queries(plain)


# --- Revisions ---


def test_revisions_show_and_restore_the_lead_image(editor_client, story):
    first, second = make_image(title="First photo"), make_image(title="Second photo")
    choose(editor_client, story, first)
    choose(editor_client, story, second)
    story.refresh_from_db()
    with_first = story.revisions.get(lead_image=first)
    assert with_first.lead_image_title == "First photo"
    compare = editor_client.get(
        reverse("admin:articles_story_compare", args=[story.pk]),
        {"from": with_first.number, "to": story.revisions.first().number},
    )
    assert "First photo" in compare.text and "Second photo" in compare.text

    editor_client.post(reverse("admin:articles_story_restore", args=[story.pk, with_first.pk]))
    story.refresh_from_db()
    assert story.lead_image == first


def test_restore_keeps_the_current_image_when_the_old_one_was_deleted(editor_client, story):
    first, second = make_image(title="First photo"), make_image(title="Second photo")
    choose(editor_client, story, first)
    with_first = story.revisions.first()
    choose(editor_client, story, second)
    first.delete()  # no story uses it any more
    editor_client.post(reverse("admin:articles_story_restore", args=[story.pk, with_first.pk]))
    story.refresh_from_db()
    assert story.lead_image == second
    assert "no longer exists: lead image First photo" in story.revisions.first().summary


def test_a_refused_save_keeps_its_image_choice_and_the_diff_shows_it():
    story = with_lead_image(make_story(authors=[make_author()]), title="Video call")
    other = make_image(title="Another photo")
    anna, boris = Client(), Client()
    anna.force_login(make_staff("anna", EDITOR))
    boris.force_login(make_staff("boris", EDITOR))
    anna_page, boris_page = anna.get(change_url(story)), boris.get(change_url(story))
    anna.post(change_url(story), admin_form_data(anna_page, headline="A new headline"))

    refused = boris.post(change_url(story), admin_form_data(boris_page, lead_image=other.pk))
    assert refused.status_code == 200 and "Not saved" in refused.text
    diff = boris.get(reverse("admin:articles_story_conflict", args=[story.pk])).text
    assert "Video call" in diff and "Another photo" in diff
