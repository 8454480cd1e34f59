"""Template tags that place donation appeals on public pages: they only render.

The view chooses the page's appeals (articles/appeals/selection.py) and passes them as
`appeals`; `{% appeal appeals.end %}` renders one (or nothing), and
`{% body_with_appeal story appeals.inline %}` a story body with its inline appeal, if any,
after paragraph N.
"""

import re

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()

PARTIAL = "articles/appeal_partials.html#appeal"


def render_appeal(context, appeal):
    if not appeal or context.get("preview"):
        return ""
    # The script tag goes out once per page however many appeals it holds.
    first = "appeals_script" not in context.render_context
    context.render_context["appeals_script"] = True
    return render_to_string(PARTIAL, {"appeal": appeal, "with_script": first})


@register.simple_tag(takes_context=True)
def appeal(context, appeal):
    """One of the page's appeals (`appeals.end`, `appeals.banner`), or nothing."""
    return render_appeal(context, appeal)


@register.simple_tag(takes_context=True)
def body_with_appeal(context, story, appeal):
    """The story's body, with the inline appeal (if any) after its Nth paragraph."""
    body = story.reader_body
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
