"""The site's chrome around a page's own parts, rendered once per "site" version.

A page template extends base.html and fills some of its blocks. The shell is base.html with
those blocks left as holes: a template made from the names of the blocks the page fills,
rendered with the chrome (header, navigation, footer) and split at the holes. A page is then
the shell's pieces with the page's parts in the holes, the same text a full render gives. The
breaking-news strip is a slot of the shell, filled per request (`breaking_strip`): which strip
shows depends on the time, and the shell is kept until the site changes.
"""

import re
from functools import cache

from django.template import engines
from django.template.context import make_context
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode

from .. import front
from ..caching.invalidation import SITE
from ..caching.pages import BUILD
from ..caching.surfaces import cached
from .slots import marker

STRIP = "base.html#breaking-strip"
HOLE = re.compile("\x01hole:([a-z_]+)\x01")


@cache
def blocks(template_name):
    """The blocks `template_name` fills in the template it extends: {name: BlockNode}."""
    template = get_template(template_name).template
    extends = template.nodelist.get_nodes_by_type(ExtendsNode)[0]
    return template, extends.blocks


@cache
def _shell_template(template_name):
    template, filled = blocks(template_name)
    parent = template.nodelist.get_nodes_by_type(ExtendsNode)[0].parent_name.var
    holes = "".join(
        f"{{% block {name} %}}{marker(f'hole:{name}')}{{% endblock %}}" for name in filled
    )
    return engines["django"].from_string(f'{{% extends "{parent}" %}}{holes}')


def pieces(template_name, make_request, context=None):
    """The shell of `template_name`'s pages: [text, hole name, text, hole name, …, text].
    `make_request()` gives the request to render it with, called only when it is not cached.
    `context` is what the chrome shows that differs between pages of the template (one shell
    is kept for each), such as the section the navigation marks as current."""

    def render():
        values = (context or {}) | {"breaking_slot": marker("breaking")}
        html = _shell_template(template_name).render(values, make_request())
        return HOLE.split(html)

    variant = ":".join(f"{name}={value}" for name, value in sorted((context or {}).items()))
    return cached(f"shell:{BUILD}:{template_name}:{variant}", [SITE], render, None)


def render_blocks(template_name, context, request):
    """{block name: html} of the blocks `template_name` fills, rendered as a full render of
    the template renders them (a RequestContext bound to it, context processors included)."""
    template, filled = blocks(template_name)
    ctx = make_context(context, request)
    with ctx.render_context.push_state(template), ctx.bind_template(template):
        return {name: block.render(ctx) for name, block in filled.items()}


def render_page(request, template_name, context, make_request, chrome=None):
    """`template_name` rendered for `request`: its own blocks now, in the cached shell (see
    `pieces` for `chrome`), the breaking-news strip filled in. The same text as a full render."""
    html = assemble(
        pieces(template_name, make_request, chrome), render_blocks(template_name, context, request)
    )
    return html.replace(marker("breaking"), breaking_strip())


def breaking_strip():
    """The breaking-news strip showing now, for the shell's "breaking" slot ("" for none)."""
    strip = front.breaking()
    return get_template(STRIP).render({"breaking": strip}) if strip else ""


def assemble(shell, parts):
    """The page: the shell's pieces with `parts` ({block name: html}) in their holes."""
    return "".join(parts.get(piece, "") if i % 2 else piece for i, piece in enumerate(shell))
