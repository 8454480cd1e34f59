"""Import a plain-text story (the seed's format) with its quote suggestions and appeal."""

import os
import re
import stat
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from articles.appeals.imports import save_parsed_appeal
from articles.editorial.ownership import PUBLISH_PERMISSION
from articles.editorial.workflow import publication_fields, record_save
from articles.html import paragraphs_to_html
from articles.importing import StoryFormatError, parse_story_text
from articles.models import Author, Byline, Section, Story
from articles.sources.suggest import suggest_quotes

# Quote extraction takes about 20 s a megabyte (measured on SQLite; a 20 MB file took 149 s).
# 1 MB is ten times the longest long read.
MAX_IMPORT_BYTES = 2**20
FILE_KINDS = {
    stat.S_ISDIR: "a directory",
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
}
HEADLINE_MAX = Story._meta.get_field("headline").max_length
SLUG_MAX = 80  # long enough to read in a URL, short enough to share
# A sentence ends at . ! or ? (and any closing quote) before a space and a capital letter,
# unless the full stop belongs to a title or an initial ("Mr. Smith", "U.S. officials").
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?(?=\s+[“\"‘]?[A-Z])")
_NOT_AN_END = re.compile(r"(\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Sen|Rep|Jr|Sr|No)|\b[A-Z])\.$")


def headline_from(paragraph: str) -> str:
    """The first sentence of `paragraph`, as a headline of at most the field's length."""
    end = len(paragraph)
    for match in _SENTENCE_END.finditer(paragraph):
        if not _NOT_AN_END.search(paragraph[: match.start()]):
            end = match.start()
            break
    sentence = paragraph[:end].strip().rstrip(".")
    if len(sentence) > HEADLINE_MAX:
        sentence = sentence[: HEADLINE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


def not_a_file(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    kinds = (name for test, name in FILE_KINDS.items() if test(mode))
    return next(kinds, "something other than a regular file")


def free_story_slug(headline: str) -> str:
    """A slug not yet taken, of whole words and at most SLUG_MAX characters before a suffix."""
    base = slugify(headline)
    if len(base) > SLUG_MAX:
        base = base[: SLUG_MAX + 1].rsplit("-", 1)[0]
    base = base or "story"
    taken = set(Story.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class Command(BaseCommand):
    help = (
        "Import a story from a plain-text file: one paragraph per line, optionally followed by "
        "a donation appeal from a line “A Message from <Publication>:”. Creates a draft (or, "
        "with --publish, a published story), its quote suggestions and sources, and the appeal. "
        "Nothing is written if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a UTF-8 text file.")
        parser.add_argument(
            "--section", help="Section slug (default: the first section in the navigation)."
        )
        parser.add_argument(
            "--headline", help="Headline (default: the first sentence of the first paragraph)."
        )
        parser.add_argument(
            "--author",
            action="append",
            default=[],
            metavar="SLUG",
            help="Byline author's slug; repeat for several authors, in byline order.",
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish now instead of saving a draft."
        )
        parser.add_argument(
            "--as-user",
            metavar="USERNAME",
            help="Act as this staff user: --publish then requires their publish permission.",
        )

    def handle(self, *args, **options):
        text = self.read(options["file"])
        try:
            parsed = parse_story_text(text)
        except StoryFormatError as error:
            raise CommandError(f"{options['file']}: {error} Nothing was imported.") from error
        user = self.acting_user(options["as_user"], options["publish"])
        with transaction.atomic():
            section = self.section(options["section"])
            authors = [self.author(slug) for slug in options["author"]]
            story = self.create_story(parsed.paragraphs, section, options, authors)
            self.record(story, user, options["file"])
            sourcing = suggest_quotes(story)
            appeal = save_parsed_appeal(parsed.appeal, story=story) if parsed.appeal else None
        self.report(story, parsed, sourcing, appeal, user)

    def read(self, path):
        """The file's bytes, refusing at once what is not a story-sized regular file."""
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            raise CommandError(f"{path}: no such file.") from None
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror}).") from None
        if not stat.S_ISREG(info.st_mode):
            # Reading a pipe or a device would wait for a writer, or never end.
            raise CommandError(
                f"{path}: is {not_a_file(info.st_mode)}, not a text file. Nothing was imported."
            )
        too_big = CommandError(
            f"{path}: the file is {info.st_size / 2**20:.1f} MB; the limit is "
            f"{MAX_IMPORT_BYTES // 2**20} MB (a story's text is rarely over 100 KB). "
            "Nothing was imported."
        )
        if info.st_size > MAX_IMPORT_BYTES:
            raise too_big
        with open(path, "rb") as file:
            data = file.read(MAX_IMPORT_BYTES + 1)  # it may have grown since stat()
        if len(data) > MAX_IMPORT_BYTES:
            raise too_big
        if not data.strip():
            raise CommandError(f"{path}: the file is empty: there is no story to import.")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path}: not a UTF-8 text file (undecodable byte at position {error.start}). "
                "Nothing was imported."
            ) from error

    def acting_user(self, username, publish):
        if username is None:
            if publish:
                # publish_story guards every way onto the site, this one too: name the person.
                raise CommandError(
                    "--publish needs --as-user USERNAME, a staff user with the publish "
                    f"permission (“{PUBLISH_PERMISSION}”). Nothing was imported."
                )
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None or not user.is_staff:
            raise CommandError(f"--as-user: there is no active staff user “{username}”.")
        if publish and not user.has_perm(PUBLISH_PERMISSION):
            raise CommandError(
                f"{username} may not publish stories (needs “{PUBLISH_PERMISSION}”). "
                "Import without --publish to create a draft for an editor to publish."
            )
        return user

    def section(self, slug):
        if slug is None:
            section = Section.objects.first()
            if section is None:
                raise CommandError("There are no sections yet: create one first.")
            return section
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            known = ", ".join(Section.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"--section: no section “{slug}” (sections: {known}).")
        return section

    def author(self, slug):
        author = Author.objects.filter(slug=slug).first()
        if author is None:
            raise CommandError(f"--author: no author with the slug “{slug}”.")
        return author

    def create_story(self, paragraphs, section, options, authors):
        headline = (options["headline"] or "").strip() or headline_from(paragraphs[0])
        if len(headline) > HEADLINE_MAX:
            raise CommandError(f"--headline is longer than {HEADLINE_MAX} characters.")
        status = Story.Status.PUBLISHED if options["publish"] else Story.Status.DRAFT
        story = Story.objects.create(
            headline=headline,
            slug=free_story_slug(headline),
            body=paragraphs_to_html(paragraphs),
            section=section,
            status=status,
            **publication_fields(status, None, None),
        )
        Byline.objects.bulk_create(
            Byline(story=story, author=author, position=position)
            for position, author in enumerate(dict.fromkeys(authors))
        )
        return story

    def record(self, story, user, path):
        """Who brought the story in, its first revision, and its publication if any."""
        if user is not None:
            Story.objects.filter(pk=story.pk).update(created_by=user)
            story.created_by = user
        imported = f"Imported from {Path(path).name}"
        record_save(story, user, from_status="", created=True, note=imported, summary=imported)

    def report(self, story, parsed, sourcing, appeal, user):
        write = self.stdout.write
        status = story.get_status_display().lower()
        write(self.style.SUCCESS(f"Created {status} story #{story.pk}: “{story.headline}”"))
        write(f"  section: {story.section}; {len(parsed.paragraphs)} paragraphs; /{story.slug}/")
        if story.status == Story.Status.PUBLISHED:
            who = user.get_username() if user else "the operator running this command"
            write(f"  published at {story.published_at:%Y-%m-%d %H:%M %Z} by {who}")
            write(f"  public URL: {story.get_absolute_url()}")
        else:
            write(f"  preview: {story.get_absolute_url()}")
        write(f"  quotes suggested for review: {len(sourcing.created)}")
        for quote in sourcing.created:
            source = quote.source.name if quote.source else "no source yet"
            write(f"    - {quote.speaker} → {source}: “{quote.text}”")
        if sourcing.new_names:
            names = ", ".join(sourcing.new_names)
            write(
                f"  not in the registry yet (a source is created when an editor confirms): {names}"
            )
        if sourcing.unmatched_speakers:
            write(f"  choose a source in the admin for: {', '.join(sourcing.unmatched_speakers)}")
        if appeal is not None:
            known = " — the same appeal was already saved" if appeal.source_story != story else ""
            status = appeal.get_status_display().lower()
            write(f"  appeal: “{appeal}” (#{appeal.pk}, {status}{known})")
        else:
            write("  appeal: none in the file")
