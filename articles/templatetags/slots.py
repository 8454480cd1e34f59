"""`{% slot "name" "template#partial" %}`: a part of a page rendered apart from the snapshot.

In a full render (previews, the reference render) the partial is rendered in place with the
page's context; in a snapshot (articles/snapshots) a marker is left, which the page fills per
request from its own cache: a fragment that changes with other stories than the page's own.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..snapshots.slots import marker

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name, partial):
    if context.get("slotted"):
        return mark_safe(marker(name))
    return render_to_string(partial, context.flatten())
