"""The addresses stories were public at before their current one, so old links keep working."""

from django.db import models

from .stories import Story


class FormerAddress(models.Model):
    """A story's earlier address (publication day and slug): readers who follow it are sent
    on (301) to where the story is now, or told it was withdrawn. Kept forever."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="former_addresses")
    published_on = models.DateField(help_text="The day in the address (the newsroom's time zone).")
    slug = models.SlugField(max_length=200, db_index=False)
    created = models.DateTimeField("left", auto_now_add=True)

    class Meta:
        verbose_name_plural = "former addresses"
        ordering = ("-created", "-pk")
        constraints = [
            # An address leads to one story: the last one to leave it.
            models.UniqueConstraint(fields=["published_on", "slug"], name="former_address_unique")
        ]

    def __str__(self):
        return f"/{self.published_on:%Y/%m/%d}/{self.slug}/"
