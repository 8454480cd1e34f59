"""schema.org structured data for story pages (JSON-LD), built as plain dicts.

`news_article` is the one place the NewsArticle object is assembled; extend it here. It reads
only what the story page already prefetched (bylines, tags, corrections) and the publisher's
policies (cached), so it adds no query. The policies are the Trust Project's indicators: the
publisher is a NewsMediaOrganization carrying them, and the article its publishingPrinciples.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .html import html_to_text
from .models import PublisherPolicies

# schema.org property -> PublisherPolicies field, as the Trust Project names them.
POLICIES = {
    "publishingPrinciples": "publishing_principles",
    "correctionsPolicy": "corrections_policy",
    "unnamedSourcesPolicy": "unnamed_sources_policy",
    "diversityPolicy": "diversity_policy",
    "ethicsPolicy": "ethics_policy",
}

# The characters that could end or confuse a <script> element, as JSON escapes.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article(story, request):
    url = request.build_absolute_uri(story.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": story.headline,
        "description": story.description,
        "datePublished": story.published_at,
        "dateModified": story.updated_at or story.published_at,
        "articleSection": story.section.name,
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": request.build_absolute_uri(byline.author.get_absolute_url()),
            }
            for byline in story.bylines.all()
        ],
        "publisher": publisher(request),
    }
    if "publishingPrinciples" in data["publisher"]:
        data["publishingPrinciples"] = data["publisher"]["publishingPrinciples"]
    if images := lead_images(story, request):
        data["image"] = images
    keywords = [tag.name for tag in story.tags.all()]
    if keywords:
        data["keywords"] = keywords
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": f"{correction.get_kind_display()}: {correction.text}",
            "datePublished": correction.published_at,
            "url": request.build_absolute_uri(correction.get_absolute_url()),
        }
        for correction in story.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    if story.is_live_blog:
        data |= live_blog(story, url)
    return data


def live_blog(story, url):
    """A live story is a LiveBlogPosting: its coverage times and each update a BlogPosting.
    The updates are the ones the page shows (views.live_blog_context), so no query."""
    data = {"@type": "LiveBlogPosting", "coverageStartTime": story.live_since}
    if story.live_until:
        data["coverageEndTime"] = story.live_until
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": update.title or update.summary,
            "url": f"{url}#update-{update.pk}",
            "datePublished": update.published_at,
            "dateModified": update.modified,
            "articleBody": html_to_text(update.body),
            **({"author": {"@type": "Person", "name": update.by}} if update.by else {}),
        }
        for update in sorted(story.shown_updates, key=lambda u: u.published_at, reverse=True)
    ]
    return data


def publisher(request):
    """The publisher as a NewsMediaOrganization, with the policy links set in the admin."""
    policies = PublisherPolicies.current()
    data = {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
        # Google asks for a raster logo fitting 600x60 (replace the file with your own).
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static("articles/logo.png")),
            "width": 600,
            "height": 60,
        },
    }
    for name, field in POLICIES.items():
        if url := getattr(policies, field):
            data[name] = url
    return data


# Google asks for NewsArticle.image in 16:9, 4:3 and 1:1, each at least 1200 pixels wide.
STRUCTURED_SHAPES = ("16:9", "4:3", "1:1")


def lead_images(story, request):
    """The lead image as schema.org ImageObjects, one per shape Google asks for (16:9 first,
    which social cards use too), or the original alone until its crops are built; [] without
    one. Sizes come from the image's record: no file is opened."""
    image = story.lead_image
    if image is None:
        return []
    pictures = [image.picture(shape) for shape in STRUCTURED_SHAPES]
    pictures = [p for p in pictures if p.built] or [image.picture("free")]
    objects = []
    for picture in pictures:
        data = {"@type": "ImageObject", "url": request.build_absolute_uri(picture.largest_url)}
        if picture.width and picture.height:
            data.update(width=picture.width, height=picture.height)
        if image.caption:
            data["caption"] = image.caption
        if image.credit:
            data["creditText"] = image.credit
        objects.append(data)
    return objects


def lead_image(story, request):
    """The ImageObject social cards (Open Graph, Twitter) use: the first of `lead_images`."""
    return next(iter(lead_images(story, request)), None)


def json_ld(data):
    """A <script type="application/ld+json"> element, safe to put in any page."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
