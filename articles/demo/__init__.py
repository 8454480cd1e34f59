"""Demo content: the seed story and a handful of short stories, loaded by `load_demo`."""

import json
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from articles.caching.invalidation import SITE
from articles.caching.surfaces import changed
from articles.html import paragraphs_to_html
from articles.importing import parse_story_text
from articles.models import Appeal, Author, Byline, Section, Source, Story, Tag

from .appeals import demo_appeal, demo_appeal_copy, load_demo_appeal
from .sources import SOURCES as DEMO_SOURCES
from .sources import load_demo_sources

DEMO_DIR = Path(__file__).parent


def demo_data():
    return json.loads((DEMO_DIR / "stories.json").read_text(encoding="utf-8"))


def seed_story():
    """The seed story as parsed from its text file: paragraphs and appeal."""
    data = demo_data()["seed"]
    return parse_story_text((DEMO_DIR / data["file"]).read_text(encoding="utf-8"))


@transaction.atomic
def load_demo():
    """Create the demo content, or put it back as shipped: the demo's own stories, sections,
    authors, sources and appeal are overwritten (see `demo_edits`); nothing else is touched.
    Running it twice changes nothing the second time."""
    data = demo_data()
    for position, section in enumerate(data["sections"]):
        Section.objects.update_or_create(
            slug=section["slug"],
            defaults={**section, "position": position},
        )
    for author in data["authors"]:
        Author.objects.update_or_create(slug=author["slug"], defaults=author)

    stories = [_save_story(story) for story in _stories(data)]
    load_demo_appeal(stories[0])
    load_demo_sources(stories[0])
    changed(SITE)  # bylines were written in bulk: whatever was cached may show old ones
    return stories


def has_content():
    """Whether the database holds anything a person could have written (so `make run` must
    not load the demo over it)."""
    return any(m.objects.exists() for m in (Story, Section, Author, Tag, Appeal, Source))


def demo_edits():
    """What `load_demo` would overwrite now: one line per demo record that exists and differs
    from the demo as shipped, naming the fields ("story “…”: headline, body")."""
    data = demo_data()
    edits = []
    for position, values in enumerate(data["sections"]):
        section = Section.objects.filter(slug=values["slug"]).first()
        edits += _edit("section", section, {**values, "position": position})
    for values in data["authors"]:
        edits += _edit("author", Author.objects.filter(slug=values["slug"]).first(), values)
    for values in _stories(data):
        story = Story.objects.filter(slug=values["slug"]).first()
        if story is None:
            continue
        wanted = _story_fields(values) | {
            "tags": sorted(values["tags"]),
            "bylines": [tuple(byline) for byline in values["bylines"]],
        }
        edits += _edit(
            "story",
            story,
            wanted,
            tags=sorted(story.tags.values_list("name", flat=True)),
            bylines=list(story.bylines.values_list("author__name", "role")),
        )
    seed = Story.objects.filter(slug=data["seed"]["slug"]).first()
    appeal = demo_appeal(seed) if seed else None
    edits += _edit("appeal", appeal, demo_appeal_copy())
    for values in DEMO_SOURCES:
        edits += _edit("source", Source.objects.filter(slug=values["slug"]).first(), values)
    return edits


def _edit(kind, instance, wanted, **current):
    """["kind “instance”: field, field"] if `instance` differs from `wanted`, else []. Values
    in `current` stand in for attributes that are not plain fields (tags, bylines)."""
    if instance is None:
        return []
    changed = [
        name.replace("_", " ")
        for name, value in wanted.items()
        if name != "slug"
        and (current[name] if name in current else getattr(instance, name)) != value
    ]
    return [f"{kind} “{instance}”: {', '.join(changed)}"] if changed else []


def _stories(data):
    seed = dict(data["seed"])
    seed["paragraphs"] = seed_story().paragraphs
    return [seed, *data["stories"]]


def _story_fields(data):
    return {
        "headline": data["headline"],
        "standfirst": data["standfirst"],
        "body": paragraphs_to_html(data["paragraphs"]),
        "dateline": data["dateline"],
        "section": Section.objects.filter(slug=data["section"]).first(),
        "status": Story.Status.PUBLISHED,
        "published_at": datetime.fromisoformat(data["published_at"]),
    }


def _save_story(data):
    story, _ = Story.objects.update_or_create(slug=data["slug"], defaults=_story_fields(data))
    story.tags.set(
        [
            Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in data["tags"]
        ]
    )
    story.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(story=story, author=Author.objects.get(name=name), role=role, position=position)
        for position, (name, role) in enumerate(data["bylines"])
    )
    return story
