from django import template

from ..structured_data import json_ld, lead_image, news_article

register = template.Library()


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, story):
    return json_ld(news_article(story, context["request"]))


@register.simple_tag(takes_context=True)
def lead_image_object(context, story):
    """`{% lead_image_object story as image %}`: the ImageObject the JSON-LD carries, or None."""
    return lead_image(story, context["request"])


@register.filter
def corrections_of_kind(story, kind):
    """The story's (prefetched) corrections of one kind: "correction" or "clarification"."""
    return [c for c in story.corrections.all() if c.kind == kind]
