"""Lead image renditions: built once per new image, served to readers, social cards and feeds."""

import io
import re

import feedparser
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles.models import Story
from tests.admin_forms import stored_files, upload
from tests.factories import image_file, make_author, make_story, with_lead_image
from tests.markup import json_ld, meta

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(media_root):
    return media_root


def widths(story):
    return [(r["width"], r["height"]) for r in story.image_renditions]


def opened(rendition):
    with default_storage.open(rendition["name"]) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def rotated_photo():
    """A 1000×600 JPEG stored sideways: red left half, blue right half, and an EXIF tag saying
    "turn 90° clockwise to view", so upright it is 600×1000, red on top."""
    image = Image.new("RGB", (1000, 600), "blue")
    image.paste((220, 0, 0), (0, 0, 500, 600))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("sideways.jpg", buffer.getvalue())


def transparent_png():
    """A 600×400 PNG, transparent but for a black square in the middle."""
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (250, 150, 350, 250))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("cut-out.png", buffer.getvalue())


# --- Building ---


def test_a_wide_image_gets_480_960_and_1600_jpegs_next_to_it(media_root):
    story = with_lead_image(make_story(), image=image_file("wide.png", size=(2000, 1000)))
    assert widths(story) == [(480, 240), (960, 480), (1600, 800)]
    stem = story.image.name.removesuffix(".png")
    for rendition in story.image_renditions:
        assert rendition["name"] == f"{stem}.{rendition['width']}w.jpg"
        assert (media_root / rendition["name"]).stat().st_size == rendition["bytes"]
        image = opened(rendition)
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.size == (rendition["width"], rendition["height"])
        assert image.info.get("progressive") and not image.getexif()


def test_an_image_narrower_than_1600_is_never_upscaled(media_root):
    story = with_lead_image(make_story(), image=image_file("narrow.png", size=(700, 350)))
    assert widths(story) == [(480, 240), (700, 350)]
    tiny = with_lead_image(make_story(), image=image_file("tiny.png", size=(300, 200)))
    assert widths(tiny) == [(300, 200)]


def test_an_exif_rotated_photo_comes_out_upright_without_its_metadata(media_root):
    story = with_lead_image(make_story(), image=rotated_photo())
    assert widths(story) == [(480, 800), (600, 1000)]
    upright = opened(story.image_renditions[-1])
    red, blue = upright.getpixel((300, 100)), upright.getpixel((300, 900))
    assert red[0] > 180 and red[2] < 60, red
    assert blue[2] > 180 and blue[0] < 60, blue
    assert not upright.getexif()


def test_transparency_is_flattened_onto_white(media_root):
    story = with_lead_image(make_story(), image=transparent_png())
    image = opened(story.image_renditions[0])
    assert image.mode == "RGB"
    assert min(image.getpixel((5, 5))) >= 250  # was transparent: now white
    assert max(image.getpixel((240, 160))) <= 10  # the opaque square stays black


def test_an_image_uploaded_in_the_admin_gets_its_renditions(editor_client, media_root):
    story = make_story(authors=[make_author()])
    image = image_file("call.jpg", size=(2000, 1000), image_format="JPEG")
    assert upload(editor_client, story, image, image_alt="A call").status_code == 302
    story.refresh_from_db()
    assert widths(story) == [(480, 240), (960, 480), (1600, 800)]
    stem = story.image.name.removesuffix(".jpg")
    assert all(r["name"].startswith(f"{stem}.") for r in story.image_renditions)


def test_a_save_that_keeps_the_image_does_not_rebuild(media_root):
    story = with_lead_image(make_story())
    renditions, files = story.image_renditions, stored_files(media_root)
    story = Story.objects.get(pk=story.pk)
    story.headline = "A new headline"
    story.image_alt = "A better description"
    story.save()
    story.refresh_from_db()
    assert story.image_renditions == renditions
    assert stored_files(media_root) == files


