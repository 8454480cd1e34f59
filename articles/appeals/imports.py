"""Appeals read from imported story text (the seed's "A Message from …" block)."""

from ..html import paragraphs_to_html
from ..importing import ParsedAppeal
from ..models import Appeal


def save_parsed_appeal(parsed: ParsedAppeal, *, story=None) -> Appeal:
    """Turn an imported appeal block into an `Appeal`, word for word.

    A new appeal is a draft: staff add the donation URL and put it live. Importing the same
    block again returns the appeal made the first time instead of a copy.
    """
    copy = {
        "heading": parsed.heading[:200],
        "greeting": parsed.greeting[:200],
        "body": paragraphs_to_html(parsed.paragraphs),
        "remind_label": (parsed.remind_label or "Remind me later")[:80],
    }
    existing = Appeal.objects.filter(**copy).order_by("pk").first()
    if existing is not None:
        return existing
    name = parsed.heading if story is None else f"{parsed.heading} (from “{story.headline}”)"
    return Appeal.objects.create(
        name=name[:120], status=Appeal.Status.DRAFT, source_story=story, **copy
    )
