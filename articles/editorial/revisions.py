"""Keep, compare and restore revisions of a story.

A revision is taken after every save (once bylines and tags are saved too), numbered with the
story's version, so "revision 7" is the story as version 7 left it. Comparing is a word-level
diff (difflib over word tokens) of headline, standfirst and body text. The body is matched
paragraph by paragraph, then sentence by sentence within changed paragraphs, and only changed
sentences are diffed word by word: that keeps a 5,000-word body fast (bench/revisions.py) and
the result readable.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..html import html_to_text, links_by_paragraph
from ..models import Revision, Story

# Words (with inner apostrophes), runs of whitespace, and single punctuation marks.
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|\s+|[^\w\s]")
# A sentence with its closing punctuation and the space after it (or the rest of the text).
_SENTENCE = re.compile(r"\S.*?(?:[.!?…]+[\"'’”»)]*(?:\s+|$)|$)", re.S)
_WORD_RUN = re.compile(r"(?:\S+\s*){1,100}")


def snapshot(story, user=None, summary=""):
    """Record `story` as it is now in the database, as revision number `story.version`."""
    revision, _ = Revision.objects.update_or_create(
        story=story, number=story.version, defaults=_values(story, user, summary)
    )
    return revision


def current_state(story):
    """The story as it stands, as an unsaved revision (for comparing with one)."""
    return Revision(story=story, number=story.version, **_values(story))


def _values(story, user=None, summary=""):
    bylines = list(story.bylines.select_related("author"))
    tags = list(story.tags.order_by("name"))
    section = story.section
    return {
        "user": user if user is not None and user.is_authenticated else None,
        "summary": summary[:200],
        "headline": story.headline,
        "slug": story.slug,
        "standfirst": story.standfirst,
        "body": story.body,
        "dateline": story.dateline,
        "seo_description": story.seo_description,
        "lead_image_id": story.lead_image_id,
        "lead_image_title": story.lead_image.title if story.lead_image else "",
        "status": story.status,
        "published_at": story.published_at,
        "withdraw_at": story.withdraw_at,
        "updated_at": story.updated_at,
        "section": {"id": section.pk, "name": section.name},
        "tags": [{"id": tag.pk, "name": tag.name} for tag in tags],
        "bylines": [
            {
                "author_id": b.author_id,
                "author": b.author.name,
                "role": b.role,
                "role_label": b.get_role_display(),
                "position": b.position,
            }
            for b in bylines
        ],
    }


def ensure_baseline(story_pk):
    """Before the first save through the CMS, keep the story as it was (imported, seeded…)."""
    if Revision.objects.filter(story_id=story_pk).exists():
        return
    story = Story.objects.select_related("section").filter(pk=story_pk).first()
    if story is not None:
        snapshot(story, summary="As it was before the first edit in the CMS")


# --- Comparing ---


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class LinkChange:
    """A link whose address changed, appeared or went: the words diff cannot show it."""

    paragraph: int  # numbered in the newer version (in the older one when `removed`)
    removed: bool  # the whole paragraph went
    text: str  # the link's words (the newer ones when both have them)
    old: str  # the old address, "" where there was no link
    new: str  # the new address, "" where the link was taken off


@dataclass
class Comparison:
    headline: str
    standfirst: str
    body: str
    body_changed: bool
    formatting_only: bool
    links: list
    other_changes: list


def compare(old, new):
    """Compare two revision-like objects (anything with the Revision's attributes)."""
    old_text, new_text = html_to_text(old.body), html_to_text(new.body)
    paragraphs, links = diff_body(old.body, new.body)
    flagged = {index for index, _ in links}
    return Comparison(
        headline=render_diff(diff_words(old.headline, new.headline)),
        standfirst=render_diff(diff_words(old.standfirst, new.standfirst)),
        body=render_paragraphs(paragraphs, flagged),
        body_changed=old_text != new_text,
        formatting_only=old_text == new_text and old.body != new.body and not links,
        links=[change for _, change in links],
        other_changes=_other_changes(old, new),
    )


def diff_words(old, new):
    """[(op, text)] with op "equal", "insert" or "delete", merged into runs."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    return _segments(_matcher(a, b), a, b)


def _matcher(a, b):
    # Whitespace is "junk": matches never start on it (they still extend across it), which
    # keeps difflib from trying every space against every other space.
    return SequenceMatcher(str.isspace, a, b, autojunk=False)


def _segments(matcher, a, b):
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "equal", "".join(a[i1:i2]))
        else:
            _append(segments, "delete", "".join(a[i1:i2]))
            _append(segments, "insert", "".join(b[j1:j2]))
    return segments


def diff_paragraphs(old_text, new_text):
    """One list of segments per paragraph: unchanged paragraphs whole, changed ones by word."""
    a, b = _lines(old_text), _lines(new_text)
    return [segments for i, j in _aligned(a, b) for segments in _diff_aligned(a, b, i, j)]


def diff_body(old_html, new_html):
    """The body's paragraph diff, and its link changes as (index of the shown paragraph,
    LinkChange). Both follow one alignment of the paragraphs, so a link change is reported
    against the paragraph it is shown in."""
    a, b = _lines(html_to_text(old_html)), _lines(html_to_text(new_html))
    links_a, links_b = links_by_paragraph(old_html), links_by_paragraph(new_html)
    paragraphs, links = [], []
    for i, j in _aligned(a, b):
        shown = _diff_aligned(a, b, i, j)
        old_links = links_a[i] if i is not None else []
        new_links = links_b[j] if j is not None else []
        index = len(paragraphs) + len(shown) - 1  # the newer copy when a pair is shown as two
        for text, old, new in _link_changes(old_links, new_links):
            number = j + 1 if j is not None else i + 1
            links.append((index, LinkChange(number, j is None, text, old, new)))
        paragraphs += shown
    return paragraphs, links


def _lines(text):
    return text.split("\n") if text else []


def _aligned(a, b):
    """Pair up the paragraphs of two versions: (old index, new index), None for a lone one."""
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            yield from zip(range(i1, i2), range(j1, j2), strict=True)
        elif tag == "delete":
            yield from ((i, None) for i in range(i1, i2))
        elif tag == "insert":
            yield from ((None, j) for j in range(j1, j2))
        else:
            for x, y in _pair_indexes(a[i1:i2], b[j1:j2]):
                yield (None if x is None else i1 + x), (None if y is None else j1 + y)


def _diff_aligned(a, b, i, j):
    """The shown paragraphs (one, or two for a rewrite) of one aligned pair."""
    if i is None:
        return [[("insert", b[j])]]
    if j is None:
        return [[("delete", a[i])]]
    if a[i] == b[j]:
        return [[("equal", a[i])]]
    return _diff_pair(a[i], b[j])


def _link_changes(old, new):
    """(words, old href, new href) for the links of one paragraph that changed address."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = old[i1:i2], new[j1:j2]
        # Links with the same words keep their pairing, so a moved address reads as a change.
        for x in range(max(len(before), len(after))):
            was = before[x] if x < len(before) else None
            now = after[x] if x < len(after) else None
            old_href, new_href = was[1] if was else "", now[1] if now else ""
            if old_href != new_href:
                yield (now or was)[0], old_href, new_href


