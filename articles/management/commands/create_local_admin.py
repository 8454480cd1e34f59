from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "newsroom"


class Command(BaseCommand):
    help = "Create (or reset) a local superuser for development. Refused unless DEBUG is on."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="Port shown in the printed admin URL.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a well-known admin account with DEBUG off.")
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        self.stdout.write(f"Local admin: http://127.0.0.1:{options['port']}/admin/")
        self.stdout.write(f"  username: {USERNAME}\n  password: {PASSWORD}")
