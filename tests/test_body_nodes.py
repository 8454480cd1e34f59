"""The body's own nodes: library images, embeds, tables, pull quotes, related stories and
dividers. What the sanitiser keeps (exactly the editor's markup) and refuses, each embed
provider's URL forms, what readers get, and a page's queries with many of them."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import embeds
from articles.body import render
from articles.html import sanitize_html
from articles.models import ImageUse
from tests.factories import make_image, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(media_root):
    return media_root


# --- The sanitiser keeps exactly what the editor writes ---

EDITOR_MARKUP = [
    '<figure data-image-id="12" data-layout="full"></figure>',
    '<figure data-image-id="7" data-layout="inset"></figure>',
    '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"></figure>',
    '<figure data-embed="telegram" data-embed-id="meduzalive/91234"></figure>',
    '<figure data-embed="soundcloud" data-embed-id="artist/track-name"></figure>',
    '<figure class="table"><table><tbody><tr><th colspan="1" rowspan="1"><p>Year</p></th>'
    '<th colspan="2" rowspan="1"><p>Votes</p></th></tr><tr><td colspan="1" rowspan="1"><p>2024'
    "</p></td><td><p>51%</p></td></tr></tbody></table><figcaption>Results by year</figcaption>"
    "</figure>",
    '<aside class="pull-quote"><p>“We talked for two hours.”</p></aside>',
    '<aside class="related-story" data-story-id="5"></aside>',
    "<hr>",
]


@pytest.mark.parametrize("markup", EDITOR_MARKUP)
def test_every_node_the_editor_writes_survives_sanitising_unchanged(markup):
    assert sanitize_html(markup) == markup
    assert sanitize_html(sanitize_html(markup)) == markup


HOSTILE = [
    # (pasted, what may remain)
    ('<figure data-image-id="12 onload=alert(1)" data-layout="full"></figure>',
     '<figure data-layout="full"></figure>'),
    ('<figure data-image-id="12" data-layout="full" onclick="alert(1)"></figure>',
     '<figure data-image-id="12" data-layout="full"></figure>'),
    ('<figure data-image-id="12" data-layout="javascript:alert(1)"></figure>',
     '<figure data-image-id="12"></figure>'),
    ('<figure data-embed="evil" data-embed-id="x"></figure>',
     '<figure data-embed-id="x"></figure>'),
    ('<figure data-embed="youtube" data-embed-id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
     "</figure>", '<figure data-embed="youtube"></figure>'),
    ('<iframe src="https://evil.example/"></iframe><p>Text</p>', "<p>Text</p>"),
    ('<figure class="table evil" style="x"><table><tr><td onmouseover="x">a</td></tr></table>'
     "</figure>",
     '<figure class="table"><table><tbody><tr><td>a</td></tr></tbody></table></figure>'),
    ('<aside class="related-story" data-story-id="5;drop"></aside>',
     '<aside class="related-story"></aside>'),
    ('<aside class="pull-quote"><script>alert(1)</script><p>Hi</p></aside>',
     '<aside class="pull-quote"><p>Hi</p></aside>'),
    ('<td colspan="99999">x</td>', "x"),
    ('<figure data-image-id="3" data-layout="full"><img src=x onerror=alert(1)></figure>',
     '<figure data-image-id="3" data-layout="full"></figure>'),
]  # fmt: skip


@pytest.mark.parametrize(("pasted", "kept"), HOSTILE)
def test_hostile_markup_is_made_inert(pasted, kept):
    assert sanitize_html(pasted) == kept


# --- Embeds: each provider's URL forms, and refusals ---

EMBED_URLS = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
    ("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42", "youtube", "dQw4w9WgXcQ"),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?t=10", "youtube", "dQw4w9WgXcQ"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
    ("youtube.com/live/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "vimeo", "76979871"),
    ("https://vimeo.com/channels/staffpicks/76979871", "vimeo", "76979871"),
    ("https://player.vimeo.com/video/76979871?h=abc", "vimeo", "76979871"),
    ("https://twitter.com/KremlinRussia_E/status/1234567890123456789", "x", "1234567890123456789"),
    ("https://x.com/someone/status/1234567890123456789?s=20", "x", "1234567890123456789"),
    ("https://mobile.twitter.com/someone/statuses/123", "x", "123"),
    ("https://t.me/meduzalive/91234", "telegram", "meduzalive/91234"),
    ("https://t.me/s/meduzalive/91234", "telegram", "meduzalive/91234"),
    ("https://telegram.me/meduzalive/91234?single", "telegram", "meduzalive/91234"),
    ("https://www.instagram.com/p/C1a2B3c4D5e/", "instagram", "C1a2B3c4D5e"),
    ("https://instagram.com/reel/C1a2B3c4D5e/?igsh=x", "instagram", "C1a2B3c4D5e"),
    ("https://soundcloud.com/artist/track-name", "soundcloud", "artist/track-name"),
    ("https://m.soundcloud.com/artist/track-name?utm_source=x", "soundcloud", "artist/track-name"),
]


@pytest.mark.parametrize(("url", "provider", "embed_id"), EMBED_URLS)
def test_each_providers_url_forms_give_its_provider_and_id(url, provider, embed_id):
    assert embeds.parse(url) == (provider, embed_id)
    assert embeds.valid(provider, embed_id)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        "https://t.me/joinchat/abc",
        "https://vimeo.com/about",
        "<iframe src=https://www.youtube.com/embed/dQw4w9WgXcQ></iframe>",
        "",
    ],
)
def test_an_unknown_or_malformed_url_is_refused_with_a_message(url):
    with pytest.raises(embeds.UnknownEmbed) as refused:
        embeds.parse(url)
    assert "YouTube, Vimeo, X (Twitter), Telegram, Instagram, SoundCloud" in str(refused.value)


def test_the_editors_lookup_answers_with_the_provider_or_the_message(editor_client):
    url = reverse("admin:articles_image_embed")
    found = editor_client.get(url, {"url": "https://youtu.be/dQw4w9WgXcQ"})
    assert found.json() == {"provider": "youtube", "id": "dQw4w9WgXcQ", "name": "YouTube"}
    refused = editor_client.get(url, {"url": "https://evil.example/x"})
    assert refused.status_code == 400 and "not a post or video" in refused.json()["error"]


def test_the_editor_learns_a_body_images_title_words_and_thumbnail(editor_client):
    image = make_image(title="Summit hall", alt_text="An empty hall", caption="", credit="AP")
    about = editor_client.get(reverse("admin:articles_image_about", args=[image.pk])).json()
    assert about | {"thumbnail": None} == {
        "id": image.pk,
        "title": "Summit hall",
        "alt_text": "An empty hall",
        "caption": "",
        "credit": "AP",
        "thumbnail": None,
        "width": 1200,
        "height": 675,
        "url": f"/admin/articles/image/{image.pk}/change/",
    }
    assert about["thumbnail"].endswith(".480w.jpg")  # the smallest copy
    gone = editor_client.get(reverse("admin:articles_image_about", args=[image.pk + 1]))
    assert gone.status_code == 404 and "no longer in the library" in gone.json()["error"]
    # Only staff learn about the library.
    anonymous = Client().get(reverse("admin:articles_image_about", args=[image.pk]))
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous.url


def test_the_csp_allows_each_providers_frame_origin_and_nothing_else():
    assert sorted(settings.SECURE_CSP["frame-src"]) == embeds.frame_origins()


# --- What readers get ---


def test_an_embed_is_a_facade_with_no_third_party_address_but_its_frame_and_link():
    html = render('<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"></figure>')
    assert 'data-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in html
    assert "<iframe" not in html and "<script" not in html and "<img" not in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    assert "Play the video from YouTube" in html


def test_a_stored_embed_with_an_id_its_provider_would_not_give_is_dropped():
    assert render('<figure data-embed="youtube" data-embed-id="a/b"></figure>') == ""


def test_a_body_image_is_drawn_from_the_library_with_caption_credit_and_lazy_loading():
    image = make_image(caption="Delegates <b>arrive</b>", credit="Photo: AP")
    html = render(f'<figure data-image-id="{image.pk}" data-layout="inset"></figure>')
    assert 'class="body-image body-image--inset"' in html
    assert 'loading="lazy"' in html and 'type="image/webp"' in html
    assert "Delegates &lt;b&gt;arrive&lt;/b&gt;" in html and "Photo: AP" in html
    assert 'alt="Two presidents on a video call"' in html


def test_a_deleted_image_or_an_unpublished_related_story_leaves_nothing_behind():
    draft = make_story(status="draft", published_at=None)
    assert render('<figure data-image-id="999" data-layout="full"></figure>') == ""
    assert render(f'<aside class="related-story" data-story-id="{draft.pk}"></aside>') == ""


def test_a_related_story_is_its_card():
    other = make_story(headline="The earlier call")
    html = render(f'<aside class="related-story" data-story-id="{other.pk}"></aside>')
    assert "The earlier call" in html and other.get_absolute_url() in html


def test_alt_and_caption_xss_vectors_stay_text_on_the_page(client):
    image = make_image(
        alt_text='"><script>alert(1)</script>', caption="<img src=x onerror=alert(2)>"
    )
    story = make_story(lead_image=image)
    story.body = f'<figure data-image-id="{image.pk}" data-layout="full"></figure>'
    story.save()
    html = client.get(story.get_absolute_url()).text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_body_records_which_library_images_it_uses():
    a, b = make_image(title="A"), make_image(title="B")
    story = make_story()
    story.body = f'<figure data-image-id="{a.pk}" data-layout="full"></figure>'
    story.save()
    assert list(ImageUse.objects.values_list("image__title", flat=True)) == ["A"]
    story.body = (
        f'<figure data-image-id="{b.pk}" data-layout="full"></figure>'
        '<figure data-image-id="99999" data-layout="full"></figure>'
    )
    story.save()
    assert list(ImageUse.objects.values_list("image__title", flat=True)) == ["B"]


def test_a_story_with_20_images_and_5_embeds_costs_the_same_queries_as_with_one(client):
    images = [make_image(image_file_name(n), title=f"Photo {n}") for n in range(20)]
    one = make_story(headline="One image")
    one.body = f'<p>Text</p><figure data-image-id="{images[0].pk}" data-layout="full"></figure>'
    one.save()
    many = make_story(headline="Many images")
    providers = ["https://youtu.be/dQw4w9WgXcQ", "https://vimeo.com/76979871",
                 "https://x.com/a/status/123", "https://t.me/meduzalive/91234",
                 "https://soundcloud.com/artist/track"]  # fmt: skip
    parts = [
        f'<figure data-image-id="{i.pk}" data-layout="inset"></figure><p>Para</p>' for i in images
    ]
    for url in providers:
        provider, embed_id = embeds.parse(url)
        parts.append(f'<figure data-embed="{provider}" data-embed-id="{embed_id}"></figure>')
    many.body = "<p>Start</p>" + "".join(parts)
    many.save()

    def queries(story):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(story.get_absolute_url())
            assert response.status_code == 200
        return len(captured), response.text

    queries(one), queries(many)  # the first visits render the pages' snapshots
    few, _ = queries(one)
    lots, html = queries(many)
    assert lots == few
    assert html.count('class="body-image ') == 20 and html.count("data-embed-facade") == 5
    # The page loads the facade script; nothing third-party is requested before a click.
    assert "articles/embeds.js" in html
    assert not re.search(r'<(?:iframe|script)[^>]+src="https?://(?!testserver)', html)


def image_file_name(n):
    from tests.factories import image_file

    return image_file(f"photo{n}.png", size=(640, 360))