def test_replacing_the_image_rebuilds_for_the_new_one(media_root):
    story = with_lead_image(make_story())
    old = story.image_renditions
    with_lead_image(story, image=image_file("second.png", size=(700, 400)))
    story.refresh_from_db()
    assert widths(story) == [(480, 274), (700, 400)]
    assert all("second" in r["name"] for r in story.image_renditions)
    # The old copies stay in storage, as the old original does: revisions still name them.
    assert all(default_storage.exists(r["name"]) for r in old)


def test_removing_the_image_clears_the_renditions(media_root):
    story = with_lead_image(make_story())
    story.image = None
    story.save()
    story.refresh_from_db()
    assert story.image_renditions == [] and story.lead_image is None


def test_a_missing_original_leaves_the_story_saved_without_renditions(media_root):
    story = with_lead_image(make_story())
    Story.objects.filter(pk=story.pk).update(image_renditions=[])
    default_storage.delete(story.image.name)
    story = Story.objects.get(pk=story.pk)
    story.headline = "Still saved"
    story.save()
    saved = Story.objects.values("headline", "image_renditions").get(pk=story.pk)
    assert saved == {"headline": "Still saved", "image_renditions": []}


# --- The management command ---


def test_the_command_builds_missing_renditions_and_reports_a_missing_original(media_root):
    without = with_lead_image(make_story(headline="Older story"))
    Story.objects.filter(pk=without.pk).update(image_renditions=[])
    current = with_lead_image(make_story(headline="Current story"))
    gone = make_story(headline="Lost photo")
    # Uploaded once (so its size is known), since removed from storage.
    Story.objects.filter(pk=gone.pk).update(
        image="stories/2026/11/gone.png", image_width=800, image_height=600
    )
    make_story(headline="No image")
    out, err = io.StringIO(), io.StringIO()

    call_command("build_renditions", stdout=out, stderr=err)

    without.refresh_from_db()
    assert widths(without) == [(480, 270), (960, 540), (1200, 675)]
    assert "“Older story”: built 480, 960, 1200 px" in out.getvalue()
    assert "Current story" not in out.getvalue()
    assert "“Lost photo”: cannot read stories/2026/11/gone.png" in err.getvalue()
    assert "Built renditions for 1 stories; 1 already had them; 1 originals could not be read." in (
        out.getvalue()
    )
    assert Story.objects.get(pk=current.pk).image_renditions == current.image_renditions


def test_the_command_rebuilds_every_story_when_asked(media_root):
    story = with_lead_image(make_story())
    out = io.StringIO()
    call_command("build_renditions", "--all", stdout=out)
    rebuilt = Story.objects.get(pk=story.pk)
    assert widths(rebuilt) == widths(story)
    assert rebuilt.image_renditions != story.image_renditions  # fresh files beside the old ones
    assert rebuilt.version == story.version  # a derived file is not a new version


# --- Revisions ---


def test_restoring_a_revision_brings_back_its_renditions(editor_client, media_root):
    story = make_story(authors=[make_author()])
    upload(editor_client, story, image_file("first.png"), image_alt="First photo")
    story.refresh_from_db()
    first = story.image_renditions
    upload(editor_client, story, image_file("second.png", size=(700, 400)), image_alt="Second")
    files = stored_files(media_root)

    revision = story.revisions.exclude(image="").order_by("number").first()
    editor_client.post(reverse("admin:articles_story_restore", args=[story.pk, revision.pk]))
    story.refresh_from_db()
    assert story.image_renditions == first
    assert stored_files(media_root) == files  # nothing built: the old copies were still there


def test_restoring_rebuilds_renditions_that_are_gone(editor_client, media_root):
    story = make_story(authors=[make_author()])
    upload(editor_client, story, image_file("first.png"), image_alt="First photo")
    story.refresh_from_db()
    first = story.image_renditions
    upload(editor_client, story, image_file("second.png"), image_alt="Second")
    default_storage.delete(first[0]["name"])

    revision = story.revisions.exclude(image="").order_by("number").first()
    editor_client.post(reverse("admin:articles_story_restore", args=[story.pk, revision.pk]))
    story.refresh_from_db()
    assert "first" in story.image.name
    assert widths(story) == [(480, 270), (960, 540), (1200, 675)]
    assert all(default_storage.exists(r["name"]) for r in story.image_renditions)


