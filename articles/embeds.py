"""Embeds: a pasted URL becomes a provider and an id; readers' markup is derived from those.

Nothing pasted is ever stored as HTML. The body keeps `<figure data-embed="youtube"
data-embed-id="…">`, and `articles/body.py` turns it into a click-to-load facade: a
placeholder with a link to the original and a button, so no third-party request is made until
the reader asks (static/articles/embeds.js then swaps in the provider's frame). The CSP allows
each provider's frame origin and nothing else of theirs (settings.SECURE_CSP, frame-src).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class Provider:
    name: str  # what readers and editors see
    kind: str  # "video", "post", "audio": the facade's words
    id_pattern: str  # a valid id, whole
    urls: tuple  # regexes over "host/path?query" (host without "www." or "m.")
    frame: str  # the frame's address, with {id} (and {quoted} for the id URL-quoted)
    link: str  # the original, for readers who would rather go there
    frame_height: int  # for posts and audio, whose frames are not 16:9

    def frame_url(self, embed_id):
        return self.frame.format(id=embed_id, quoted=quote(embed_id, safe=""))

    def link_url(self, embed_id):
        return self.link.format(id=embed_id)

    @property
    def frame_origin(self):
        parts = urlsplit(self.frame)
        return f"{parts.scheme}://{parts.netloc}"


_YT = r"(?P<id>[A-Za-z0-9_-]{11})"
PROVIDERS = {
    "youtube": Provider(
        "YouTube",
        "video",
        r"[A-Za-z0-9_-]{11}",
        (
            rf"youtube\.com/watch\?(?:.*&)?v={_YT}(?:[&#].*)?",
            rf"youtu\.be/{_YT}(?:[?#].*)?",
            rf"youtube(?:-nocookie)?\.com/(?:embed|shorts|live|v)/{_YT}(?:[/?#].*)?",
        ),
        "https://www.youtube-nocookie.com/embed/{id}?autoplay=1",
        "https://www.youtube.com/watch?v={id}",
        0,
    ),
    "vimeo": Provider(
        "Vimeo",
        "video",
        r"[0-9]{1,12}",
        (
            r"vimeo\.com/(?:channels/[\w-]+/|groups/[\w-]+/videos/)?(?P<id>[0-9]{1,12})(?:[/?#].*)?",
            r"player\.vimeo\.com/video/(?P<id>[0-9]{1,12})(?:[/?#].*)?",
        ),
        "https://player.vimeo.com/video/{id}?autoplay=1",
        "https://vimeo.com/{id}",
        0,
    ),
    "x": Provider(
        "X (Twitter)",
        "post",
        r"[0-9]{1,20}",
        (
            r"(?:twitter|x)\.com/(?:[A-Za-z0-9_]{1,15}|i/web)/status(?:es)?/(?P<id>[0-9]{1,20})(?:[/?#].*)?",
        ),
        "https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
        "https://x.com/i/status/{id}",
        560,
    ),
    "telegram": Provider(
        "Telegram",
        "post",
        r"[A-Za-z][A-Za-z0-9_]{3,31}/[0-9]{1,10}",
        (
            r"(?:t\.me|telegram\.me)/(?:s/)?(?P<id>[A-Za-z][A-Za-z0-9_]{3,31}/[0-9]{1,10})(?:[?#].*)?",
        ),
        "https://t.me/{id}?embed=1",
        "https://t.me/{id}",
        480,
    ),
    "instagram": Provider(
        "Instagram",
        "post",
        r"[A-Za-z0-9_-]{5,40}",
        (
            r"instagram\.com/(?:[A-Za-z0-9_.]+/)?(?:p|reel|tv)/(?P<id>[A-Za-z0-9_-]{5,40})(?:[/?#].*)?",
        ),
        "https://www.instagram.com/p/{id}/embed/",
        "https://www.instagram.com/p/{id}/",
        640,
    ),
    "soundcloud": Provider(
        "SoundCloud",
        "audio",
        r"[A-Za-z0-9_-]{1,100}/[A-Za-z0-9_-]{1,200}",
        (r"soundcloud\.com/(?P<id>[A-Za-z0-9_-]{1,100}/[A-Za-z0-9_-]{1,200})/?(?:[?#].*)?",),
        "https://w.soundcloud.com/player/?url=https%3A//soundcloud.com/{quoted}&auto_play=true",
        "https://soundcloud.com/{id}",
        166,
    ),
}
_COMPILED = {
    name: [re.compile(pattern) for pattern in provider.urls] for name, provider in PROVIDERS.items()
}
# Any provider's id, as the sanitiser checks it before the provider is known.
ANY_ID = re.compile(r"[A-Za-z0-9_/-]{1,300}")
NAMES = ", ".join(p.name for p in PROVIDERS.values())


class UnknownEmbed(ValueError):
    """A URL that is not a post or video of a provider the newsroom embeds."""


def parse(url):
    """(provider, id) for a pasted URL; UnknownEmbed with a message an editor can act on."""
    url = (url or "").strip()
    parts = urlsplit(url if "//" in url else f"https://{url}")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UnknownEmbed(f"Paste the address of a post or video from {NAMES}.")
    host = parts.netloc.lower().split("@")[-1].split(":")[0]
    host = re.sub(r"^(?:www\.|m\.|mobile\.|music\.)", "", host)
    target = host + parts.path + (f"?{parts.query}" if parts.query else "")
    for name, patterns in _COMPILED.items():
        for pattern in patterns:
            if match := pattern.fullmatch(target):
                return name, match.group("id")
    raise UnknownEmbed(
        f"“{url[:100]}” is not a post or video the newsroom can embed. Paste its address "
        f"from {NAMES}."
    )


def valid(provider, embed_id):
    """Whether a stored provider and id are ones the newsroom would have produced."""
    known = PROVIDERS.get(provider)
    return known is not None and re.fullmatch(known.id_pattern, embed_id or "") is not None


def frame_origins():
    """Every provider's frame origin, for the CSP's frame-src."""
    return sorted({provider.frame_origin for provider in PROVIDERS.values()})
