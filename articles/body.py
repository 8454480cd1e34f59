"""A story body as readers get it, and which library images it uses.

The stored body is sanitised HTML (articles/html.py) whose images, embeds and related stories
are references: an id, a provider and an id. Here they become readers' markup, from the
library and from embeds.py, when the page is drawn: one query for all of a body's images and
one for its related stories, however many it has. The facade and figure markup is in
templates/articles/body_partials.html.
"""

import html
import re

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import embeds

_FIGURE = re.compile(r"<figure ([^>]*)>\s*</figure>")
_RELATED = re.compile(r'<aside class="related-story" ([^>]*)>\s*</aside>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
_IMAGE_ID = re.compile(r'<figure [^>]*data-image-id="(\d+)"')
_STORY_ID = re.compile(r'<aside class="related-story" [^>]*data-story-id="(\d+)"')


def image_ids(body):
    return sorted({int(pk) for pk in _IMAGE_ID.findall(body or "")})


def story_ids(body):
    return sorted({int(pk) for pk in _STORY_ID.findall(body or "")})


def record_image_uses(story):
    """Keep the library's record of the images the story's body shows in step with it."""
    from .models import Image, ImageUse

    wanted = set(Image.objects.filter(pk__in=image_ids(story.body)).values_list("pk", flat=True))
    uses = story.image_uses.all()
    have = set(uses.values_list("image_id", flat=True))
    if have - wanted:
        uses.filter(image_id__in=have - wanted).delete()
    ImageUse.objects.bulk_create(ImageUse(story=story, image_id=pk) for pk in wanted - have)


def _attributes(text):
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(text)}


def render(body):
    """The readers' HTML of a stored body (safe: everything in it was sanitised or is ours)."""
    from .models import Image, Story

    body = body or ""
    ids = image_ids(body)
    images = Image.objects.in_bulk(ids) if ids else {}
    related_ids = story_ids(body)
    related = Story.objects.published().for_display().in_bulk(related_ids) if related_ids else {}

    def figure(match):
        attributes = _attributes(match.group(1))
        if "data-image-id" in attributes:
            image = images.get(int(attributes["data-image-id"]))
            if image is None:
                return ""  # deleted from the library: the story reads on without it
            layout = attributes.get("data-layout", "full")
            return render_to_string(
                "articles/body_partials.html#body-image", {"image": image, "layout": layout}
            )
        provider, embed_id = attributes.get("data-embed"), attributes.get("data-embed-id")
        if provider is not None:
            if not embeds.valid(provider, embed_id):
                return ""
            known = embeds.PROVIDERS[provider]
            return render_to_string(
                "articles/body_partials.html#embed",
                {
                    "provider": known,
                    "key": provider,
                    "frame_url": known.frame_url(embed_id),
                    "link_url": known.link_url(embed_id),
                },
            )
        return match.group(0)

    def related_story(match):
        story = related.get(int(_attributes(match.group(1)).get("data-story-id", 0)))
        if story is None:
            return ""  # not (or no longer) public
        return render_to_string("articles/body_partials.html#related", {"story": story})

    return mark_safe(_RELATED.sub(related_story, _FIGURE.sub(figure, body)))  # noqa: S308