# --- Pages, metadata and feeds ---


def img_tag(html, css_class="lead-image"):
    return re.search(rf'class="{css_class}".*?(<img [^>]*>)', html, re.S).group(1)


def test_the_story_page_offers_every_rendition_for_the_story_column(client):
    story = with_lead_image(make_story(), image=image_file("wide.png", size=(2000, 1000)))
    img = img_tag(client.get(story.get_absolute_url()).text)
    urls = {r["width"]: default_storage.url(r["name"]) for r in story.image_renditions}
    assert f'src="{urls[960]}"' in img
    assert f'srcset="{urls[480]} 480w, {urls[960]} 960w, {urls[1600]} 1600w"' in img
    assert 'sizes="(min-width: 48rem) 46rem, calc(100vw - 2rem)"' in img
    assert 'width="1600" height="800"' in img
    assert story.image.url not in img


def test_without_renditions_the_page_serves_the_original_as_before(client):
    story = with_lead_image(make_story())
    Story.objects.filter(pk=story.pk).update(image_renditions=[])
    img = img_tag(client.get(story.get_absolute_url()).text)
    assert f'src="{story.image.url}"' in img and 'width="1200" height="675"' in img
    assert "srcset" not in img and "sizes" not in img


def test_the_upright_proportions_reach_the_page(client):
    story = with_lead_image(make_story(), image=rotated_photo())
    assert (story.image_width, story.image_height) == (1000, 600)  # as stored, sideways
    img = img_tag(client.get(story.get_absolute_url()).text)
    assert 'width="600" height="1000"' in img


def test_social_cards_and_json_ld_use_the_largest_rendition(client):
    story = with_lead_image(make_story(), image=image_file("wide.png", size=(2000, 1000)))
    html = client.get(story.get_absolute_url()).text
    url = "http://testserver" + default_storage.url(story.image_renditions[-1]["name"])
    assert url.endswith(".1600w.jpg")
    assert meta(html, "og:image") == meta(html, "twitter:image") == url
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1600", "800")
    image = json_ld(html)["image"]
    assert (image["url"], image["width"], image["height"]) == (url, 1600, 800)


def test_the_front_page_lead_card_shows_its_image_and_other_cards_do_not(client):
    with_lead_image(make_story(headline="Older, with a picture"))
    lead = with_lead_image(make_story(headline="The lead story"))
    Story.objects.filter(pk=lead.pk).update(published_at=lead.published_at.replace(minute=59))
    html = client.get("/").text
    card = re.search(r'<article class="card card--lead">.*?</article>', html, re.S).group(0)
    assert "The lead story" in card
    img = img_tag(card, "card__image")
    assert 'loading="eager"' in img and 'alt="Two presidents on a video call"' in img
    assert "480w" in img and 'sizes="(min-width: 72rem) 45rem,' in img
    assert 'width="1200" height="675"' in img
    assert html.count("<img") == 1


def test_feed_items_carry_the_960_rendition_as_an_enclosure(client):
    story = with_lead_image(make_story(headline="Pictured"))
    make_story(headline="Words only")
    response = client.get("/feed/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    entries = {entry.title: entry for entry in feed.entries}
    rendition = story.image_renditions[1]
    assert entries["Pictured"].enclosures == [
        {
            "href": "http://testserver" + default_storage.url(rendition["name"]),
            "length": str(rendition["bytes"]),
            "type": "image/jpeg",
        }
    ]
    assert rendition["width"] == 960
    assert entries["Words only"].enclosures == []


@pytest.mark.parametrize("url", ["/", "/feed/"])
def test_a_lead_image_adds_no_query_to_the_front_page_or_feed(client, url):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    story = make_story()
    queries()  # fills the per-process caches
    plain = queries()
    with_lead_image(story)
    assert queries() == plain
