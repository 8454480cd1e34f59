"""What a confirmed quote was checked against: earlier quotes with (almost) the same words."""

from django.db import models

from .sources import Quote


class QuoteMatch(models.Model):
    """Found when a quote was confirmed: the same words were confirmed before, from the same
    source (reuse: common, but editors should know) or from someone else (a warning)."""

    class Kind(models.TextChoices):
        REUSE = "reuse", "Said almost the same before"
        MISATTRIBUTION = "misattribution", "Attributed to someone else before"

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="record_matches")
    earlier = models.ForeignKey(
        Quote, on_delete=models.CASCADE, related_name="+", help_text="The earlier quote."
    )
    kind = models.CharField(max_length=14, choices=Kind)
    similarity = models.PositiveSmallIntegerField(help_text="0–100: how alike the words are.")
    checked = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-kind", "-similarity", "pk")  # warnings first
        constraints = [
            models.UniqueConstraint(fields=["quote", "earlier"], name="quote_match_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.similarity} %)"

    @property
    def is_warning(self):
        return self.kind == self.Kind.MISATTRIBUTION


class QuoteShingle(models.Model):
    """A hash of three words in a row of a confirmed quote: quotes sharing some are the ones
    worth comparing, found by index whatever the size of the archive."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="shingles")
    hash = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["hash"], name="quote_shingle_hash_idx")]
        constraints = [models.UniqueConstraint(fields=["quote", "hash"], name="quote_shingle_once")]

    def __str__(self):
        return f"{self.hash:x}"
