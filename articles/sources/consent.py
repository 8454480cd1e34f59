"""The self-identification form a source reaches through their private link.

The page is the source's own: never cached (``never_cache``; the server's page cache and any
CDN pass it by), never indexed, and the token in its URL is not sent on to other sites
(``Referrer-Policy: same-origin``; "no-referrer" would make browsers post the form with
"Origin: null", which the CSRF check refuses). A tampered, expired, withdrawn or already used
link gets a page that says so (404 or 410), a form with a mistake is shown again with its
answers, and a good one is saved whole or not at all.
"""

from django import forms
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ..models import (
    ConsentRequest,
    SelfIdAnswer,
    SelfIdCategory,
    SelfIdentification,
    SelfIdSurvey,
)

PREFER_NOT = ""
REFUSALS = {
    None: (404, "This link does not work", "It may have been copied incompletely. Please ask "
           "the person who sent it to you for a new one."),
    ConsentRequest.State.EXPIRED: (410, "This link has expired", "Links work for a limited "
                                   "time. Please ask the newsroom for a new one if you would "
                                   "still like to answer."),
    ConsentRequest.State.USED: (410, "This link has already been used", "Thank you: your "
                                "answers were received. Each link works once; ask the newsroom "
                                "if you want to change or delete them."),
    ConsentRequest.State.REVOKED: (410, "This link was withdrawn", "The newsroom has withdrawn "
                                   "this link. Please ask them for a new one."),
}  # fmt: skip


class SelfIdForm(forms.Form):
    """One optional question per active category, and the consent box."""

    def __init__(self, survey, categories, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for category in categories:
            choices = [(str(o.pk), o.label) for o in category.options.all()]
            self.fields[f"category_{category.pk}"] = forms.ChoiceField(
                label=category.question,
                choices=[*choices, (PREFER_NOT, "Prefer not to say")],
                required=False,
                initial=PREFER_NOT,
                widget=forms.RadioSelect,
            )
        self.fields["consent"] = forms.BooleanField(
            label=survey.consent_text,
            error_messages={
                "required": "Tick the box to agree, or close this page: nothing "
                "is kept unless you agree."
            },  # fmt: skip
        )

    def answers(self):
        """[(category, option), …] for the questions answered (call after is_valid())."""
        out = []
        for category in self.categories:
            chosen = self.cleaned_data.get(f"category_{category.pk}", PREFER_NOT)
            if chosen:
                option = next(o for o in category.options.all() if str(o.pk) == chosen)
                out.append((category, option))
        return out


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refusal(request, state):
    status, title, text = REFUSALS[state]
    page = render(request, "articles/consent_form.html", {"refusal": (title, text)}, status=status)
    return _private(page)


@never_cache
def consent_form(request, token):
    consent = ConsentRequest.for_token(token)
    if consent is None or consent.state != ConsentRequest.State.OPEN:
        return _refusal(request, consent and consent.state)
    survey = SelfIdSurvey.current()
    categories = list(SelfIdCategory.objects.filter(active=True).prefetch_related("options"))
    form = SelfIdForm(survey, categories, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Lock the link: two submissions at once must not both count.
            consent = ConsentRequest.objects.select_for_update().get(pk=consent.pk)
            if consent.state != ConsentRequest.State.OPEN:
                return _refusal(request, consent.state)
            now = timezone.now()
            SelfIdentification.objects.filter(source_id=consent.source_id).delete()
            identification = SelfIdentification.objects.create(
                source_id=consent.source_id,
                request=consent,
                consent_text=survey.consent_text,
                consented_at=now,
            )
            SelfIdAnswer.objects.bulk_create(
                SelfIdAnswer(identification=identification, category=c, option=o)
                for c, o in form.answers()
            )
            consent.used_at = now
            consent.save(update_fields=["used_at"])
        return redirect("articles:consent-thanks")
    page = render(
        request, "articles/consent_form.html", {"form": form, "survey": survey}, status=200
    )
    return _private(page)


@never_cache
def consent_thanks(request):
    return _private(render(request, "articles/consent_form.html", {"thanks": True}))
