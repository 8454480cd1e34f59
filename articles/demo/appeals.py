"""The seed story's donation appeal, live, for the demo site.

Its copy is the seed's word for word, except that it speaks for this site: the seed's
publication is replaced by SITE_NAME wherever it names itself.
"""

from django.conf import settings

from articles.appeals.imports import save_parsed_appeal
from articles.html import paragraphs_to_html
from articles.models import Appeal

# Plausible but not real: nothing in the tests or the demo ever requests it.
DEMO_DONATION_URL = "https://donate.example.org/monthly"
# Who the seed's appeal speaks for; the demo appeal speaks for SITE_NAME instead.
SEED_PUBLICATION = "The Moscow Times"


def demo_appeal_copy():
    """The demo appeal's fields as shipped."""
    from articles.demo import seed_story

    parsed = seed_story().appeal

    def ours(text):
        return text.replace(SEED_PUBLICATION, settings.SITE_NAME)

    return {
        "name": "Monthly support (seed story appeal)",
        "heading": ours(parsed.heading),
        "greeting": parsed.greeting,
        "body": paragraphs_to_html([ours(paragraph) for paragraph in parsed.paragraphs]),
        "cta_label": "Support us monthly",
        "donation_url": DEMO_DONATION_URL,
        "placement": Appeal.Placement.END,
        "status": Appeal.Status.LIVE,
    }


def demo_appeal(story):
    """The appeal imported from the seed story, if it has been."""
    return Appeal.objects.filter(source_story=story).order_by("pk").first()


def load_demo_appeal(story):
    """Create (or put back) the appeal that ends the seed story, and put it live."""
    from articles.demo import seed_story

    appeal = demo_appeal(story) or save_parsed_appeal(seed_story().appeal, story=story)
    for name, value in demo_appeal_copy().items():
        setattr(appeal, name, value)
    appeal.full_clean()
    appeal.save()
    return appeal
