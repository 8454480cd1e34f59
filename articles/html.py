"""The one rule for which HTML a story body may hold.

Editors paste from anywhere; readers must never run what they pasted. nh3 (a binding to the
Rust `ammonia` sanitiser) removes scripts, event handlers, styles and dangerous URL schemes.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "a", "h2", "h3", "h4",
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
_EMPTY_PARAGRAPH = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")
_BLOCK_END = re.compile(r"</(?:p|h[2-4]|li|blockquote|figcaption)>|<br\s*/?>|<hr\s*/?>")
_TAG = re.compile(r"<[^>]+>")


def sanitize_html(value: str) -> str:
    """Return `value` with everything but the allowed tags, attributes and URLs removed."""
    cleaned = _cleaner.clean(value or "").strip()
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
