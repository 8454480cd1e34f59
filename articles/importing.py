"""Reading stories from plain text in the seed's format.

The format: one paragraph per line; optionally, from a line "A Message from <Publication>:"
to the end, a donation appeal whose first line is the greeting and whose last line is the
"remind me later" label. The demo loader and the `import_story` command both read it here.
"""

import re
from dataclasses import dataclass, field

APPEAL_START = re.compile(r"^A Message from (?P<publication>.+?):\s*$")


class StoryFormatError(ValueError):
    """The text cannot be read as a story; the message says why."""


@dataclass(frozen=True)
class ParsedAppeal:
    """A donation appeal block, kept as read until the appeals model takes it."""

    publication: str
    greeting: str
    paragraphs: list[str] = field(default_factory=list)
    remind_label: str = ""

    @property
    def heading(self):
        return f"A Message from {self.publication}"


@dataclass(frozen=True)
class ParsedStory:
    paragraphs: list[str]
    appeal: ParsedAppeal | None = None


def parse_story_text(text: str) -> ParsedStory:
    """Split `text` into story paragraphs and an optional appeal, or raise StoryFormatError."""
    if "\x00" in text:
        raise StoryFormatError("The file holds binary data (NUL bytes), not plain text.")
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise StoryFormatError("The file is empty: there is no story to import.")
    appeal_at = next((i for i, line in enumerate(lines) if APPEAL_START.match(line)), None)
    paragraphs = lines if appeal_at is None else lines[:appeal_at]
    if not paragraphs:
        raise StoryFormatError("The file has no story paragraphs before its appeal block.")
    appeal = None if appeal_at is None else _parse_appeal(lines[appeal_at:])
    return ParsedStory(paragraphs=paragraphs, appeal=appeal)


def _parse_appeal(lines: list[str]) -> ParsedAppeal:
    publication = APPEAL_START.match(lines[0])["publication"]
    rest = lines[1:]
    if len(rest) < 3:
        raise StoryFormatError(
            "The appeal block needs a greeting, at least one paragraph and a last line "
            "such as “Remind me later.”"
        )
    return ParsedAppeal(
        publication=publication,
        greeting=rest[0],
        paragraphs=rest[1:-1],
        remind_label=rest[-1].rstrip("."),
    )
