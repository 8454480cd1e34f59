"""An editor's decision on a quote: the one place quotes are confirmed or rejected.

No junk sources: extraction only *suggests* a speaker. A source record is created when an
editor confirms a quote to a name the registry does not have, and rejecting that quote again
removes the source it created (if nothing else uses it). A confirmed quote is checked
against the record (``record.record``); a rejected one leaves the record.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Quote, Source
from ..models.sources import name_key
from . import record
from .suggest import guess_kind, is_named

KINDS = {"person": Source.Kind.PERSON, "organisation": Source.Kind.ORGANISATION}


@transaction.atomic
def confirm(quote: Quote, source: Source | None = None, *, new_name: str = "", unnamed=False):
    """Confirm ``quote`` as said by ``source``, by a new source called ``new_name``, or by an
    unnamed source; without any of them, by the source it already has. Returns the quote's
    record findings (QuoteMatch rows)."""
    if unnamed:
        quote.source, quote.unnamed = None, True
    elif source is not None:
        quote.source, quote.unnamed = source, False
        learn_spelling(source, quote.speaker)
    elif new_name.strip():
        quote.source, quote.unnamed = create_source(quote, new_name.strip()), False
    elif quote.source is None and not quote.unnamed:
        raise ValidationError("Choose a source for this quote, or mark it as unnamed.")
    quote.status = Quote.Status.CONFIRMED
    quote.save()
    return record.record(quote)


@transaction.atomic
def reject(quote: Quote) -> None:
    """Reject a suggestion (or take back a confirmation): nothing of it stays behind."""
    _release(quote, Quote.Status.REJECTED)


@transaction.atomic
def back_to_suggested(quote: Quote) -> None:
    _release(quote, Quote.Status.SUGGESTED)


def settle(quote: Quote, previous_status: str | None) -> None:
    """After a form saved a quote whose status changed (the story's quote list, the quote's
    own page): the same bookkeeping as ``confirm`` and ``reject``."""
    if quote.status == previous_status:
        return
    if quote.status == Quote.Status.CONFIRMED:
        if quote.source is not None:
            learn_spelling(quote.source, quote.speaker)
        record.record(quote)
    else:
        _release(quote, quote.status)


def _release(quote: Quote, status: str) -> None:
    created = Source.objects.filter(pk=quote.source_id, created_by_confirmation=True).first()
    record.unindex(quote)
    if created and not created.quotes.exclude(pk=quote.pk).exists():
        quote.source = None  # the source existed only because this quote was confirmed
    quote.status = status
    quote.save(update_fields=["status", "source", "modified"])
    if created and quote.source is None:
        created.delete()


def create_source(quote: Quote, name: str) -> Source:
    """The source a confirmation creates, with what the story said about them."""
    if not is_named(name):
        raise ValidationError(
            f"“{name}” is not a name a source can have. Choose an existing source, or mark "
            "the quote as from an unnamed source."
        )
    kind = KINDS.get(quote.speaker_kind) or guess_kind(name)
    return Source.objects.create(
        name=name[:200],
        kind=kind,
        role=quote.described_as[:200],
        created_by_confirmation=True,
    )


def learn_spelling(source: Source, spelling: str) -> None:
    """A quote confirmed to a source under another spelling ("Yuri" for "Yury") adds it as
    an alias, so extraction matches it next time."""
    spelling = spelling.strip()
    if not is_named(spelling) or " " not in spelling:
        return
    known = {name_key(n) for n in [source.name, *source.alias_list()]}
    if name_key(spelling) not in known:
        source.aliases = "\n".join([*source.alias_list(), spelling])
        source.save(update_fields=["aliases", "match_names", "sound_keys", "modified"])
