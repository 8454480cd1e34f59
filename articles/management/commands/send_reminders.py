from django.core.management.base import BaseCommand

from articles.appeals.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Send the “Remind me in …” e-mails whose month has come (each address once, then "
        "deleted) and delete unconfirmed addresses older than a week. Safe to run daily."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {send_due_reminders.call()} reminders.")
