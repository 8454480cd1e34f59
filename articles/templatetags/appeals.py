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
