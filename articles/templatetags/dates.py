"""`|iso`: a time as HTML's `<time datetime>` accepts it (and schema.org, Open Graph, feeds).

Django's `date:"c"` keeps microseconds ("12:30:05.123456+00:00"), six digits of fraction, which
HTML's datetime syntax refuses (at most three); readers' pages never need them.
"""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso(value):
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
