"""The publisher's policies, as readers and search engines find them (the Trust Project's
indicators in the NewsArticle and publisher JSON-LD)."""

from django.core.cache import cache
from django.db import models

CACHE_KEY = "publisher-policies"


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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(CACHE_KEY)

    def delete(self, *args, **kwargs):
        cache.delete(CACHE_KEY)
        return super().delete(*args, **kwargs)

    @classmethod
    def current(cls):
        """The policies, from the cache (story pages read them: no query per page)."""
        policies = cache.get(CACHE_KEY)
        if policies is None:
            policies = cls.objects.order_by("pk").first() or cls()
            cache.set(CACHE_KEY, policies, None)
        return policies
