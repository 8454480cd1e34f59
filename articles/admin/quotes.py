"""The editors' CMS for quotes: review suggestions on the story, confirm or reject each on its
review screen (with what the record says about the words), and the quote list."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..editorial.ownership import editable, may_edit, openable
from ..models import Quote, Source
from ..sources import confirm as decisions
from ..sources import record
from ..sources.duplicates import similar_sources
from ..sources.suggest import is_named, suggest_quotes
from .actions import BOTH_LOCATIONS

INLINE_WIDTHS = {"described_as": 16}
SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}}
KIND_NOTES = {
    Quote.Kind.PARAPHRASE: "not their exact words",
    Quote.Kind.ACCORDING_TO: "attributed with “according to”",
}


class QuoteForm(forms.ModelForm):
    """Confirming needs a source: one chosen here, or (on the review screen) a new one. Quotes
    go only on stories the user may change."""

    user = None  # set per request by QuoteAdmin.get_form

    def clean_story(self):
        story = self.cleaned_data["story"]
        if self.user is not None and not may_edit(self.user, story):
            raise ValidationError(
                "You can only add quotes to stories you may edit (your own drafts); an editor "
                "can add this one."
            )
        return story

    def clean(self):
        cleaned = super().clean()
        confirming = cleaned.get("status") == Quote.Status.CONFIRMED
        if confirming and not cleaned.get("source") and not cleaned.get("unnamed", False):
            speaker = self.instance.speaker
            hint = f" to a new source called “{speaker}”" if is_named(speaker) else ""
            raise ValidationError(
                f"Choose a source before confirming, or use “Review” to confirm it{hint} "
                "or as from an unnamed source."
            )
        return cleaned


class DecisionFormSet(BaseInlineFormSet):
    """Status changes made in the story's quote list get the confirm/reject bookkeeping."""

    def save(self, commit=True):
        before = {f.instance.pk: f.initial.get("status") for f in self.forms if f.instance.pk}
        saved = super().save(commit)
        for quote in saved:
            decisions.settle(quote, before.get(quote.pk))
        return saved


def _may_edit(request, story):
    return story is None or may_edit(request.user, story)


class QuoteInline(admin.TabularInline):
    """The story form's quotes: review suggestions, attribute and confirm them in place."""

    model = Quote
    form = QuoteForm
    formset = DecisionFormSet
    extra = 0
    fields = ("text", "kind", "speaker_review", "source", "described_as", "status")
    readonly_fields = ("speaker_review",)
    autocomplete_fields = ("source",)
    formfield_overrides = SHORT_TEXT
    classes = ("quotes-inline",)
    verbose_name_plural = "quotes (run “Extract quotes” to suggest them from the text)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source")
            .prefetch_related("record_matches")
        )

    # `story` is the story being edited: its quotes change only with the story.
    def has_add_permission(self, request, story=None):
        return super().has_add_permission(request, story) and _may_edit(request, story)

    def has_change_permission(self, request, story=None):
        return super().has_change_permission(request, story) and _may_edit(request, story)

    def has_delete_permission(self, request, story=None):
        return super().has_delete_permission(request, story) and _may_edit(request, story)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "source":
            # Sources are edited on their own page; here the row stays narrow.
            for action in ("add", "change", "delete", "view"):
                setattr(field.widget, f"can_{action}_related", False)
        elif db_field.name in INLINE_WIDTHS:
            field.widget.attrs["size"] = INLINE_WIDTHS[db_field.name]
        return field

    @admin.display(description="Speaker as written")
    def speaker_review(self, quote):
        """Who extraction heard, and the way to the quote's review screen."""
        if not quote.pk:
            return ""
        url = reverse("admin:articles_quote_review", args=[quote.pk])
        label = "Review" if quote.status == Quote.Status.SUGGESTED else "Details"
        return format_html(
            '{}<br><a class="quote-review-link" href="{}">{}</a>{}',
            quote.speaker or "—",
            url,
            label,
            record_badge(quote),
        )


def record_badge(quote):
    """A short mark for what the record check found when the quote was confirmed."""
    matches = list(quote.record_matches.all())
    warnings = sum(m.is_warning for m in matches)
    if warnings:
        return format_html(
            ' <span class="record-badge record-badge--warning" title="{}">⚠ {}</span>',
            "These words were attributed to someone else before",
            "attributed elsewhere",
        )
    if matches:
        return format_html(' <span class="record-badge">said before</span>')
    return ""


