from django.core.management.base import BaseCommand

from articles.demo import demo_edits, has_content, load_demo
from articles.demo.ab_test import load_demo_ab_test


class Command(BaseCommand):
    help = (
        "Load the demo content (the seed story and a few more) into an empty database. A "
        "database with content is left alone, and the command lists the edits that --overwrite "
        "would undo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Load even though the database has content: the demo's own stories, sections, "
            "authors, sources and appeal go back to the demo's copy; nothing else changes.",
        )

    def handle(self, *args, overwrite=False, **options):
        if has_content() and not overwrite:
            edits = demo_edits()
            self.stdout.write("The database already has content, so the demo was not loaded.")
            if edits:
                self.stdout.write(
                    "`manage.py load_demo --overwrite` would undo these edits to the demo:"
                )
                self.stdout.writelines(f"  - {edit}" for edit in edits)
            else:
                self.stdout.write(
                    "None of the demo content in it was edited: `manage.py load_demo "
                    "--overwrite` would only add what is missing."
                )
            return
        stories = load_demo()
        ab_test = load_demo_ab_test()
        self.stdout.write(f"Demo content ready: {len(stories)} published stories.")
        self.stdout.write(f"Seed story: {stories[0].get_absolute_url()}")
        self.stdout.write(
            "A finished A/B test, with simulated results: "
            f"/admin/articles/appeal/{ab_test.pk}/results/"
        )
