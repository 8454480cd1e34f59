"""Index the confirmed quotes the record check cannot find yet (those confirmed before it)."""

from django.core.management.base import BaseCommand

from articles.models import Quote
from articles.sources import record


class Command(BaseCommand):
    help = (
        "Make every confirmed quote findable by the record check (quotes confirmed from now on "
        "are indexed when they are confirmed). Run once after upgrading; safe to run again."
    )

    def handle(self, *args, **options):
        missing = Quote.objects.confirmed().filter(shingles__isnull=True).order_by("pk")
        count = 0
        for quote in missing.iterator(chunk_size=500):
            record.index(quote)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} confirmed quote(s)."))
