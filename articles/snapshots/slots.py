"""Slots: places in a snapshot that are filled per request, marked by names between U+0001.

A control character no one types and HTML has no use for (NUL would be the obvious choice,
but PostgreSQL's jsonb cannot store it), and a marker is that character, a known name and the
character again, so a story's text cannot make one by accident. The appeals' slots are filled
in document order, which is the order a live render renders them in: the first appeal on the
page carries the script tag, exactly as `render_appeal` does it.
"""

import re

MARKER = re.compile("\x01([a-z0-9:-]+)\x01")
# Links in a snapshot are built for this origin and swapped for the reader's on the way out.
ORIGIN_HOST = "origin.snapshot.invalid"
ORIGIN = f"http://{ORIGIN_HOST}"


def marker(name):
    return f"\x01{name}\x01"


class AppealSlot:
    """Stands in for one placement's appeal while a snapshot is rendered."""

    def __init__(self, placement):
        self.placement = placement

    def __bool__(self):
        return True

    @property
    def marker(self):
        return marker(f"appeal:{self.placement}")


class SlotAppeals:
    """A page's `appeals` in a snapshot render: a slot in every placement."""

    banner, inline, end = AppealSlot("banner"), AppealSlot("inline"), AppealSlot("end")
    surfaces = ()


def inline_slots(body, insertion_point):
    """The body with a slot at the inline appeal's place for every `inline_after` value that
    gives a different place: "appeal:inline-N" after paragraph N, and "appeal:inline-more" for
    any N beyond the last paragraph."""
    paragraphs = len(re.findall(r"<p\b", body, re.I))
    places = {}
    for after in range(1, paragraphs + 1):
        places.setdefault(insertion_point(body, after), []).append(f"inline-{after}")
    places.setdefault(len(body), []).append("inline-more")
    pieces, start = [], 0
    for at in sorted(places):
        pieces += [body[start:at], *(marker(f"appeal:{name}") for name in places[at])]
        start = at
    pieces.append(body[start:])
    return "".join(pieces)


def fill(html, appeals, render, origin, script="", fragments=None):
    """`html` with its appeal slots filled from `appeals` (a PageAppeals) by `render(appeal,
    with_script)`, `script` where a page without appeals loads the appeals script, the other
    slots from `fragments` ({name: html}), and links pointed at `origin`."""
    inline = appeals.inline
    if inline is not None:
        inline_name = f"appeal:inline-{inline.inline_after or 1}"
        if marker(inline_name) not in html:
            inline_name = "appeal:inline-more"
    else:
        inline_name = None
    chosen = {"appeal:banner": appeals.banner, "appeal:end": appeals.end}
    fragments = fragments or {}
    untaken = [True]  # the first appeal rendered takes the script tag

    def one(match):
        name = match[1]
        if name == "appeal:script":
            return "" if appeals else script
        if name in fragments:
            return fragments[name]
        appeal = inline if name == inline_name else chosen.get(name)
        if appeal is None:
            return ""
        first, untaken[0] = untaken[0], False
        return render(appeal, first)

    html = MARKER.sub(one, html)
    return html.replace(ORIGIN, origin) if origin != ORIGIN else html
