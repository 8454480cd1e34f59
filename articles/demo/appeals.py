"""The seed story's donation appeal, live, word for word, for the demo site."""

from articles.appeals.imports import save_parsed_appeal
from articles.models import Appeal

# Plausible but not real: nothing in the tests or the demo ever requests it.
DEMO_DONATION_URL = "https://donate.example.org/monthly"


def load_demo_appeal(story):
    """Create (or refresh) the appeal that ends the seed story and put it live."""
    from articles.demo import seed_story

    appeal = save_parsed_appeal(seed_story().appeal, story=story)
    appeal.name = "Monthly support (seed story appeal)"
    appeal.cta_label = "Support us monthly"
    appeal.donation_url = DEMO_DONATION_URL
    appeal.placement = Appeal.Placement.END
    appeal.status = Appeal.Status.LIVE
    appeal.full_clean()
    appeal.save()
    return appeal
