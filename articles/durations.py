"""Durations in words: "6 hours", "1 day", "4 weeks", "1 day 12 hours".

Staff type them so into the appeal form (and read them so back); Django's own "1 00:00:00"
is accepted too, for anyone used to it. A number without a unit, or a unit nobody uses,
is refused with an example rather than guessed at.
"""

import re
from datetime import timedelta

from django import forms
from django.utils.dateparse import parse_duration as parse_django_duration

UNITS = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
ALIASES = {
    "s": "second", "sec": "second", "secs": "second",
    "m": "minute", "min": "minute", "mins": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour",
    "d": "day", "w": "week", "wk": "week", "wks": "week",
}  # fmt: skip
LONGEST = timedelta(days=5 * 365)
EXAMPLES = "“6 hours”, “1 day” or “4 weeks”"

_PART = re.compile(r"(?:(\d+(?:[.,]\d+)?)\s*|\b(an?)\s+)([a-z]+)\b")
_FILLER = re.compile(r"[\s,]+|\band\b")


def _unit(word):
    word = ALIASES.get(word, word)
    return UNITS.get(word) or UNITS.get(word.removesuffix("s"))


def parse_duration(text):
    """A timedelta for "6 hours", "1 day 12 hours", "1.5 days", "a week"…; None if `text` is
    not a duration in words (nor in Django's "D HH:MM:SS")."""
    text = (text or "").strip().lower()
    if not text:
        return None
    total, end = timedelta(0), 0
    for match in _PART.finditer(text):
        if _FILLER.sub("", text[end : match.start()]):
            return None  # something between the parts that is neither a space nor "and"
        number, article, word = match.groups()
        unit = _unit(word)
        if unit is None:
            return None
        amount = 1.0 if article else float(number.replace(",", "."))
        total += amount * unit
        end = match.end()
    if end and not _FILLER.sub("", text[end:]):
        return total
    # Django's "D HH:MM:SS" (never a bare number: "6" could mean anything).
    return parse_django_duration(text) if end == 0 and ":" in text else None


def describe_duration(value):
    """ "4 weeks", "1 day 12 hours", "90 days": whole weeks when it is, else days, hours,
    minutes and seconds, largest first."""
    if value is None:
        return ""
    seconds = round(value.total_seconds())
    if seconds and seconds % (7 * 86400) == 0:
        return _plural(seconds // (7 * 86400), "week")
    parts = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(_plural(count, name))
    return " ".join(parts) or "0 seconds"


def _plural(count, name):
    return f"{count} {name}" if count == 1 else f"{count} {name}s"


class DurationInWordsField(forms.Field):
    """A form field for a model DurationField, typed and shown in words."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": f"Write a duration such as {EXAMPLES}.",
        "not_positive": "A duration must be longer than nothing, e.g. “1 hour”.",
        "too_long": "That is longer than five years; write a shorter duration.",
    }

    def prepare_value(self, value):
        return describe_duration(value) if isinstance(value, timedelta) else value

    def to_python(self, value):
        if isinstance(value, timedelta) or value in self.empty_values:
            return value or None
        duration = parse_duration(str(value))
        if duration is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return duration

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value <= timedelta(0):
            raise forms.ValidationError(self.error_messages["not_positive"], code="not_positive")
        if value > LONGEST:
            raise forms.ValidationError(self.error_messages["too_long"], code="too_long")

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True
