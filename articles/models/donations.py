"""Money that came back from an appeal, and readers who asked to be reminded to give.

A donation arrives by the webhook (articles/appeals/donations.py: our own signed format or
Stripe's `checkout.session.completed`) or by a staff CSV import of offline gifts. It carries
the signed reference the appeal's donate link sent to the payment page
(articles/appeals/references.py), which says which appeal, copy and placement the reader saw.
"""

import secrets
from decimal import Decimal

from django.db import models

from .appeals import Appeal, AppealVariant


class Donation(models.Model):
    class Provider(models.TextChoices):
        WEBHOOK = "webhook", "Donation form (webhook)"
        STRIPE = "stripe", "Stripe"
        IMPORT = "import", "Offline (CSV import)"

    class Frequency(models.TextChoices):
        ONCE = "once", "One-off"
        MONTHLY = "monthly", "Monthly"
        YEARLY = "yearly", "Yearly"

    provider = models.CharField(max_length=10, choices=Provider)
    event_id = models.CharField(
        "provider's id", max_length=200, help_text="The same id is never stored twice."
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.SET_NULL, null=True, blank=True, related_name="donations"
    )
    variant = models.ForeignKey(
        AppealVariant, on_delete=models.SET_NULL, null=True, blank=True, related_name="donations"
    )
    holdback = models.BooleanField(
        default=False, help_text="Given by a reader held back from the appeal (never shown it)."
    )
    placement = models.CharField(max_length=10, blank=True, help_text="Where the ask was.")
    reference_day = models.DateField(null=True, blank=True, help_text="When the ask was shown.")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, help_text="ISO 4217, e.g. USD.")
    frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.ONCE)
    annualised = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="A year's worth: monthly × 12; one-off as is."
    )
    received_at = models.DateTimeField("given at")
    reference = models.CharField(max_length=200, blank=True, help_text="As received.")
    note = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="donation_unique_provider_event"
            )
        ]
        indexes = [models.Index(fields=["appeal", "received_at"], name="donation_appeal_idx")]

    def __str__(self):
        return f"{self.amount} {self.currency} ({self.get_frequency_display().lower()})"

    def save(self, *args, **kwargs):
        self.annualised = annualised(self.amount, self.frequency)
        self.currency = self.currency.upper()
        super().save(*args, **kwargs)


def annualised(amount, frequency):
    """A year's worth of a gift: a monthly gift counts 12 times."""
    return Decimal(amount) * (12 if frequency == Donation.Frequency.MONTHLY else 1)


class Reminder(models.Model):
    """A reader's request to be reminded, by one e-mail, in the month they chose.

    Kept only until that e-mail is sent (then deleted), confirmed by the reader's click
    (double opt-in) or dropped after a week unconfirmed; the reader's unsubscribe link and
    staff can delete it at any time.
    """

    email = models.EmailField()
    month = models.DateField(help_text="The first day of the month the reader chose.")
    appeal = models.ForeignKey(
        Appeal, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    variant = models.ForeignKey(
        AppealVariant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    consent = models.TextField(help_text="The consent text the reader agreed to, word for word.")
    token = models.CharField(
        max_length=64, unique=True, default=secrets.token_urlsafe, editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("month", "pk")
        indexes = [models.Index(fields=["month", "confirmed_at"], name="reminder_due_idx")]

    def __str__(self):
        return f"{self.email} ({self.month:%B %Y})"
