"""Renditions of library images: sizes, formats and shapes, the task that builds them, and what
pages, metadata and feeds serve before and after."""

import io
import re
import struct

import feedparser
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms

from articles.images import SHAPES, build_image_renditions, crop_box, progress
from articles.models import Image
from tests.factories import image_file, make_image, make_story, with_lead_image
from tests.markup import json_ld, meta

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(media_root):
    return media_root


def sizes(image, shape="free"):
    return [(r["width"], r["height"]) for r in image.renditions[shape]]


def opened(name):
    with default_storage.open(name) as file:
        picture = PILImage.open(io.BytesIO(file.read()))
        picture.load()
    return picture


def rotated_photo():
    """A 1000×600 JPEG stored sideways: red left half, blue right half, and an EXIF tag saying
    "turn 90° clockwise to view", so upright it is 600×1000, red on top."""
    picture = PILImage.new("RGB", (1000, 600), "blue")
    picture.paste((220, 0, 0), (0, 0, 500, 600))
    exif = PILImage.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise
    exif[0x010F] = "Camera maker"  # Make: metadata that must not reach readers
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("sideways.jpg", buffer.getvalue())


def transparent_png():
    """A 600×400 PNG, transparent but for a black square in the middle."""
    picture = PILImage.new("RGBA", (600, 400), (0, 0, 0, 0))
    picture.paste((0, 0, 0, 255), (250, 150, 350, 250))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return SimpleUploadedFile("cut-out.png", buffer.getvalue())


