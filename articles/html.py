"""The one rule for which HTML a story body may hold.

Editors paste from anywhere; readers must never run what they pasted. nh3 (a binding to the
Rust `ammonia` sanitiser) removes scripts, event handlers, styles and dangerous URL schemes.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "s", "a", "h2", "h3", "h4",
    "blockquote", "ul", "ol", "li", "figure", "figcaption", "sub", "sup", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)
# Underline is not offered (readers take it for a link): underlined words become emphasis.
_UNDERLINE = re.compile(r"<(/?)u\b[^>]*>", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")
_BLOCK_END = re.compile(r"</(?:p|h[2-4]|li|blockquote|figcaption)>|<br\s*/?>|<hr\s*/?>")
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
