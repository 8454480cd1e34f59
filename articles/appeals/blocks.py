"""An appeal's block as pages show it, rendered once when the selection is cached.

Every page with an appeal shows the same block for it (what this reader sees is decided in the
browser), so the selection (selection.py) renders each appeal it caches, with and without the
appeals script, and pages only look the HTML up.
"""

from functools import cache

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html

PARTIAL = "articles/appeal_partials.html#appeal"


# Blocks of appeals shown with the bandit's weights (bandit.py), which change every few
# minutes: {(the block as cached, the weights, the day): the block with them}. Bounded.
_WEIGHTED = {}
WEIGHTED_LIMIT = 256


def appeal_html(appeal, with_script):
    """The appeal's block, followed by the appeals script if `with_script`."""
    rendered = getattr(appeal, "rendered", None)
    if rendered is None:
        key = getattr(appeal, "weighted_key", None)
        rendered = _WEIGHTED.get(key) if key is not None else None
        if rendered is None:
            rendered = tuple(
                render_to_string(PARTIAL, {"appeal": appeal, "with_script": script})
                for script in (False, True)
            )
            if key is not None:
                if len(_WEIGHTED) >= WEIGHTED_LIMIT:
                    _WEIGHTED.clear()
                _WEIGHTED[key] = rendered
        appeal.rendered = rendered
    return rendered[with_script]


def reweighted(appeal, shown, weights):
    """`shown` (a copy of the cached `appeal` with other weights) renders its own block, once
    per copy, weights and day (the donate link's reference names the day)."""
    from django.utils import timezone

    cached = getattr(appeal, "rendered", None)
    shown.rendered = None
    if cached is not None:
        shown.weighted_key = (cached[0], tuple(sorted(weights.items(), key=str)),
                              timezone.localdate())  # fmt: skip
    return shown


@cache  # the same tag for the life of the process (static names change only with a deploy)
def script_tag():
    """The appeals script on its own, for a page without an appeal block (a block brings it):
    the header's donate link and the article count need it too."""
    return format_html('<script src="{}" defer></script>', static("articles/appeals.js"))
