"""Rebuilding snapshots off the request path, after the change that outdated them commits."""

from django.tasks import task


@task()
def rebuild(story_ids):
    """Render and keep the snapshot of each story (a story no longer public is skipped)."""
    from .story_page import build

    for story_id in story_ids:
        build(story_id)
