"""Template tags that place donation appeals on public pages.

`{% appeal_slot "end" story %}` and `{% appeal_slot "banner" %}` render the chosen appeal (or
nothing); `{% body_with_appeal story %}` renders a story body with its inline appeal, if any, after
paragraph N. The selection is `Appeal.objects.for_story` / `for_page`, computed once per page.
"""

import re

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..models import Appeal, Section

register = template.Library()

PARTIAL = "articles/appeal_partials.html#appeal"
_CONTAINER = re.compile(r"<(/?)(p|blockquote|ul|ol|figure)\b[^>]*>", re.IGNORECASE)


def page_appeals(context, story=None):
    """The page's appeals, memoised on the story (or the render) so a page selects once."""
    if story is not None:
        if not hasattr(story, "_page_appeals"):
            story._page_appeals = Appeal.objects.for_story(story)
        return story._page_appeals
    section = context.get("section")
    section = section if isinstance(section, Section) else None
    key = ("page_appeals", section.pk if section else None)
    if key not in context.render_context:
        context.render_context[key] = Appeal.objects.for_page(section)
    return context.render_context[key]


def render_appeal(context, appeal):
    if appeal is None or context.get("preview"):
        return ""
    # The script tag goes out once per page however many appeals it holds.
    first = "appeals_script" not in context.render_context
    context.render_context["appeals_script"] = True
    return render_to_string(PARTIAL, {"appeal": appeal, "with_script": first})


@register.simple_tag(takes_context=True)
def appeal_slot(context, placement, story=None):
    """The appeal for `placement` ("end", "banner") on this page, or nothing."""
    return render_appeal(context, getattr(page_appeals(context, story), placement))


@register.simple_tag(takes_context=True)
def body_with_appeal(context, story):
    """The story's body, with the inline appeal (if any) after its Nth paragraph."""
    body = story.body
    appeal = page_appeals(context, story).inline
    html = render_appeal(context, appeal)
    if not html:
        return mark_safe(body)
    at = insertion_point(body, appeal.inline_after or 1)
    return mark_safe(body[:at] + html + body[at:])


def insertion_point(body, after):
    """Offset just past the `after`-th top-level paragraph, or the end of the body.

    Only top-level paragraphs count, so the appeal never lands inside a list, quote or figure;
    and a paragraph ending in ":" stays with the block it introduces (a list, a quote, an
    embed…): the appeal goes after that block instead.
    """
    from html import unescape

    tags = re.compile(
        r"<(/?)(p|h[1-6]|blockquote|ul|ol|figure|div|table|pre|iframe|hr)\b[^>]*>", re.I
    )
    blocks, depth, start = [], 0, 0  # top-level blocks as (tag, start, end)
    for match in tags.finditer(body):
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag == "hr":
            if depth == 0:
                blocks.append((tag, match.start(), match.end()))
        elif not closing:
            start = match.start() if depth == 0 else start
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                blocks.append((tag, start, match.end()))

    def lead_in(tag, start, end):
        text = unescape(re.sub(r"<[^>]+>", "", body[start:end]))
        return tag == "p" and text.rstrip().endswith(":")

    paragraphs = [index for index, block in enumerate(blocks) if block[0] == "p"]
    if len(paragraphs) < after:
        return len(body)
    index = paragraphs[after - 1]
    while index + 1 < len(blocks) and lead_in(*blocks[index]):
        index += 1
    return blocks[index][2]


@register.filter
def seconds(duration):
    """A timedelta as whole seconds, for the script's data attributes."""
    return int(duration.total_seconds()) if duration else 0
