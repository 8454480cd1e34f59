"""Demo sources and the seed story's confirmed quotes. Safe to run again."""

from articles.models import Quote, Source
from articles.sources import confirm
from articles.sources.suggest import suggest_quotes

SOURCES = [
    {
        "slug": "vladimir-putin",
        "name": "Vladimir Putin",
        "kind": Source.Kind.PERSON,
        "aliases": "Vladimir Vladimirovich Putin\nPutin",
        "role": "President of Russia",
        "affiliation": "The Kremlin",
        "description": "President of Russia since 2012, and earlier from 2000 to 2008.",
        "contact_notes": "Requests go through the Kremlin press service, not his office.",
    },
    {
        "slug": "yury-ushakov",
        "name": "Yury Ushakov",
        "kind": Source.Kind.PERSON,
        "aliases": "Yuri Ushakov\nUshakov",
        "role": "foreign policy aide to the President",
        "affiliation": "The Kremlin",
        "description": "Kremlin foreign policy adviser and a former Russian ambassador to the "
        "United States.",
        "contact_notes": "Briefs reporters after calls between heads of state; ask the pool.",
    },
]
KREMLIN = {
    "slug": "the-kremlin",
    "name": "The Kremlin",
    "kind": Source.Kind.ORGANISATION,
    "aliases": "Kremlin\nKremlin press service",
    "role": "Office of the President of Russia",
    "affiliation": "",
    "description": "The Russian presidency's administration and press service in Moscow.",
    "contact_notes": "",
}


def load_demo_sources(seed):
    """Register the seed story's sources and confirm its quotes (as an editor would: each
    is checked against the record)."""
    for data in [*SOURCES, KREMLIN]:
        Source.objects.update_or_create(slug=data["slug"], defaults=data)
    suggest_quotes(seed)
    known = Source.objects.filter(slug__in=[d["slug"] for d in SOURCES] + [KREMLIN["slug"]])
    for quote in seed.quotes.filter(source__in=known, status=Quote.Status.SUGGESTED):
        confirm.confirm(quote)
