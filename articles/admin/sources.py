"""The editors' CMS for sources: keep the registry clean (merge near-duplicates), send a
source the self-identification link, and the sourcing report."""

import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ..editorial.ownership import openable
from ..models import ConsentRequest, Quote, SelfIdentification, Source, Story
from ..sources.diversity import diversity_report
from ..sources.duplicates import duplicate_pairs, similar_sources
from ..sources.suggest import merge_sources
from .reports import ReportFilterForm, sourcing_report, write_csv


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
    readonly_fields = (
        "stories", "possible_duplicates", "self_identification_status", "created", "modified",
    )  # fmt: skip
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    change_list_template = "admin/articles/source/change_list.html"
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "pronoun", "aliases", "possible_duplicates")}),
        ("Public", {"fields": ("role", "affiliation", "description")}),
        (
            "Private",
            {
                "fields": ("contact_notes",),
                "description": "Only staff see this. It never reaches the public site or feeds.",
            },
        ),
        (
            "Self-identification",
            {
                "fields": ("self_identification_status",),
                "description": "Asked only with the source's consent, through a private link. "
                "Answers are kept apart from this record and never shown per person.",
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
        view = self.admin_site.admin_view
        return [
            path("report/", view(self.report_view), name="articles_source_report"),
            path("duplicates/", view(self.duplicates_view), name="articles_source_duplicates"),
            path("<int:pk>/self-id-link/", view(self.link_view), name="articles_source_link"),
            path(
                "<int:pk>/self-id-delete/",
                view(self.delete_answers_view),
                name="articles_source_delete_answers",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        obj.created_by_confirmation = False  # an editor has looked after it: it stays
        super().save_model(request, obj, form, change)

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

    @admin.display(description="Possible duplicates")
    def possible_duplicates(self, source):
        if not source.pk:
            return "—"
        similar = similar_sources(source.name, exclude=[source])
        if not similar:
            return "None found."
        changelist = reverse("admin:articles_source_changelist")
        return format_html(
            "<ul class='possible-duplicates'>{}</ul>",
            format_html_join(
                "",
                "<li><a href='{}'>{}</a> ({} % alike) — "
                "<a class='merge-link' href='{}?merge={},{}'>merge…</a></li>",
                (
                    (
                        reverse("admin:articles_source_change", args=[s.source.pk]),
                        s.source.name,
                        s.score,
                        changelist,
                        source.pk,
                        s.source.pk,
                    )
                    for s in similar
                ),
            ),
        )

    @admin.display(description="Self-identification")
    def self_identification_status(self, source):
        if not source.pk:
            return "—"
        answered = SelfIdentification.objects.filter(source=source).first()
        links = list(source.consent_requests.all()[:5])
        parts = []
        if answered:
            parts.append(
                format_html(
                    "Answered on {} with consent recorded. <a class='button' href='{}'>"
                    "Delete the answers (on request)…</a>",
                    f"{answered.consented_at:%-d %B %Y}",
                    reverse("admin:articles_source_delete_answers", args=[source.pk]),
                )
            )
        else:
            parts.append("No answers.")
        parts.append(
            format_html(
                "<a class='button' href='{}'>Create a private self-identification link…</a>",
                reverse("admin:articles_source_link", args=[source.pk]),
            )
        )
        if links:
            parts.append(
                format_html(
                    "<ul class='consent-links'>{}</ul>",
                    format_html_join(
                        "",
                        "<li>Link of {}: {}, expires {}</li>",
                        (
                            (
                                f"{r.created:%-d %b %Y}",
                                r.get_state_display(),
                                f"{r.expires_at:%-d %b %Y}",
                            )
                            for r in links
                        ),
                    ),
                )
            )
        return format_html_join("", "<p>{}</p>", ((part,) for part in parts))

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
        rows, totals, diversity = [], None, None
        if form.is_valid():
            rows, totals = sourcing_report(form.stories())
            diversity = diversity_report(form.stories())
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
                "diversity": diversity,
                "csv_query": query.urlencode(),
            },
        )

    def changelist_view(self, request, extra_context=None):
        """`?merge=3,7` (from a duplicate suggestion) goes straight to the merge screen."""
        merge = request.GET.get("merge", "")
        if merge:
            pks = [int(pk) for pk in merge.split(",") if pk.isdigit()]
            sources = Source.objects.filter(pk__in=pks)
            if len(pks) >= 2 and sources.count() == len(set(pks)):
                return self.merge_duplicates(request, self.get_queryset(request).filter(pk__in=pks))
            self.message_user(request, "Those sources no longer exist.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().changelist_view(request, extra_context)

    def duplicates_view(self, request):
        """Pairs of sources that are probably the same person or organisation."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/articles/source/duplicates.html",
            {
                **self.admin_site.each_context(request),
                "title": "Possible duplicate sources",
                "opts": self.opts,
                "pairs": duplicate_pairs(),
            },
        )

    def link_view(self, request, pk):
        """Create a private, expiring, single-use link to the self-identification form.
        The link is shown once: only a hash of it is kept."""
        source = get_object_or_404(Source, pk=pk)
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Self-identification link for {source}",
            "opts": self.opts,
            "source": source,
        }
        if request.method == "POST":
            with transaction.atomic():
                now = timezone.now()
                source.consent_requests.filter(used_at=None, revoked_at=None).update(revoked_at=now)
                consent, token = ConsentRequest.issue(source, request.user)
            context["link"] = request.build_absolute_uri(
                reverse("articles:consent-form", args=[token])
            )
            context["consent"] = consent
        return TemplateResponse(request, "admin/articles/source/self_id_link.html", context)

    def delete_answers_view(self, request, pk):
        """Delete a source's self-identification on their request (asks first)."""
        source = get_object_or_404(Source, pk=pk)
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        answered = SelfIdentification.objects.filter(source=source).first()
        change_url = reverse("admin:articles_source_change", args=[source.pk])
        if request.method == "POST":
            if answered is not None:
                with transaction.atomic():
                    if answered.request_id:
                        ConsentRequest.objects.filter(pk=answered.request_id).update(
                            answers_deleted_at=timezone.now()
                        )
                    answered.delete()
                self.message_user(
                    request, f"The self-identification answers of {source} were deleted."
                )
            else:
                self.message_user(request, f"{source} has no answers to delete.", messages.INFO)
            return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/articles/source/self_id_delete.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Delete the self-identification of {source}",
                "opts": self.opts,
                "source": source,
                "answered": answered,
                "change_url": change_url,
            },
        )
