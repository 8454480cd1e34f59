"""Template tags that place donation appeals on public pages: they only render.

The view chooses the page's appeals (articles/appeals/selection.py) and passes them as
`appeals`; `{% appeal appeals.end %}` renders one (or nothing), and
`{% body_with_appeal story appeals.inline %}` a story body with its inline appeal, if any,
after paragraph N.
"""

import re

from django import template
from django.utils.safestring import mark_safe

from ..appeals.blocks import appeal_html, script_tag
from ..snapshots.slots import AppealSlot, SlotAppeals, inline_slots, marker

register = template.Library()


def render_appeal(context, appeal):
    if not appeal or context.get("preview"):
        return ""
    if isinstance(appeal, AppealSlot):  # a snapshot: the page fills it (articles/snapshots)
        return mark_safe(appeal.marker)
    # The script tag goes out once per page however many appeals it holds.
    first = "appeals_script" not in context.render_context
    context.render_context["appeals_script"] = True
    return appeal_html(appeal, first)


@register.simple_tag(takes_context=True)
def appeal(context, appeal):
    """One of the page's appeals (`appeals.end`, `appeals.banner`), or nothing."""
    return render_appeal(context, appeal)


@register.simple_tag(takes_context=True)
def appeals_script(context):
    """The appeals script, on a page that shows no appeal block (each block brings it)."""
    appeals = context.get("appeals")
    if appeals is SlotAppeals:  # a snapshot: known only when the page's appeals are
        return mark_safe(marker("appeal:script"))
    return "" if appeals else script_tag()


@register.simple_tag(takes_context=True)
def body_with_appeal(context, story, appeal):
    """The story's body, with the inline appeal (if any) after its Nth paragraph."""
    body = story.reader_body
    if isinstance(appeal, AppealSlot) and not context.get("preview"):
        return mark_safe(inline_slots(body, insertion_point))
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


@register.filter
def donate_href(appeal, variant=None):
    """The donation URL with the signed reference of this appeal and copy (references.py)."""
    from ..appeals import references

    if not appeal.pk or not appeal.donation_url:
        return appeal.donation_url or "#"
    ref = references.sign(appeal.pk, getattr(variant, "pk", None), appeal.placement, _today())
    return references.with_reference(appeal.donation_url, ref)


@register.filter
def holdback_ref(appeal):
    """The reference the site's donate link carries for a reader held back from `appeal`."""
    from ..appeals import references

    if not appeal.pk:
        return ""
    return references.sign(appeal.pk, None, appeal.placement, _today(), holdback=True)


def _today():
    from django.utils import timezone

    return timezone.localdate()


COUNT_PARAGRAPH = re.compile(r"<p>((?:(?!</p>).)*?\{count\}(?:(?!</p>).)*?)</p>", re.S)


@register.filter
def with_article_count(body):
    """An appeal body whose paragraphs with "{count}" wait, hidden, for the script to fill
    in the reader's own count (kept in their browser, never sent)."""
    return mark_safe(COUNT_PARAGRAPH.sub(r"<p data-article-count hidden>\1</p>", body or ""))


@register.simple_tag
def reminder_months(count=6):
    """(value, label) for the next `count` months, the choices of "Remind me in …"."""
    from datetime import date

    today = _today()
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        first = date(year, month, 1)
        months.append((f"{first:%Y-%m}", f"{first:%B %Y}"))
    return months


@register.simple_tag
def reminder_consent():
    from ..appeals.reminders import consent_text

    return consent_text()
