"""The publisher's policies, as readers and search engines find them (the Trust Project's
indicators in the NewsArticle and publisher JSON-LD)."""

from django.db import models


class PublisherPolicies(models.Model):
    """One row: links to the newsroom's published policies. Empty links are left out."""

    publishing_principles = models.URLField(
        blank=True, help_text="Standards and ethics: how we work (schema.org publishingPrinciples)."
    )
    corrections_policy = models.URLField(blank=True, help_text="How we correct mistakes.")
    unnamed_sources_policy = models.URLField(
        blank=True, help_text="When we quote people without naming them, and why."
    )
    diversity_policy = models.URLField(
        blank=True, help_text="How we try to hear from a range of people."
    )
    ethics_policy = models.URLField(blank=True, help_text="Our code of ethics.")

    class Meta:
        verbose_name = "publisher policies"
        verbose_name_plural = "publisher policies"

    def __str__(self):
        return "Publisher policies"

    @classmethod
    def current(cls):
        """The policies, from the cache while the "site" surface keeps its version (story pages
        read them on every render: no query per page; a change bumps "site", articles/signals.py).
        """
        from ..caching.invalidation import SITE
        from ..caching.surfaces import cached

        return cached("publisher-policies", [SITE], cls._stored, None)

    @classmethod
    def _stored(cls):
        return cls.objects.order_by("pk").first() or cls()
