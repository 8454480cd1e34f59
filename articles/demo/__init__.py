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
from articles.models import Author, Byline, Section, Story, Tag

from .appeals import load_demo_appeal
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
    """Create or update the demo content; running it again changes nothing."""
    data = demo_data()
    for position, section in enumerate(data["sections"]):
        Section.objects.update_or_create(
            slug=section["slug"],
            defaults={**section, "position": position},
        )
    for author in data["authors"]:
        Author.objects.update_or_create(slug=author["slug"], defaults=author)

    seed = dict(data["seed"])
    seed["paragraphs"] = seed_story().paragraphs
    stories = [_save_story(seed)] + [_save_story(story) for story in data["stories"]]
    load_demo_appeal(stories[0])
    load_demo_sources(stories[0])
    changed(SITE)  # bylines were written in bulk: whatever was cached may show old ones
    return stories


def _save_story(data):
    story, _ = Story.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "headline": data["headline"],
            "standfirst": data["standfirst"],
            "body": paragraphs_to_html(data["paragraphs"]),
            "dateline": data["dateline"],
            "section": Section.objects.get(slug=data["section"]),
            "status": Story.Status.PUBLISHED,
            "published_at": datetime.fromisoformat(data["published_at"]),
        },
    )
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