def red_blue_swapped_profile():
    """An RGB colour profile whose red and blue primaries are swapped: a picture tagged with it
    means blue by (255, 0, 0). Made from lcms's sRGB by swapping two tag offsets."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", data[128:132])[0]
    entries = {}
    for n in range(count):
        at = 132 + 12 * n
        entries[bytes(data[at : at + 4])] = at
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    data[red + 4 : red + 12], data[blue + 4 : blue + 12] = (
        data[blue + 4 : blue + 12],
        data[red + 4 : red + 12],
    )
    return bytes(data)


def tagged_red_jpeg():
    picture = PILImage.new("RGB", (800, 450), (255, 0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", icc_profile=red_blue_swapped_profile(), quality=95)
    return SimpleUploadedFile("tagged.jpg", buffer.getvalue())


# --- Sizes, formats and shapes ---


def test_a_wide_image_gets_every_width_in_jpeg_and_webp_for_each_shape():
    image = make_image(image_file("wide.png", size=(2400, 1200)))
    assert sizes(image) == [(480, 240), (720, 360), (960, 480), (1280, 640), (1600, 800)]
    assert sizes(image, "16:9") == [(320, 180), (480, 270), (720, 405), (960, 540), (1200, 675)]
    assert sizes(image, "4:3") == [(1200, 900)]
    assert sizes(image, "1:1") == [(1200, 1200)]
    assert progress(image) == (4, 4)
    for shape in SHAPES:
        for record in image.renditions[shape]:
            jpeg, webp = opened(record["jpeg"]), opened(record["webp"])
            assert jpeg.format == "JPEG" and webp.format == "WEBP"
            assert jpeg.size == webp.size == (record["width"], record["height"])
            assert default_storage.size(record["jpeg"]) == record["jpeg_bytes"]
            assert default_storage.size(record["webp"]) == record["webp_bytes"]
            assert jpeg.info.get("progressive") and not jpeg.getexif()
            assert "icc_profile" not in jpeg.info and "icc_profile" not in webp.info


def test_the_step_between_480_and_960_is_smaller_than_960_for_phones():
    image = make_image(image_file("wide.jpg", size=(2000, 1125), image_format="JPEG"))
    by_width = {r["width"]: r for r in image.renditions["free"]}
    assert 720 in by_width
    assert by_width[480]["jpeg_bytes"] < by_width[720]["jpeg_bytes"] < by_width[960]["jpeg_bytes"]
    # WebP beside each JPEG, and smaller than it.
    assert all(r["webp_bytes"] < r["jpeg_bytes"] for r in image.renditions["free"])


def test_an_image_narrower_than_the_widths_is_never_upscaled():
    image = make_image(image_file("narrow.png", size=(700, 350)))
    assert sizes(image) == [(480, 240), (700, 350)]
    assert sizes(image, "16:9") == [(320, 180), (480, 270), (622, 350)]
    assert sizes(image, "1:1") == [(350, 350)]
    tiny = make_image(image_file("tiny.png", size=(300, 200)))
    assert sizes(tiny) == [(300, 200)]


@pytest.mark.parametrize(
    ("size", "ratio", "focal", "box"),
    [
        ((2000, 1000), 1.0, (0.5, 0.5), (500, 0, 1000, 1000)),
        ((2000, 1000), 1.0, (0.9, 0.5), (1000, 0, 1000, 1000)),  # as far right as it goes
        ((2000, 1000), 1.0, (0.0, 0.5), (0, 0, 1000, 1000)),
        ((2000, 1000), 1.0, (0.6, 0.5), (700, 0, 1000, 1000)),  # centred on x = 1200
        ((1000, 2000), 16 / 9, (0.5, 0.1), (0, 0, 1000, 562)),
        ((1000, 2000), 16 / 9, (0.5, 0.75), (0, 1219, 1000, 562)),
    ],
)
def test_crops_keep_the_focal_point_in_view(size, ratio, focal, box):
    assert crop_box(*size, ratio, *focal) == box


def test_a_card_crop_of_a_picture_follows_its_focal_point():
    """A wide picture, red on its right quarter: a square crop around a focal point there is
    red; around the middle it is not."""
    picture = PILImage.new("RGB", (2000, 1000), (0, 0, 200))
    picture.paste((220, 0, 0), (1500, 0, 2000, 1000))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    right = make_image(SimpleUploadedFile("right.png", buffer.getvalue()), focal_x=0.9)
    middle = make_image(SimpleUploadedFile("middle.png", buffer.getvalue()))
    right_crop = opened(right.renditions["1:1"][0]["jpeg"])
    middle_crop = opened(middle.renditions["1:1"][0]["jpeg"])
    assert right_crop.size == middle_crop.size == (1000, 1000)
    # The right crop is x 1000-2000 of the original: red from its middle on.
    assert right_crop.getpixel((750, 500))[0] > 180
    # The middle crop is x 500-1500: no red at all.
    assert middle_crop.getpixel((750, 500))[0] < 60


def test_an_exif_rotated_photo_comes_out_upright_without_its_metadata():
    image = make_image(rotated_photo())
    assert (image.width, image.height) == (1000, 600)  # as stored, sideways
    assert sizes(image) == [(480, 800), (600, 1000)]
    upright = opened(image.renditions["free"][-1]["jpeg"])
    red, blue = upright.getpixel((300, 100)), upright.getpixel((300, 900))
    assert red[0] > 180 and red[2] < 60, red
    assert blue[2] > 180 and blue[0] < 60, blue
    assert not upright.getexif()


def test_a_colour_profile_is_converted_to_srgb_not_dropped():
    """(255, 0, 0) in a profile whose 'red' primary is blue is blue on screen: the copies must
    be blue in sRGB. Dropping the profile would leave them red."""
    image = make_image(tagged_red_jpeg())
    for shape in ("free", "16:9"):
        record = image.renditions[shape][0]
        for name in (record["jpeg"], record["webp"]):
            r, g, b = opened(name).convert("RGB").getpixel((10, 10))
            assert b > 150 and r < 80, (name, (r, g, b))


def test_transparency_is_flattened_onto_white():
    image = make_image(transparent_png())
    copy = opened(image.renditions["free"][0]["jpeg"])
    assert copy.mode == "RGB"
    assert min(copy.getpixel((5, 5))) >= 250  # was transparent: now white
    assert max(copy.getpixel((240, 160))) <= 10  # the opaque square stays black


# --- The task ---


def test_saving_an_image_builds_its_renditions_in_a_task_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        image = Image.objects.create(file=image_file(), title="Sky", alt_text="A sky")
    image.refresh_from_db()
    assert image.renditions == {} and len(callbacks) == 1  # nothing built in the save itself
    callbacks[0]()  # the commit: the immediate backend runs the task now
    image.refresh_from_db()
    assert progress(image) == (4, 4)
    assert image.renditions["of"] == f"{image.file.name} 0.500 0.500"


def test_a_new_focal_point_rebuilds_the_crops(django_capture_on_commit_callbacks):
    image = make_image(image_file("wide.png", size=(2000, 1000)))
    before = image.renditions["1:1"][0]["jpeg"]
    image.focal_x = 0.9
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    image.refresh_from_db()
    assert progress(image) == (4, 4)
    assert image.renditions["1:1"][0]["jpeg"] != before


def test_new_words_do_not_rebuild(django_capture_on_commit_callbacks):
    image = make_image()
    renditions = image.renditions
    image.caption = "A better caption"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        image.save()
    image.refresh_from_db()
    assert callbacks == [] and image.renditions == renditions


def test_a_task_for_a_replaced_file_writes_nothing():
    image = make_image(build=False)
    Image.objects.filter(pk=image.pk).update(file="images/elsewhere.png")
    # The task read the image before the replacement: simulate by building the old key.
    stale = Image.objects.get(pk=image.pk)
    stale.file.name = image.file.name
    assert build_image_renditions.call(image.pk) in ("unreadable", "superseded")
    assert "free" not in Image.objects.get(pk=image.pk).renditions


def test_an_unreadable_original_is_recorded_and_shown_to_editors(admin_client):
    image = make_image(build=False)
    default_storage.delete(image.file.name)
    assert build_image_renditions.call(image.pk) == "unreadable"
    assert Image.objects.values_list("renditions", flat=True).get(pk=image.pk)["error"]
    page = admin_client.get(reverse("admin:articles_image_change", args=[image.pk]))
    assert "Could not read the file" in page.text and "Upload it again." in page.text


def test_the_admin_shows_how_many_renditions_are_built(admin_client):
    image = make_image(build=False)
    url = reverse("admin:articles_image_change", args=[image.pk])
    assert "0 of 4 renditions built" in admin_client.get(url).text
    build_image_renditions.call(image.pk)
    # Two shapes recorded so far, as the task does between shapes.
    image.refresh_from_db()
    Image.objects.filter(pk=image.pk).update(
        renditions={k: image.renditions[k] for k in ("of", "free", "16:9")}
    )
    assert "2 of 4 renditions built" in admin_client.get(url).text
    assert (
        'title="2 of 4 renditions built">2 of 4'
        in admin_client.get(reverse("admin:articles_image_changelist")).text
    )


def test_a_big_upload_returns_before_any_rendition_is_built(admin_client, settings, media_root):
    """The admin request stores the original and enqueues the work; the worker builds it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    default_task_backend.clear()
    big = image_file("camera.jpg", size=(6000, 4000), image_format="JPEG")
    response = admin_client.post(
        reverse("admin:articles_image_add"),
        {"file": big, "title": "Camera", "alt_text": "A big photo", "focal_x": 0.5, "focal_y": 0.5},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions == {} and (image.width, image.height) == (6000, 4000)
    assert [p.name for p in media_root.rglob("*") if p.is_file()] == ["camera.jpg"]


# --- The management command ---


def test_the_command_builds_what_images_lack_and_leaves_the_rest():
    lacking = make_image(build=False, title="Older")
    done = make_image(title="Current")
    out = io.StringIO()
    call_command("build_renditions", "--now", stdout=out)
    lacking.refresh_from_db()
    assert progress(lacking) == (4, 4)
    assert "“Older”: built" in out.getvalue() and "Current" not in out.getvalue()
    assert "Built renditions for 1 images; 1 already had them." in out.getvalue()
    assert Image.objects.get(pk=done.pk).renditions == done.renditions


# --- Pages, metadata and feeds ---


def picture_tag(html, css_class="lead-image"):
    return re.search(rf'class="{css_class}".*?(<picture .*?</picture>)', html, re.S).group(1)


def test_the_story_page_offers_webp_and_jpeg_at_every_width_with_high_priority(client):
    story = with_lead_image(make_story(), image=image_file("wide.png", size=(2000, 1000)))
    image = story.lead_image
    picture = picture_tag(client.get(story.get_absolute_url()).text)
    free = image.renditions["free"]
    webp = ", ".join(f"{default_storage.url(r['webp'])} {r['width']}w" for r in free)
    jpeg = ", ".join(f"{default_storage.url(r['jpeg'])} {r['width']}w" for r in free)
    assert f'<source type="image/webp" srcset="{webp}"' in picture
    assert f'srcset="{jpeg}"' in picture
    assert 'sizes="(min-width: 48rem) 46rem, calc(100vw - 2rem)"' in picture
    assert 'width="1600" height="800"' in picture
    assert 'fetchpriority="high"' in picture and 'loading="lazy"' not in picture
    assert image.file.url not in picture


def test_before_its_renditions_exist_the_page_shows_the_original_bounded(client):
    story = with_lead_image(make_story(), build=False)
    picture = picture_tag(client.get(story.get_absolute_url()).text)
    assert f'src="{story.lead_image.file.url}"' in picture
    assert 'class="picture__img picture__img--original"' in picture
    assert 'width="1200" height="675"' in picture
    assert "srcset" not in picture and "<source" not in picture


def test_the_upright_proportions_reach_the_page(client):
    story = with_lead_image(make_story(), image=rotated_photo())
    picture = picture_tag(client.get(story.get_absolute_url()).text)
    assert 'width="600" height="1000"' in picture


def test_json_ld_lists_the_lead_image_in_16_9_4_3_and_1_1(client):
    story = with_lead_image(make_story(), image=image_file("wide.png", size=(2000, 1000)))
    html = client.get(story.get_absolute_url()).text
    images = json_ld(html)["image"]
    assert [(i["width"], i["height"]) for i in images] == [(1200, 675), (1200, 900), (1000, 1000)]
    assert all(i["url"].startswith("http://testserver/") for i in images)
    assert images[0]["caption"] == "The call lasted two hours."
    assert images[0]["creditText"] == "Photo: Kremlin press service"
    assert meta(html, "og:image") == meta(html, "twitter:image") == images[0]["url"]
    assert meta(html, "og:image:alt") == "Two presidents on a video call"


def test_json_ld_has_the_original_until_the_crops_exist(client):
    story = with_lead_image(make_story(), build=False)
    images = json_ld(client.get(story.get_absolute_url()).text)["image"]
    assert images == [
        {
            "@type": "ImageObject",
            "url": "http://testserver" + story.lead_image.file.url,
            "width": 1200,
            "height": 675,
            "caption": "The call lasted two hours.",
            "creditText": "Photo: Kremlin press service",
        }
    ]


def test_feed_items_carry_media_content_and_an_enclosure(client):
    story = with_lead_image(make_story(headline="Pictured"))
    make_story(headline="Words only")
    response = client.get("/feed/")
    assert b'xmlns:media="http://search.yahoo.com/mrss/"' in response.content
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    entries = {entry.title: entry for entry in feed.entries}
    card = story.lead_image.renditions["16:9"][-1]
    content = entries["Pictured"].media_content[0]
    assert content["url"] == "http://testserver" + default_storage.url(card["jpeg"])
    assert (content["width"], content["height"]) == ("1200", "675")
    assert content["medium"] == "image" and content["filesize"] == str(card["jpeg_bytes"])
    assert entries["Pictured"].media_credit[0]["content"] == "Photo: Kremlin press service"
    default = story.lead_image.picture("free").default
    assert entries["Pictured"].enclosures[0]["length"] == str(default["jpeg_bytes"])
    assert "media_content" not in entries["Words only"]


@pytest.mark.parametrize("url", ["/", "/feed/", "/stories/"])
def test_lead_images_add_no_query_to_lists(client, url):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    stories = [make_story(headline=f"Story {n}") for n in range(3)]
    queries()  # fills the per-process caches
    plain = queries()
    for story in stories:
        with_lead_image(story)
    queries()  # the stories changed: their cards are built again (tests/test_queries.py)
    assert queries() == plain
