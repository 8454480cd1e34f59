"""Builders shared by the tests: small, deterministic, overridable with keywords."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Author, Byline, Section, Story, Tag

_counter = itertools.count(1)


def make_section(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Section {n}")
    overrides.setdefault("slug", f"section-{n}")
    return Section.objects.create(**overrides)


def make_tag(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Tag {n}")
    overrides.setdefault("slug", f"tag-{n}")
    return Tag.objects.create(**overrides)


def make_author(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Author {n}")
    overrides.setdefault("slug", f"author-{n}")
    return Author.objects.create(**overrides)


def make_story(*, authors=(), tags=(), **overrides):
    """A published story (one hour old) unless told otherwise."""
    n = next(_counter)
    overrides.setdefault("headline", f"Story number {n}")
    overrides.setdefault("slug", f"story-number-{n}")
    overrides.setdefault("standfirst", f"The standfirst of story {n}.")
    overrides.setdefault("body", f"<p>First paragraph of story {n}.</p><p>Second paragraph.</p>")
    overrides.setdefault("status", Story.Status.PUBLISHED)
    overrides.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if "section" not in overrides:
        overrides["section"] = Section.objects.first() or make_section()
    story = Story.objects.create(**overrides)
    for position, author in enumerate(authors):
        Byline.objects.create(story=story, author=author, position=position)
    story.tags.set(tags)
    return story


@pytest.fixture
def editor(django_user_model):
    """A superuser: may do everything in the admin."""
    return django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
