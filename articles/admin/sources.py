"""The editors' CMS for sources and quotes: review suggestions, keep the registry clean."""

import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ..caching import invalidation
from ..editorial.workflow import editable, may_edit, openable
from ..models import Quote, Source, Story
from ..sources.suggest import merge_sources, suggest_quotes
from .actions import BOTH_LOCATIONS
from .reports import ReportFilterForm, sourcing_report, write_csv

INLINE_WIDTHS = {"described_as": 16}
SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}}


def _may_edit(request, story):
    return story is None or may_edit(request.user, story)


class QuoteInline(admin.TabularInline):
    """The story form's quotes: review suggestions, attribute and confirm them in place."""

    model = Quote
    extra = 0
    fields = ("text", "speaker", "source", "described_as", "status")
    readonly_fields = ("speaker",)
    autocomplete_fields = ("source",)
    formfield_overrides = SHORT_TEXT
    classes = ("quotes-inline",)
    verbose_name_plural = "quotes (run “Extract quotes” to suggest them from the text)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

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


class SourceQuoteInline(admin.TabularInline):
    """A source's quotes, story by story, read-only: quotes are edited on their story."""

    model = Quote
    extra = 0
    fields = ("story_link", "text", "kind", "status")
    readonly_fields = fields
    can_delete = False
    classes = ("source-quotes-inline",)
    verbose_name_plural = "quotes and the stories they are in"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(openable(request.user, "story__"))
            .select_related("story")
            .order_by("-story__pk", "position")
        )

    @admin.display(description="Story")
    def story_link(self, quote):
        url = reverse("admin:articles_story_change", args=[quote.story_id])
        return format_html('<a href="{}">{}</a>', url, quote.story.headline)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "role", "affiliation", "confirmed_count", "story_count")
    list_filter = ("kind",)
    search_fields = ("name", "aliases", "role", "affiliation")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("merge_duplicates",)
    inlines = (SourceQuoteInline,)
    readonly_fields = ("stories", "created", "modified")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    change_list_template = "admin/articles/source/change_list.html"
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "aliases")}),
        ("Public", {"fields": ("role", "affiliation", "description")}),
        (
            "Private",
            {
                "fields": ("contact_notes",),
                "description": "Only staff see this. It never reaches the public site or feeds.",
            },
        ),
        ("Stories", {"fields": ("stories",)}),
        ("History", {"fields": ("created", "modified"), "classes": ("collapse",)}),
    )

    class Media:
        css = {"all": ("articles/admin.css",)}

    def get_queryset(self, request):
        confirmed = Q(quotes__status=Quote.Status.CONFIRMED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count("quotes", filter=confirmed),
                story_count=Count("quotes__story", distinct=True),
            )
        )

    def get_object(self, request, object_id, from_field=None):
        source = super().get_object(request, object_id, from_field)
        if source is not None:
            source.viewer = request.user  # `stories` lists only the stories they may open
        return source

    def has_merge_permission(self, request):
        """Merging deletes the duplicates: it needs delete as well as change."""
        return self.has_change_permission(request) and self.has_delete_permission(request)

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("report/", report, name="articles_source_report"), *super().get_urls()]

    def view_on_site(self, source):
        """Only sources quoted in a published story have a public page."""
        quoted = Story.objects.published().filter(
            quotes__source=source, quotes__status=Quote.Status.CONFIRMED
        )
        return source.get_absolute_url() if quoted.exists() else None

    @admin.display(description="Confirmed quotes", ordering="confirmed_count")
    def confirmed_count(self, source):
        return source.confirmed_count

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, source):
        return source.story_count

    @admin.display(description="Stories quoting this source")
    def stories(self, source):
        viewer = getattr(source, "viewer", None)
        if viewer is None:
            return "—"
        rows = (
            source.quotes.filter(openable(viewer, "story__"))
            .values("story", "story__headline", "story__status")
            .annotate(
                total=Count("pk"), confirmed=Count("pk", filter=Q(status=Quote.Status.CONFIRMED))
            )
            .order_by("-story")
        )
        if not rows:
            return "None yet."
        return format_html(
            "<ul class='source-stories'>{}</ul>",
            format_html_join(
                "",
                "<li><a href='{}'>{}</a> ({}): {} of {} quotes confirmed</li>",
                (
                    (
                        reverse("admin:articles_story_change", args=[row["story"]]),
                        row["story__headline"],
                        row["story__status"],
                        row["confirmed"],
                        row["total"],
                    )
                    for row in rows
                ),
            ),
        )

    @admin.action(description="Merge duplicate sources into one…", permissions=["merge"])
    def merge_duplicates(self, request, queryset):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        sources = list(queryset.order_by("name", "pk"))
        if len(sources) < 2:
            self.message_user(request, "Select at least two sources to merge.", messages.ERROR)
            return None
        if "keep" in request.POST:
            keep = next((s for s in sources if str(s.pk) == request.POST["keep"]), None)
            if keep is None:
                self.message_user(
                    request, "Choose one of the selected sources to keep.", messages.ERROR
                )
                return None
            moved = merge_sources(keep, sources)
            self.message_user(
                request,
                f"Merged {len(sources) - 1} source(s) into “{keep}”: {moved} quote(s) moved, "
                "names kept as aliases.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/articles/source/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge duplicate sources",
                "opts": self.opts,
                "sources": sources,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def report_view(self, request):
        if not (self.has_view_permission(request) and request.user.has_perm("articles.view_quote")):
            raise PermissionDenied
        form = ReportFilterForm(request.GET)
        rows, totals = [], None
        if form.is_valid():
            rows, totals = sourcing_report(form.stories())
            if request.GET.get("format") == "csv":
                out = io.StringIO()
                write_csv(rows, totals, out)
                response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = 'attachment; filename="sourcing-report.csv"'
                return response
        query = request.GET.copy()
        query["format"] = "csv"
        return TemplateResponse(
            request,
            "admin/articles/source/report.html",
            {
                **self.admin_site.each_context(request),
                "title": "Sourcing report",
                "opts": self.opts,
                "form": form,
                "rows": rows,
                "totals": totals,
                "kinds": Source.Kind.choices,
                "csv_query": query.urlencode(),
            },
        )


class SourceKindFilter(admin.SimpleListFilter):
    title = "source kind"
    parameter_name = "source_kind"

    def lookups(self, request, model_admin):
        return Source.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Source.Kind.values:
            return queryset.filter(source__kind=self.value())
        return queryset


class QuoteForm(forms.ModelForm):
    user = None  # set per request by QuoteAdmin.get_form

    def clean_story(self):
        story = self.cleaned_data["story"]
        if not may_edit(self.user, story):
            raise forms.ValidationError(
                "You can only add quotes to stories you may edit (your own drafts); an editor "
                "can add this one."
            )
        return story


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    """Quotes across stories. Everyone sees the quotes of the stories they may open; only the
    people who may change a story change its quotes (reporters: their own drafts)."""

    form = QuoteForm
    list_display = ("short_text", "status", "attributed_to", "story_headline", "kind")
    list_filter = ("status", "kind", SourceKindFilter, "story__section")
    list_select_related = ("source", "story")
    search_fields = ("text", "speaker", "described_as", "source__name", "story__headline")
    autocomplete_fields = ("story", "source")
    actions = ("confirm", "reject", "back_to_suggested")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    fields = (
        "story", "text", "speaker", "source", "described_as", ("kind", "verbatim"), "cue",
        "status", "position", ("start", "end"),
    )  # fmt: skip

    class Media:
        css = {"all": ("articles/admin.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).filter(openable(request.user, "story__"))

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

    @admin.display(description="Quote", ordering="text")
    def short_text(self, quote):
        return quote.text if len(quote.text) <= 120 else quote.text[:117].rstrip() + "…"

    @admin.display(description="Attributed to", ordering="source__name")
    def attributed_to(self, quote):
        if quote.source:
            return quote.source.name
        return format_html("{} <small>(no source yet)</small>", quote.speaker or "unknown")

    @admin.display(description="Story", ordering="story__headline")
    def story_headline(self, quote):
        headline = quote.story.headline
        return headline if len(headline) <= 40 else headline[:37].rstrip() + "…"

    @admin.action(description="Confirm selected quotes", permissions=["change"])
    def confirm(self, request, queryset):
        if self.refuse_other_stories(request, queryset):
            return
        without_source = queryset.filter(source__isnull=True).count()
        count = set_status(queryset.filter(source__isnull=False), Quote.Status.CONFIRMED)
        self.message_user(request, f"Confirmed {count} quote(s).", messages.SUCCESS)
        if without_source:
            self.message_user(
                request,
                f"{without_source} quote(s) have no source yet and were left as they were: "
                "choose a source, then confirm.",
                messages.WARNING,
            )

    @admin.action(description="Reject selected quotes", permissions=["change"])
    def reject(self, request, queryset):
        if self.refuse_other_stories(request, queryset):
            return
        count = set_status(queryset, Quote.Status.REJECTED)
        self.message_user(request, f"Rejected {count} quote(s).", messages.SUCCESS)

    @admin.action(description="Mark selected quotes as suggested again", permissions=["change"])
    def back_to_suggested(self, request, queryset):
        if self.refuse_other_stories(request, queryset):
            return
        count = set_status(queryset, Quote.Status.SUGGESTED)
        self.message_user(request, f"{count} quote(s) are suggestions again.", messages.SUCCESS)


def set_status(quotes, status):
    """Set the status of `quotes` in one UPDATE; what readers see of them follows."""
    before = list(quotes.values(*invalidation.QUOTE_FIELDS))
    count = quotes.update(status=status, modified=timezone.now())
    for state in before:
        invalidation.quote_changed(state, state | {"status": status})
    return count
