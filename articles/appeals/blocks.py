"""An appeal's block as pages show it, rendered once when the selection is cached.

Every page with an appeal shows the same block for it (what this reader sees is decided in the
browser), so the selection (selection.py) renders each appeal it caches, with and without the
appeals script, and pages only look the HTML up.
"""

from django.template.loader import render_to_string

PARTIAL = "articles/appeal_partials.html#appeal"


def appeal_html(appeal, with_script):
    """The appeal's block, followed by the appeals script if `with_script`."""
    rendered = getattr(appeal, "rendered", None)
    if rendered is None:
        rendered = appeal.rendered = tuple(
            render_to_string(PARTIAL, {"appeal": appeal, "with_script": script})
            for script in (False, True)
        )
    return rendered[with_script]
