"""Durations in words, as appeals staff type and read them (articles/durations.py)."""

from datetime import timedelta

import pytest
from django import forms

from articles.durations import DurationInWordsField, describe_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 hours", timedelta(hours=6)),
        ("1 day", timedelta(days=1)),
        ("4 weeks", timedelta(weeks=4)),
        ("1 Day", timedelta(days=1)),
        ("a week", timedelta(weeks=1)),
        ("an hour", timedelta(hours=1)),
        ("1 day 12 hours", timedelta(hours=36)),
        ("1 day, 12 hours", timedelta(hours=36)),
        ("2 weeks and 3 days", timedelta(days=17)),
        ("1.5 days", timedelta(hours=36)),
        ("90 days", timedelta(days=90)),
        ("30 min", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("3 00:00:00", timedelta(days=3)),  # Django's own form, for anyone used to it
        ("24:00:00", timedelta(days=1)),
    ],
)
def test_durations_in_words_are_understood(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "soon", "6", "a fortnight-ish", "6 hours ago", "-1 day", "1 day 6", "3 months"]
)
def test_nonsense_is_not_a_duration(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(hours=6), "6 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(weeks=4), "4 weeks"),
        (timedelta(weeks=1), "1 week"),
        (timedelta(days=90), "90 days"),
        (timedelta(hours=36), "1 day 12 hours"),
        (timedelta(minutes=90), "1 hour 30 minutes"),
    ],
)
def test_durations_are_shown_in_words_that_read_back_the_same(duration, words):
    assert describe_duration(duration) == words
    assert parse_duration(words) == duration


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "Write a duration such as “6 hours”, “1 day” or “4 weeks”."),
        ("0 hours", "longer than nothing"),
        ("300 weeks", "longer than five years"),
    ],
)
def test_the_form_field_refuses_nonsense_with_an_example(text, message):
    with pytest.raises(forms.ValidationError) as refused:
        DurationInWordsField().clean(text)
    assert message in refused.value.messages[0]


def test_the_form_field_shows_a_saved_duration_in_words():
    assert DurationInWordsField().prepare_value(timedelta(days=28)) == "4 weeks"
    assert DurationInWordsField().prepare_value("typed, not yet valid") == "typed, not yet valid"
