from django.core.management.base import BaseCommand

from articles.editorial.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Create the Reporter, Editor, Appeals staff and Admin groups and grant their permissions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        for role, count in sync_roles(using=database).items():
            self.stdout.write(f"{role}: {count} permission(s) granted")
