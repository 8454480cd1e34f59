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
_CONTAINER = re.compile(r"<(/?)(p|blockquote|ul|ol|figure)\b[^>]*>", re.IGNORECASE)


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
    body = story.body
    html = render_appeal(context, appeal)
    if not html:
        return mark_safe(body)
    at = insertion_point(body, appeal.inline_after or 1)
    return mark_safe(body[:at] + html + body[at:])


def insertion_point(body, after):
    """Offset just past the `after`-th top-level paragraph, or the end of the body."""
    depth = paragraphs = 0
    for match in _CONTAINER.finditer(body):
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag != "p":
            depth += -1 if closing else 1
        elif closing and depth == 0:
            paragraphs += 1
            if paragraphs == after:
                return match.end()
    return len(body)


@register.filter
def seconds(duration):
    """A timedelta as whole seconds, for the script's data attributes."""
    return int(duration.total_seconds()) if duration else 0
