"""Lead images: uploading in the admin, the figure on the story page, social and JSON-LD
metadata, and revisions."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.editorial.roles import EDITOR
from articles.images import MAX_BYTES
from articles.models import Story
from tests.admin_forms import admin_form_data, change_url, stored_files, upload
from tests.factories import image_file, make_author, make_staff, make_story, with_lead_image
from tests.markup import json_ld, meta

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(media_root):
    return media_root


@pytest.fixture
def story():
    return make_story(headline="Leaders talk by video", authors=[make_author()])


# --- The model and the admin form ---


def test_alt_text_is_required_whenever_there_is_an_image(media_root):
    story = Story(headline="Pictured", slug="pictured", section=make_story().section)
    story.image = image_file()
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert "image_alt" in error.value.message_dict
    story.image_alt = "A pictured thing"
    story.full_clean()


def test_the_admin_refuses_an_image_without_alt_text(editor_client, story, media_root):
    response = upload(editor_client, story, image_file(), image_alt="")
    assert response.status_code == 200
    assert "Describe the lead image for readers who cannot see it." in response.text
    story.refresh_from_db()
    assert not story.image


def test_an_image_uploaded_in_the_admin_is_stored_with_its_size(editor_client, story, media_root):
    response = upload(
        editor_client,
        story,
        image_file("Call.jpg", size=(1600, 900), image_format="JPEG"),
        image_alt="Two presidents on a video call",
        image_credit="Photo: Reuters",
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert re.fullmatch(r"stories/\d{4}/\d{2}/Call(_\w+)?\.jpg", story.image.name)
    assert (story.image_width, story.image_height) == (1600, 900)
    assert (media_root / story.image.name).is_file()
    assert story.image_credit == "Photo: Reuters"
    # The change form now previews it, small.
    page = editor_client.get(change_url(story))
    assert f'class="lead-image-preview" src="{story.image.url}"' in page.text


def truncated_png():
    whole = image_file().read()
    return SimpleUploadedFile("lead.png", whole[: len(whole) // 2])


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda: SimpleUploadedFile("lead.png", b"not an image at all"), "Upload a valid image"),
        (truncated_png, "Upload a valid image"),
        (lambda: image_file("lead.gif", image_format="GIF"), "“.gif” files are not accepted"),
        (lambda: image_file("lead.png", image_format="BMP"), "This file is BMP"),
        (lambda: image_file(extra=b"\0" * MAX_BYTES), "the limit is 10.0\xa0MB"),
    ],
    ids=["not-an-image", "truncated-png", "gif", "bmp-named-png", "over-10-mb"],
)
def test_a_file_that_is_not_an_acceptable_image_is_a_form_error(
    editor_client, story, media_root, make_file, message
):
    response = upload(
        editor_client, story, make_file(), image_alt="A photo", headline="Leaders talk again"
    )
    assert response.status_code == 200
    assert message in response.text
    # Nothing saved, nothing written, and what the editor typed is still in the form.
    story.refresh_from_db()
    assert story.headline == "Leaders talk by video" and not story.image
    assert stored_files(media_root) == []
    assert 'value="Leaders talk again"' in response.text


# --- The story page ---


def test_the_story_page_shows_the_lead_image_with_alt_size_caption_and_credit(client):
    story = with_lead_image(make_story())
    html = client.get(story.get_absolute_url()).text
    figure = re.search(r'<figure class="lead-image">.*?</figure>', html, re.S).group(0)
    assert (
        f'src="{story.lead_image.default.url}"' in figure
    )  # a rendition: tests/test_renditions.py
    assert 'alt="Two presidents on a video call"' in figure
    assert 'width="1200" height="675"' in figure and 'decoding="async"' in figure
    assert 'loading="lazy"' not in figure
    assert "The call lasted two hours." in figure and "Photo: Kremlin press service" in figure


def test_a_story_without_an_image_has_no_figure(client):
    html = client.get(make_story().get_absolute_url()).text
    assert "<figure" not in html


def test_social_cards_and_json_ld_carry_the_image_as_absolute_urls(client):
    story = with_lead_image(make_story())
    html = client.get(story.get_absolute_url()).text
    url = f"http://testserver{story.lead_image.largest.url}"  # 1200 px wide, like the original
    assert meta(html, "og:image") == meta(html, "twitter:image") == url
    assert meta(html, "og:image:alt") == meta(html, "twitter:image:alt") == story.image_alt
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "675")
    assert meta(html, "twitter:card") == "summary_large_image"
    assert json_ld(html)["image"] == {
        "@type": "ImageObject",
        "url": url,
        "width": 1200,
        "height": 675,
        "caption": "The call lasted two hours.",
        "creditText": "Photo: Kremlin press service",
    }


def test_an_image_on_a_cdn_keeps_its_own_origin(client, settings):
    settings.MEDIA_URL = "https://media.example/newsroom/"
    story = with_lead_image(make_story(), caption="")
    html = client.get(story.get_absolute_url()).text
    assert meta(html, "og:image").startswith("https://media.example/newsroom/stories/")
    assert json_ld(html)["image"]["url"] == meta(html, "og:image")
    assert "caption" not in json_ld(html)["image"]


def test_without_an_image_there_are_no_image_tags_or_keys(client):
    html = client.get(make_story().get_absolute_url()).text
    assert meta(html, "twitter:card") == "summary"
    assert "og:image" not in html and "twitter:image" not in html
    assert "image" not in json_ld(html)


def test_an_image_adds_no_query_to_the_story_page(client):
    def queries(story):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(story.get_absolute_url()).status_code == 200
        return len(captured)

    plain, pictured = make_story(), with_lead_image(make_story())
    queries(make_story())  # the first page fills the per-process caches (navigation, appeals)
    # The first visit renders the page's snapshot, the next ones read it.
    assert queries(pictured) == queries(plain)
    assert queries(pictured) == queries(plain)


# --- Revisions ---


def test_revisions_show_and_restore_the_image_with_its_words(editor_client, story, media_root):
    upload(editor_client, story, image_file("first.png"), image_alt="First photo")
    story.refresh_from_db()
    first_image = story.image.name
    upload(
        editor_client,
        story,
        image_file("second.png", size=(800, 600)),
        image_alt="Second photo",
        image_caption="A new caption",
    )
    with_first = story.revisions.get(image=first_image)
    compare = editor_client.get(
        reverse("admin:articles_story_compare", args=[story.pk]),
        {"from": with_first.number, "to": story.revisions.first().number},
    )
    assert "Second photo" in compare.text and "A new caption" in compare.text

    editor_client.post(reverse("admin:articles_story_restore", args=[story.pk, with_first.pk]))
    story.refresh_from_db()
    assert story.image.name == first_image
    assert (story.image_alt, story.image_caption) == ("First photo", "")
    assert (story.image_width, story.image_height) == (1200, 675)


def test_restore_keeps_the_current_image_when_the_old_file_is_gone(editor_client, story):
    upload(editor_client, story, image_file("first.png"), image_alt="First photo")
    story.refresh_from_db()
    with_first = story.revisions.first()
    story.image.storage.delete(story.image.name)
    upload(editor_client, story, image_file("second.png"), image_alt="Second photo")
    editor_client.post(reverse("admin:articles_story_restore", args=[story.pk, with_first.pk]))
    story.refresh_from_db()
    assert story.image_alt == "Second photo" and "second" in story.image.name
    assert "no longer exists: lead image" in story.revisions.first().summary


def test_a_refused_save_keeps_its_image_words_and_the_diff_shows_only_real_changes(media_root):
    story = with_lead_image(make_story(authors=[make_author()]))
    anna, boris = Client(), Client()
    anna.force_login(make_staff("anna", EDITOR))
    boris.force_login(make_staff("boris", EDITOR))
    anna_page, boris_page = anna.get(change_url(story)), boris.get(change_url(story))
    anna.post(change_url(story), admin_form_data(anna_page, headline="A new headline"))

    refused = boris.post(
        change_url(story), admin_form_data(boris_page, image_alt="A sharper description")
    )
    assert refused.status_code == 200 and "Not saved" in refused.text
    diff = boris.get(reverse("admin:articles_story_conflict", args=[story.pk])).text
    assert "Two presidents on a video call" in diff and "A sharper description" in diff
    # The image and its other words are the same on both sides: not listed as changes.
    assert story.image.name.rsplit("/", 1)[-1] not in diff
    assert "The call lasted two hours." not in diff
