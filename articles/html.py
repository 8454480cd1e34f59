"""The one rule for which HTML a story body may hold.

Editors paste from anywhere; readers must never run what they pasted. nh3 (a binding to the
Rust `ammonia` sanitiser) removes scripts, event handlers, styles and dangerous URL schemes.

Besides text, the body editor makes a few nodes, and this rule allows exactly their markup:
- a library image: `<figure data-image-id="12" data-layout="full|inset"></figure>`;
- an embed: `<figure data-embed="youtube" data-embed-id="…"></figure>` (articles/embeds.py);
- a table with a header row and a caption: `<figure class="table"><table>…</table>
  <figcaption>…</figcaption></figure>`;
- a pull quote: `<aside class="pull-quote"><p>…</p></aside>`;
- a related story: `<aside class="related-story" data-story-id="5"></aside>`;
- a divider: `<hr>`.
Their readers' markup is derived from these when the page is drawn (articles/body.py).
"""

import html
import re

import nh3

from . import embeds

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "s", "a", "h2", "h3", "h4",
    "blockquote", "ul", "ol", "li", "figure", "figcaption", "sub", "sup", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "aside",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "figure": {"data-image-id", "data-layout", "data-embed", "data-embed-id"},
    "aside": {"data-story-id"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_CLASSES = {"figure": {"table"}, "aside": {"pull-quote", "related-story"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LAYOUTS = ("full", "inset")
_NUMBER = re.compile(r"[1-9][0-9]{0,9}")
_SPAN = re.compile(r"[1-9][0-9]?")


def _attribute_value(tag, attribute, value):
    """Each data attribute only in the form the editor writes it (None drops it)."""
    checks = {
        "data-image-id": _NUMBER.fullmatch,
        "data-story-id": _NUMBER.fullmatch,
        "data-layout": lambda v: v in LAYOUTS,
        "data-embed": lambda v: v in embeds.PROVIDERS,
        "data-embed-id": embeds.ANY_ID.fullmatch,
        "colspan": _SPAN.fullmatch,
        "rowspan": _SPAN.fullmatch,
    }
    check = checks.get(attribute)
    return value if check is None or check(value) else None


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    attribute_filter=_attribute_value,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)
# Underline is not offered (readers take it for a link): underlined words become emphasis.
_UNDERLINE = re.compile(r"<(/?)u\b[^>]*>", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")
_BLOCK_END = re.compile(r"</(?:p|h[2-4]|li|blockquote|figcaption|th|td)>|<br\s*/?>|<hr\s*/?>")
_TAG = re.compile(r"<[^>]+>")


def sanitize_html(value: str) -> str:
    """Return `value` with everything but the allowed tags, attributes and URLs removed."""
    cleaned = _cleaner.clean(_UNDERLINE.sub(r"<\1em>", value or "")).strip()
    # The editor always leaves one empty paragraph behind; an empty body is "".
    return "" if _EMPTY_PARAGRAPH.match(cleaned) else cleaned


def paragraphs_to_html(paragraphs: list[str]) -> str:
    """Plain-text paragraphs to a sanitised HTML body."""
    return sanitize_html(
        "".join(f"<p>{html.escape(p.strip())}</p>" for p in paragraphs if p.strip())
    )


def html_to_text(value: str) -> str:
    """Plain text of a body, one paragraph per line (used for quote extraction and search)."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", value or "")))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


_LINK = re.compile(r"<a\b([^>]*)>(.*?)(?:</a>|$)", re.I | re.S)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def links_by_paragraph(value: str) -> list[list[tuple[str, str]]]:
    """The links of each paragraph of `html_to_text(value)`, as [(words, href), …] per line.

    The body is cut where html_to_text cuts it, so the lists line up with its lines (revision
    diffs use this to show a changed link address against its paragraph).
    """
    paragraphs = []
    for chunk in _BLOCK_END.split(value or ""):
        text = html_to_text(chunk)
        if not text:
            continue
        lines = text.split("\n")
        found = [[] for _ in lines]
        for attributes, inner in _LINK.findall(chunk):
            href = _HREF.search(attributes)
            href = html.unescape(next(filter(None, href.groups()), "")) if href else ""
            words = " ".join(html_to_text(inner).split())
            at = next((n for n, line in enumerate(lines) if words and words in line), 0)
            found[at].append((words, href))
        paragraphs += found
    return paragraphs