def _diff_pair(old, new):
    """Sentences first, then words within changed sentences: the work stays near-linear even
    for one 5,000-word paragraph. A paragraph with nothing left in common is shown whole as
    removed and added, which reads better than confetti."""
    a, b = _sentences(old), _sentences(new)
    segments, shared = [], False
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            shared = True
            _append(segments, "equal", "".join(a[i1:i2]))
            continue
        for x, y in _pairs(a[i1:i2], b[j1:j2]):
            words = _word_segments(x, y) if x is not None and y is not None else None
            if words is None:
                _append(segments, "delete", x or "")
                _append(segments, "insert", y or "")
            else:
                shared = True
                for op, text in words:
                    _append(segments, op, text)
    if not shared:
        return [[("delete", old)], [("insert", new)]]
    return [segments]


def _sentences(text):
    """Sentences, with any run-on "sentence" cut into 100-word pieces to bound the work."""
    pieces = []
    for sentence in _SENTENCE.findall(text):
        if sentence.count(" ") > 200:
            pieces += _WORD_RUN.findall(sentence)
        else:
            pieces.append(sentence)
    return pieces


def _word_segments(old, new):
    """Word diff of two sentences, or None when they have too little in common."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = _matcher(a, b)
    return _segments(matcher, a, b) if matcher.ratio() >= 0.4 else None


def _pairs(old, new):
    """Align two runs of paragraphs or sentences: (old, new) pairs, None for a lone one."""
    for i, j in _pair_indexes(old, new):
        yield (None if i is None else old[i]), (None if j is None else new[j])


def _pair_indexes(old, new):
    """`_pairs` as indexes into `old` and `new`.

    Greedy with one step of look-ahead, so one inserted or removed item does not throw off
    the pairing of the rest.
    """
    i = j = 0
    while i < len(old) and j < len(new):
        if not _similar(old[i], new[j]):
            if j + 1 < len(new) and _similar(old[i], new[j + 1]):
                yield None, j
                j += 1
                continue
            if i + 1 < len(old) and _similar(old[i + 1], new[j]):
                yield i, None
                i += 1
                continue
        yield i, j
        i, j = i + 1, j + 1
    yield from ((x, None) for x in range(i, len(old)))
    yield from ((None, y) for y in range(j, len(new)))


def _similar(a, b):
    """Share at least half their words (a cheap upper bound, counted as multisets)."""
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).quick_ratio() >= 0.5


def _append(segments, op, text):
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


_MARKUP = {"equal": "{}", "insert": "<ins>{}</ins>", "delete": "<del>{}</del>"}


def render_diff(segments):
    return mark_safe("".join(_MARKUP[op].format(escape(text)) for op, text in segments))  # noqa: S308


_TEXT_MARKS = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}


def text_diff(old, new, limit=6):
    """The word diff of headline, standfirst and body as plain text (an e-mail's): changed
    fields and paragraphs only, removals in [-…-] and additions in {+…+}, as wdiff writes
    them; at most `limit` paragraphs, then how many more changed."""

    def mark(op, words):
        core = words.strip()
        if op == "equal" or not core:
            return words if op == "equal" else ""
        start = words[: len(words) - len(words.lstrip())]
        return start + _TEXT_MARKS[op].format(core) + words[len(start) + len(core) :]

    def text(segments):
        return "".join(mark(op, words) for op, words in segments)

    lines = [
        f"{label}: {text(diff_words(getattr(old, name), getattr(new, name)))}"
        for label, name in (("Headline", "headline"), ("Standfirst", "standfirst"))
        if getattr(old, name) != getattr(new, name)
    ]
    changed = [
        segments
        for segments in diff_body(old.body, new.body)[0]
        if {op for op, _ in segments} != {"equal"}
    ]
    lines += [f"Body: {text(segments)}" for segments in changed[:limit]]
    if len(changed) > limit:
        lines.append(f"… and {len(changed) - limit} more changed paragraphs.")
    return "\n\n".join(lines)


def render_paragraphs(paragraphs, flagged=()):
    """The body diff as HTML; paragraphs at indexes in `flagged` are marked as having a link
    that changed (listed under "Links")."""
    html = []
    for index, segments in enumerate(paragraphs):
        ops = {op for op, _ in segments}
        css = "diff-p" if ops == {"equal"} else f"diff-p diff-p--{'-'.join(sorted(ops))}"
        flag = ""
        if index in flagged:
            css += " diff-p--link"
            flag = '<span class="diff-link-flag">Link changed</span> '
        html.append(f'<p class="{css}">{flag}{render_diff(segments)}</p>')
    return mark_safe("".join(html))  # noqa: S308


def _other_changes(old, new):
    def when(value):
        return timezone.localtime(value).strftime("%d %b %Y %H:%M") if value else "—"

    def status(value):
        return Story.Status(value).label if value in Story.Status.values else value

    fields = [
        ("Dateline", lambda r: r.dateline or "—"),
        ("Section", lambda r: r.section.get("name", "—")),
        ("Tags", lambda r: r.tag_text() or "—"),
        ("Bylines", lambda r: r.byline_text() or "—"),
        ("Search description", lambda r: r.seo_description or "—"),
        ("Lead image", lambda r: r.lead_image_title or "—"),
        ("Slug", lambda r: r.slug),
        ("Status", lambda r: status(r.status)),
        ("Publication time", lambda r: when(r.published_at)),
        ("Withdrawal time", lambda r: when(r.withdraw_at)),
        ("Updated for readers", lambda r: when(r.updated_at)),
    ]
    return [FieldChange(label, get(old), get(new)) for label, get in fields if get(old) != get(new)]