@admin.action(
    description="Extract quotes (suggestions for review)",
    permissions=["change"],
    location=BOTH_LOCATIONS,
)
def extract_quotes(modeladmin, request, queryset):
    """Suggest quotes from each story's text; running it again adds no duplicates."""
    stories = list(queryset)
    refused = [story for story in stories if not may_edit(request.user, story)]
    if refused:
        names = ", ".join(f"“{story}”" for story in refused)
        modeladmin.message_user(
            request,
            f"You can only extract quotes from stories you may edit; not from {names}. "
            "Nothing was extracted.",
            messages.ERROR,
        )
        return
    for story in stories:
        result = suggest_quotes(story)
        modeladmin.message_user(request, f"“{story}”: {result.summary()}.", messages.SUCCESS)


class SourceKindFilter(admin.SimpleListFilter):
    title = "source kind"
    parameter_name = "source_kind"

    def lookups(self, request, model_admin):
        return Source.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Source.Kind.values:
            return queryset.filter(source__kind=self.value())
        return queryset


class ReviewForm(forms.Form):
    """Who said it: a matching source, a new source by the name the story uses, an unnamed
    source, or any other source from the registry."""

    choice = forms.ChoiceField(label="Said by", widget=forms.RadioSelect)
    new_name = forms.CharField(label="Name of the new source", required=False, max_length=200)

    def __init__(self, quote, admin_site, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quote = quote
        self.candidates = review_candidates(quote)
        choices = [
            (
                f"source:{source.pk}",
                format_html(
                    '<strong>{}</strong> <span class="help">{}{} — {}</span>',
                    source.name,
                    source.get_kind_display().lower(),
                    f", {source.role}" if source.role else "",
                    why,
                ),
            )
            for source, why in self.candidates
        ]
        if is_named(quote.speaker):
            choices.append(("new", "A new source, created when you confirm:"))
        choices += [
            (
                "unnamed",
                mark_safe(  # noqa: S308 - a constant
                    'An unnamed source <span class="help">(readers see only that an unnamed '
                    "source was used: no name, no page)</span>"
                ),
            ),
            ("other", "Another source from the registry:"),
        ]
        self.fields["choice"].choices = choices
        self.fields["choice"].initial = choices[0][0]
        self.fields["new_name"].initial = quote.speaker
        self.fields["other"] = forms.ModelChoiceField(
            Source.objects.all(),
            required=False,
            label="Other source",
            widget=AutocompleteSelect(Quote._meta.get_field("source"), admin_site),
        )

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("choice", "")
        if choice == "new" and not is_named(cleaned.get("new_name", "")):
            self.add_error("new_name", "Give the new source a name as readers know it.")
        if choice == "other" and not cleaned.get("other"):
            self.add_error("other", "Choose the source from the registry.")
        return cleaned

    def decision(self):
        """Keyword arguments for ``confirm.confirm`` (call after is_valid())."""
        choice = self.cleaned_data["choice"]
        if choice.startswith("source:"):
            pk = int(choice.split(":", 1)[1])
            return {"source": next(s for s, _ in self.candidates if s.pk == pk)}
        if choice == "new":
            return {"new_name": self.cleaned_data["new_name"]}
        if choice == "unnamed":
            return {"unnamed": True}
        return {"source": self.cleaned_data["other"]}


def review_candidates(quote):
    """[(source, why), …]: the quote's source, the registry's matches for the speaker, and
    near-duplicate spellings (Yuri for Yury), best first."""
    found = []
    if quote.source is not None:
        found.append((quote.source, "chosen"))
    for source in Source.objects.candidates(quote.speaker):
        found.append((source, "same name"))
    for similar in similar_sources(quote.speaker):
        found.append((similar.source, f"similar name: {similar.name} ({similar.score} %)"))
    seen, out = set(), []
    for source, why in found:
        if source.pk not in seen:
            seen.add(source.pk)
            out.append((source, why))
    return out


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    """Quotes across stories. Everyone sees the quotes of the stories they may open; only the
    people who may change a story change its quotes (reporters: their own drafts)."""

    form = QuoteForm
    list_display = ("short_text", "status", "attributed_to", "story_headline", "kind", "record")
    list_filter = ("status", "kind", SourceKindFilter, "story__section")
    list_select_related = ("source", "story")
    search_fields = ("text", "speaker", "described_as", "source__name", "story__headline")
    autocomplete_fields = ("story", "source")
    actions = ("confirm", "reject", "back_to_suggested")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    readonly_fields = ("record_findings", "review_link")
    fields = (
        "story", "text", "speaker", "source", "unnamed", "described_as", ("kind", "verbatim"),
        "cue", "status", "review_link", "record_findings", "position", ("start", "end"),
    )  # fmt: skip

    class Media:
        css = {"all": ("articles/admin.css",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(openable(request.user, "story__"))
            .prefetch_related("record_matches")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, quote=None):
        return super().has_change_permission(request, quote) and (
            quote is None or may_edit(request.user, quote.story)
        )

    def has_delete_permission(self, request, quote=None):
        return super().has_delete_permission(request, quote) and (
            quote is None or may_edit(request.user, quote.story)
        )

    def refuse_other_stories(self, request, quotes):
        """True (with a message) if any of `quotes` is on a story the user may not change."""
        others = quotes.count() - quotes.filter(editable(request.user, "story__")).count()
        if others:
            self.message_user(
                request,
                f"You can only change quotes on stories you may edit: {others} of the selected "
                "quotes are on other stories. Nothing was changed.",
                messages.ERROR,
            )
        return bool(others)

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [
            path("<int:pk>/review/", review, name="articles_quote_review"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        before = form.initial.get("status") if change else None
        super().save_model(request, obj, form, change)
        decisions.settle(obj, before)

    @admin.display(description="Quote", ordering="text")
    def short_text(self, quote):
        return quote.text if len(quote.text) <= 120 else quote.text[:117].rstrip() + "…"

    @admin.display(description="Attributed to", ordering="source__name")
    def attributed_to(self, quote):
        if quote.source:
            return quote.source.name
        if quote.unnamed:
            return format_html("<em>unnamed source</em> <small>({})</small>", quote.speaker)
        return format_html("{} <small>(no source yet)</small>", quote.speaker or "unknown")

    @admin.display(description="Story", ordering="story__headline")
    def story_headline(self, quote):
        headline = quote.story.headline
        return headline if len(headline) <= 40 else headline[:37].rstrip() + "…"

    @admin.display(description="Record")
    def record(self, quote):
        return record_badge(quote)

    @admin.display(description="Review")
    def review_link(self, quote):
        if not quote.pk:
            return "—"
        url = reverse("admin:articles_quote_review", args=[quote.pk])
        return format_html('<a href="{}">Review this quote in its story</a>', url)

    @admin.display(description="Checked against the record")
    def record_findings(self, quote):
        if not quote.pk or quote.status != Quote.Status.CONFIRMED:
            return "Checked when the quote is confirmed."
        matches = list(quote.record_matches.select_related("earlier__source", "earlier__story"))
        if not matches:
            return "Nothing like these words was confirmed in another story."
        return findings_html(matches)

    @admin.action(description="Confirm selected quotes", permissions=["change"])
    def confirm(self, request, queryset):
        if self.refuse_other_stories(request, queryset):
            return
        done, skipped, warned = 0, 0, 0
        for quote in queryset.select_related("source", "story"):
            if quote.source is None and not quote.unnamed:
                skipped += 1
                continue
            warned += any(m.is_warning for m in decisions.confirm(quote))
            done += 1
        self.message_user(request, f"Confirmed {done} quote(s).", messages.SUCCESS)
        if warned:
            self.message_user(
                request,
                f"{warned} of them: these words were attributed to someone else in another "
                "story. See “Checked against the record” on each quote.",
                messages.WARNING,
            )
        if skipped:
            self.message_user(
                request,
                f"{skipped} quote(s) have no source yet and were left as they were: "
                "review each to choose or create its source, then confirm.",
                messages.WARNING,
            )

    @admin.action(description="Reject selected quotes", permissions=["change"])
    def reject(self, request, queryset):
        if self.refuse_other_stories(request, queryset):
            return
        count = self._decide_each(queryset, decisions.reject)
        self.message_user(request, f"Rejected {count} quote(s).", messages.SUCCESS)

    @admin.action(description="Mark selected quotes as suggested again", permissions=["change"])
    def back_to_suggested(self, request, queryset):
        if self.refuse_other_stories(request, queryset):
            return
        count = self._decide_each(queryset, decisions.back_to_suggested)
        self.message_user(request, f"{count} quote(s) are suggestions again.", messages.SUCCESS)

    def _decide_each(self, queryset, decide):
        quotes = list(queryset.select_related("source"))
        for quote in quotes:
            decide(quote)  # each saves: what readers see follows (articles/signals.py)
        return len(quotes)

    def review_view(self, request, pk):
        """One quote in its paragraph: who said it, what the record says, confirm or reject."""
        quote = get_object_or_404(
            self.get_queryset(request).select_related("story", "source"), pk=pk
        )
        if not self.has_view_permission(request, quote):
            raise PermissionDenied
        can_change = self.has_change_permission(request, quote)
        story_url = reverse("admin:articles_story_change", args=[quote.story_id]) + "#quotes-group"
        form = ReviewForm(
            quote, self.admin_site, request.POST if request.method == "POST" else None
        )
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            if "reject" in request.POST:
                decisions.reject(quote)
                self.message_user(
                    request,
                    "Rejected: the suggestion is kept only as rejected, "
                    "so extraction will not suggest it again.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._after_review(quote, request, story_url))
            if form.is_valid():
                try:
                    matches = decisions.confirm(quote, **form.decision())
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self._confirmed_message(request, quote, matches)
                    return HttpResponseRedirect(self._after_review(quote, request, story_url))
        proposed = form.candidates[0][0] if form.candidates else None
        findings = record.check(quote, proposed) if quote.status != Quote.Status.CONFIRMED else []
        stored = list(quote.record_matches.select_related("earlier__source", "earlier__story"))
        return TemplateResponse(
            request,
            "admin/articles/quote/review.html",
            {
                **self.admin_site.each_context(request),
                "title": "Review quote",
                "opts": self.opts,
                "quote": quote,
                "form": form,
                "paragraph": quote_in_context(quote),
                "kind_note": KIND_NOTES.get(quote.kind, ""),
                "candidates": form.candidates,
                "proposed": proposed,
                "findings": findings_html(findings) if findings else "",
                "warning": any(f.is_warning for f in findings),
                "stored_findings": findings_html(stored) if stored else "",
                "can_change": can_change,
                "story_url": story_url,
                "media": self.media + form.media,
            },
        )

    def _confirmed_message(self, request, quote, matches):
        quote.refresh_from_db()
        who = quote.source or "an unnamed source"
        self.message_user(request, f"Confirmed: the quote is {who}'s.", messages.SUCCESS)
        for match in matches:
            if match.is_warning:
                self.message_user(request, finding_sentence(match), messages.WARNING)

    def _after_review(self, quote, request, story_url):
        """The next suggestion of the story when asked for, else the story."""
        if "_next" in request.POST:
            following = quote.story.quotes.filter(status=Quote.Status.SUGGESTED).first()
            if following:
                return reverse("admin:articles_quote_review", args=[following.pk])
        return story_url


def quote_in_context(quote):
    """The quote's paragraph with the quoted words marked (escaped), or just the words."""
    text = quote.story.text
    start, end = quote.start, quote.end
    if start is None or end is None or text[start:end] != quote.text:
        return format_html("<mark>{}</mark>", quote.text)
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    return format_html("{}<mark>{}</mark>{}", text[lo:start], text[start:end], text[end:hi])


def finding_sentence(finding):
    earlier = finding.earlier
    when = earlier.story.published_at or earlier.story.created
    day = f"{when:%-d %B %Y}" if when else "earlier"
    if finding.is_warning:
        return (
            f"These words were attributed to {earlier.source} in “{earlier.story.headline}” "
            f"({day})."
        )
    return f"Said almost the same on {day} in “{earlier.story.headline}”."


def findings_html(findings):
    return format_html(
        '<ul class="record-findings">{}</ul>',
        format_html_join(
            "",
            '<li class="record-finding record-finding--{}">{} <a href="{}">{}</a>'
            " <small>({} % alike: “{}”)</small></li>",
            (
                (
                    "warning" if f.is_warning else "reuse",
                    "⚠" if f.is_warning else "↺",
                    reverse("admin:articles_story_change", args=[f.earlier.story_id]),
                    finding_sentence(f),
                    f.similarity,
                    f.earlier.text if len(f.earlier.text) < 140 else f.earlier.text[:137] + "…",
                )
                for f in findings
            ),
        ),
    )
