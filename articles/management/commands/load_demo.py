from django.core.management.base import BaseCommand

from articles.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo content (the seed story and a few more). Safe to run again."

    def handle(self, *args, **options):
        stories = load_demo()
        self.stdout.write(f"Demo content ready: {len(stories)} published stories.")
        self.stdout.write(f"Seed story: {stories[0].get_absolute_url()}")
