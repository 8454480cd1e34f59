"""RSS feeds: the whole site, each section, tag and author (latest 50 published stories)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed

from .caching import declare
from .caching.invalidation import STORIES, facet
from .editorial import pending
from .models import Author, Byline, Section, Story, Tag

FEED_SIZE = 50


class NewsRssFeed(Rss201rev2Feed):
    """RSS 2.0 with every author as `dc:creator`, the last update as `atom:updated` and the
    lead image as Media RSS `media:content` (with its alt text, caption and credit).

    Plain RSS has one `author` element that must be an e-mail address; news readers
    understand Dublin Core creators instead, one per author (and no item author name, which
    Django would write as one more `dc:creator` holding every name).
    """

    def rss_attributes(self):
        return super().rss_attributes() | {
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
            "xmlns:media": "http://search.yahoo.com/mrss/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("creators", ()):
            handler.addQuickElement("dc:creator", name)
        if item.get("updateddate"):
            handler.addQuickElement("atom:updated", item["updateddate"].isoformat())
        if media := item.get("media"):
            attributes = {"url": media["url"], "medium": "image", "type": "image/jpeg"}
            attributes |= {k: str(media[k]) for k in ("width", "height", "fileSize") if media[k]}
            handler.startElement("media:content", attributes)
            handler.addQuickElement("media:description", media["alt"], {"type": "plain"})
            if media["caption"]:
                handler.addQuickElement("media:title", media["caption"], {"type": "plain"})
            if media["credit"]:
                handler.addQuickElement("media:credit", media["credit"])
            handler.endElement("media:content")


class LatestStoriesFeed(Feed):
    feed_type = NewsRssFeed
    description_template = None

    def title(self, obj=None):
        return settings.SITE_NAME

    def link(self, obj=None):
        return "/"

    def description(self, obj=None):
        return f"The latest stories from {settings.SITE_NAME}."

    def stories(self, obj):
        return Story.objects.published()

    def items(self, obj=None):
        # A scheduled update whose go-live time has come is what readers see (editorial/pending).
        return pending.overlay_due(list(self.stories(obj).for_display()[:FEED_SIZE]))

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.standfirst or item.description

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at if item.shows_updated else item.published_at

    def item_categories(self, item):
        return [item.section.name]

    def item_enclosures(self, item):
        """The lead image's default copy (or its original until copies exist)."""
        image = item.lead_image
        if image is None:
            return []
        picture = image.picture("free")
        if picture.built:
            return [Enclosure(picture.src, str(picture.default["jpeg_bytes"]), "image/jpeg")]
        return []

    def surface(self, obj):
        """The lists this feed shows (caching/invalidation.py)."""
        return STORIES

    def get_feed(self, obj, request):
        self.request = request
        declare(request, self.surface(obj))
        feed = super().get_feed(obj, request)
        # Django makes item links absolute but not enclosures, and RSS needs them absolute.
        for item in feed.items:
            item["enclosures"] = [
                Enclosure(request.build_absolute_uri(e.url), e.length, e.mime_type)
                for e in item["enclosures"]
            ]
        return feed

    def item_extra_kwargs(self, item):
        return {
            "creators": list(dict.fromkeys(b.author.name for b in item.bylines.all())),
            "media": self._media(item),
        }

    def _media(self, item):
        image = item.lead_image
        if image is None:
            return None
        picture = image.picture("16:9")
        if not picture.built:
            picture = image.picture("free")
        return {
            "url": self.request.build_absolute_uri(picture.largest_url),
            "width": picture.width,
            "height": picture.height,
            "fileSize": picture.largest["jpeg_bytes"] if picture.built else None,
            "alt": image.alt_text,
            "caption": image.caption,
            "credit": image.credit,
        }


class SectionFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or f"The latest {obj.name} stories from {settings.SITE_NAME}."

    def stories(self, obj):
        return Story.objects.published().filter(section=obj)

    def surface(self, obj):
        return facet("section", obj.pk)


class AuthorFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj):
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The latest stories by {obj.name} for {settings.SITE_NAME}."

    def stories(self, obj):
        bylined = Byline.objects.filter(author=obj).values("story")
        return Story.objects.published().filter(pk__in=bylined)

    def surface(self, obj):
        return facet("author", obj.pk)


class TagFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The latest stories tagged {obj.name} from {settings.SITE_NAME}."

    def stories(self, obj):
        tagged = Story.tags.through.objects.filter(tag=obj).values("story_id")
        return Story.objects.published().filter(pk__in=tagged)

    def surface(self, obj):
        return facet("tag", obj.pk)
