"""Source diversity by the sources' own consent.

Staff send a source a private link (``ConsentRequest``: only a hash of its token is stored;
it expires and works once) to a short form whose questions staff configure
(``SelfIdCategory`` and its options). What a source answers is kept apart from their source
record (``SelfIdentification`` with one ``SelfIdAnswer`` per question they chose to answer),
with the consent text they agreed to and when. Staff can delete it on request; nobody sees it
per person, and the sourcing report shows it only as shares of groups of five or more.
Nothing is ever inferred from a name.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .sources import Source

DEFAULT_CONSENT = (
    "I agree that the newsroom may keep these answers to count, in groups of at least five "
    "people, who it quotes. They are kept apart from my contact details, never published "
    "about me, and deleted when I ask."
)


class SelfIdSurvey(models.Model):
    """The wording of the self-identification form (one row)."""

    intro = models.TextField(
        default="We try to quote a range of people. These optional questions help us count "
        "who we quote. Answer only what you want to; “Prefer not to say” is always fine.",
        help_text="Shown at the top of the form.",
    )
    consent_text = models.TextField(
        default=DEFAULT_CONSENT,
        help_text="What a source agrees to by ticking the box; kept with each set of answers.",
    )
    link_days = models.PositiveSmallIntegerField(
        "link lifetime (days)", default=14, help_text="How long a new link works."
    )

    class Meta:
        verbose_name = "self-identification form"
        verbose_name_plural = "self-identification form"

    def __str__(self):
        return "Self-identification form"

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()


class SelfIdCategory(models.Model):
    """One question of the form: gender, age band, region, expertise …"""

    name = models.CharField(max_length=80, unique=True, help_text="For the report: “Gender”.")
    question = models.CharField(
        max_length=200, help_text="As the source reads it: “How do you describe your gender?”"
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Asked in forms sent from now on.")

    class Meta:
        ordering = ("position", "pk")
        verbose_name = "self-identification question"

    def __str__(self):
        return self.name


class SelfIdOption(models.Model):
    category = models.ForeignKey(SelfIdCategory, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("category", "position", "pk")
        constraints = [
            models.UniqueConstraint(fields=["category", "label"], name="selfid_option_once")
        ]

    def __str__(self):
        return self.label


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ConsentRequest(models.Model):
    """A private link sent to a source. Only a hash of its token is kept, so the link
    cannot be read back from the database; it expires and works once."""

    class State(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        USED = "used", "Answered"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Withdrawn by staff"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="consent_requests")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    answers_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the answers given through it were deleted."
    )

    class Meta:
        ordering = ("-created", "-pk")
        verbose_name = "self-identification link"

    def __str__(self):
        return f"Link for {self.source} ({self.get_state_display().lower()})"

    @classmethod
    def issue(cls, source, user=None):
        """A new link for ``source``: (request, token). The token is shown once."""
        token = secrets.token_urlsafe(32)
        days = SelfIdSurvey.current().link_days
        request = cls.objects.create(
            source=source,
            token_hash=token_hash(token),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return request, token

    @classmethod
    def for_token(cls, token: str):
        """The request a token belongs to, or None (a tampered or unknown link)."""
        if not token or len(token) > 100:
            return None
        return cls.objects.select_related("source").filter(token_hash=token_hash(token)).first()

    @property
    def state(self):
        if self.revoked_at:
            return self.State.REVOKED
        if self.used_at:
            return self.State.USED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.OPEN

    def get_state_display(self):
        return self.State(self.state).label


class SelfIdentification(models.Model):
    """A source's own answers, apart from their source record, with what they agreed to."""

    source = models.OneToOneField(
        Source, on_delete=models.CASCADE, related_name="self_identification"
    )
    request = models.OneToOneField(
        ConsentRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers"
    )
    consent_text = models.TextField(help_text="The words the source agreed to.")
    consented_at = models.DateTimeField()

    class Meta:
        verbose_name = "self-identification"

    def __str__(self):
        return f"Self-identification of {self.consented_at:%Y-%m-%d}"


class SelfIdAnswer(models.Model):
    """One answered question. A question left at “Prefer not to say” has no row."""

    identification = models.ForeignKey(
        SelfIdentification, on_delete=models.CASCADE, related_name="answers"
    )
    category = models.ForeignKey(SelfIdCategory, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(SelfIdOption, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["identification", "category"], name="selfid_one_answer_per_question"
            )
        ]

    def __str__(self):
        return "An answer"  # never who gave it: it may be listed where staff can see it
