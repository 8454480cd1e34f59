from django import template

from ..models import PublisherPolicies, unnamed_source_count

register = template.Library()


@register.filter
def unnamed_sources(quotes):
    """How many unnamed sources a story's (prefetched) confirmed quotes come from."""
    return unnamed_source_count(quotes)


@register.simple_tag
def publisher_policies():
    """`{% publisher_policies as policies %}`: the policy links (cached, no query)."""
    return PublisherPolicies.current()
