"""Reader-revenue staff's admin: appeals, their A/B variants, and what readers did with them."""

import copy
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..durations import DurationInWordsField
from ..models import Appeal, AppealCounter, AppealVariant, Section
from ..models.appeals import default_heading
from .actions import ChangeFormActionsAdmin

LIST_DAYS = 7
CHART_DAYS = 30
CHART_SERIES = (
    ("rendered", "Shown"),
    ("seen", "Seen"),
    ("clicked", "Clicked"),
    ("snoozed", "Remind me later"),
    ("supporter", "Already support"),
    ("dismissed", "Closed"),
)


def scaled_since(event, since):
    """Sum of one counter since `since`, scaled back up by its sample rate, as an annotation:
    a subquery per listed appeal that reads only those days (the counter's (appeal, day)
    index), not a join over every day it ever counted."""
    rows = (
        AppealCounter.objects.filter(appeal=OuterRef("pk"), day__gte=since)
        .order_by()
        .values("appeal")
        .annotate(total=Sum(F(event) * F("sample_rate")))
        .values("total")
    )
    return Coalesce(Subquery(rows), 0)


def ctr(clicked, seen):
    return f"{clicked / seen:.1%}" if seen else "–"


class AppealVariantInline(admin.StackedInline):
    model = AppealVariant
    extra = 0
    fields = (("name", "weight"), "heading", "greeting", "body", "cta_label")


class AppealForm(forms.ModelForm):
    """The admin's form (fields come from the fieldsets); refuses contradictory targeting."""

    def clean(self):
        cleaned = super().clean()
        for kind in ("sections", "tags"):
            both = set(cleaned.get(f"include_{kind}") or ()) & set(
                cleaned.get(f"exclude_{kind}") or ()
            )
            if both:
                names = ", ".join(sorted(str(item) for item in both))
                self.add_error(f"exclude_{kind}", f"Both included and excluded: {names}.")
        return cleaned


@admin.register(Appeal)
class AppealAdmin(ChangeFormActionsAdmin):
    form = AppealForm
    list_display = (
        "name", "status", "where", "window", "seen_7d", "clicked_7d", "ctr_7d", "results",
    )  # fmt: skip
    list_filter = ("status", "placement")
    search_fields = ("name", "heading")
    autocomplete_fields = ("include_sections", "exclude_sections", "include_tags", "exclude_tags")
    inlines = (AppealVariantInline,)
    readonly_fields = (
        "preview", "chart", "variant_results", "reask", "results_link", "source_story",
        "created", "modified",
    )  # fmt: skip
    actions = ("reask_everyone",)
    formfield_overrides = {
        models.DurationField: {
            "form_class": DurationInWordsField,
            "widget": forms.TextInput(attrs={"size": 20, "placeholder": "e.g. 1 day"}),
        }
    }
    fieldsets = (
        ("As readers see it", {"fields": ("preview", "chart", "variant_results")}),
        (None, {"fields": ("name", "status", "placement", "inline_after", "priority")}),
        ("Schedule", {"fields": (("starts_at", "ends_at"),)}),
        (
            "Copy",
            {
                "fields": (
                    "heading",
                    "greeting",
                    "body",
                    "cta_label",
                    "donation_url",
                    "remind_label",
                    "support_label",
                )  # fmt: skip
            },
        ),
        (
            "Targeting",
            {
                "fields": (
                    ("include_sections", "exclude_sections"),
                    ("include_tags", "exclude_tags"),
                ),
                "description": "Empty include lists mean everywhere; excludes always win.",
            },
        ),
        (
            "Each reader",
            {
                "fields": (
                    "snooze_duration",
                    "support_duration",
                    "dismiss_duration",
                    "skip_first_views",
                    "max_per_day",
                    ("cap_views", "cap_days"),
                    "click_pause",
                    "offer_reminder",
                    "reask",
                ),  # fmt: skip
                "description": "Decided in each reader's browser, from what it stores there. "
                "Write “You've read {count} articles this month” in the body to show the "
                "reader's own count (never sent to us; readers can stop it).",
            },
        ),
        (
            "Testing and sampling",
            {
                "fields": (
                    "control_weight",
                    "holdback_percent",
                    "bandit",
                    ("bandit_metric", "bandit_floor_percent"),
                    "sample_rate",
                    "results_link",
                )
            },
        ),
        ("History", {"fields": ("source_story", "created", "modified"), "classes": ("collapse",)}),
    )

    class Media:
        css = {"all": ("articles/admin.css", "articles/appeal_admin.css")}
        js = ("articles/appeal_admin.js",)

    def get_queryset(self, request):
        since = timezone.localdate() - timedelta(days=LIST_DAYS - 1)
        return (
            super()
            .get_queryset(request)
            .annotate(
                seen_7d=scaled_since("seen", since),
                clicked_7d=scaled_since("clicked", since),
            )
        )

    def get_urls(self):
        from django.urls import path

        from .donations import results_view

        view = self.admin_site.admin_view(lambda request, pk: results_view(self, request, pk))
        return [
            path("<int:pk>/results/", view, name="articles_appeal_results"),
            *super().get_urls(),
        ]

    def get_changeform_initial_data(self, request):
        return {"heading": default_heading(), **super().get_changeform_initial_data(request)}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj else fieldsets[1:]

    @admin.display(description="Placement", ordering="placement")
    def where(self, obj):
        if obj.placement == Appeal.Placement.INLINE:
            return f"Inline, after ¶ {obj.inline_after}"
        return "Banner" if obj.placement == Appeal.Placement.BANNER else "End of story"

    @admin.display(description="Window", ordering="starts_at")
    def window(self, obj):
        start = timezone.localtime(obj.starts_at)
        if obj.ends_at is None:
            return f"{start:%d %b %Y} →"
        end = timezone.localtime(obj.ends_at)
        return f"{start:%d %b} – {end:%d %b %Y}"

    @admin.display(description=f"Seen {LIST_DAYS}d", ordering="seen_7d")
    def seen_7d(self, obj):
        return obj.seen_7d

    @admin.display(description=f"Clicks {LIST_DAYS}d", ordering="clicked_7d")
    def clicked_7d(self, obj):
        return obj.clicked_7d

    @admin.display(description="Results")
    def results_link(self, obj):
        if obj is None or obj.pk is None:
            return "Available once the appeal is saved."
        url = reverse("admin:articles_appeal_results", args=[obj.pk])
        return format_html(
            '<a href="{}">Donations, revenue and which copy is best</a>'
            '<p class="help">Per copy, with P(best), the lift’s 90 % interval and the lift over '
            "the holdback group.</p>",
            url,
        )

    @admin.display(description="Money")
    def results(self, obj):
        url = reverse("admin:articles_appeal_results", args=[obj.pk])
        return format_html('<a href="{}">Results</a>', url)

    @admin.display(description=f"CTR {LIST_DAYS}d")
    def ctr_7d(self, obj):
        return ctr(obj.clicked_7d, obj.seen_7d)

    # --- The change form's read-only panels ---

    @admin.display(description="Preview")
    def preview(self, obj):
        """Every copy readers may get (the main copy, then each variant), each in the readers'
        template, in a frame with the readers' stylesheet."""
        frames = [
            render_to_string(
                "admin/articles/appeal/preview.html",
                {
                    "label": label,
                    "prefix": prefix,
                    "document": render_to_string(
                        "admin/articles/appeal/preview_frame.html",
                        {
                            "appeal_html": render_to_string(
                                "articles/appeal_partials.html#appeal",
                                {"appeal": copy, "preview": True},
                            ),
                            "stylesheet": static("articles/site.css"),
                            "admin_stylesheet": static("articles/appeal_admin.css"),
                        },
                    ),
                },
            )
            for label, prefix, copy in preview_copies(obj)
        ]
        return format_html(
            '<div class="appeal-previews">{}</div><p class="help">As readers see each copy, with '
            "its share of readers; edits to the text show as you type. A variant added just now "
            "gets its preview once saved.</p>",
            mark_safe("".join(frames)),  # noqa: S308 (rendered templates, escaped inside)
        )

    @admin.display(description=f"Last {CHART_DAYS} days")
    def chart(self, obj):
        return render_to_string("admin/articles/appeal/chart.html", daily_chart(obj))

    @admin.display(description="Variants")
    def variant_results(self, obj):
        return render_to_string(
            "admin/articles/appeal/variant_results.html", {"rows": variant_rows(obj)}
        )

    @admin.display(description="Re-ask everyone")
    def reask(self, obj):
        """When readers were last re-asked, and the button (the change-form action) to do it."""
        if obj is None or obj.pk is None:
            return "Available once the appeal is saved."
        when = (
            f"Last re-asked {timezone.localtime(obj.reask_at):%d %b %Y %H:%M}."
            if obj.reask_at
            else "Never re-asked."
        )
        return format_html(
            '{} <button type="submit" class="button" name="CHANGE_FORM-action" '
            'value="reask_everyone">Re-ask everyone now</button>'
            '<p class="help">Readers who snoozed or closed this appeal see it again. '
            "Save other changes first: this button does not save the form.</p>",
            when,
        )

    # --- Actions and saving ---

    @admin.action(
        description="Re-ask everyone (readers who snoozed or closed it see it again)",
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_FORM],
    )
    def reask_everyone(self, request, queryset):
        now = timezone.now()
        appeals = list(queryset)
        for appeal in appeals:  # save(), not update(): caches of selections and pages follow
            appeal.reask_at = now
            appeal.save(update_fields=["reask_at", "modified"])
        names = ", ".join(f"“{appeal}”" for appeal in appeals)
        self.message_user(
            request,
            f"Re-asking everyone from {timezone.localtime(now):%d %b %Y %H:%M}: readers who "
            f"snoozed or closed {names} will see it again.",
            messages.SUCCESS,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for other in overlapping(form.instance):
            messages.warning(request, overlap_message(form.instance, other))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and (obj := self.get_object(request, object_id)):
            for other in overlapping(obj):
                messages.warning(request, overlap_message(obj, other))
        return super().change_view(request, object_id, form_url, extra_context)


def preview_copies(appeal):
    """(label, form prefix, appeal-like copy) for the main copy and each variant: a variant's
    blank fields fall back to the appeal's, as they do for readers."""
    variants = list(appeal.variants.all())
    total = appeal.control_weight + sum(v.weight for v in variants) or 1
    main = copy.copy(appeal)
    main.display_variants = []
    copies = [(f"Main copy · {appeal.control_weight / total:.0%} of readers", "", main)]
    for index, variant in enumerate(variants):
        shown = copy.copy(main)
        for name in ("heading", "greeting", "body", "cta_label"):
            setattr(shown, name, getattr(variant, name) or getattr(appeal, name))
        label = f"Variant “{variant.name}” · {variant.weight / total:.0%} of readers"
        copies.append((label, f"variants-{index}", shown))
    return copies


def daily_chart(appeal, days=CHART_DAYS, today=None):
    """Context for the SVG chart of the appeal's counters, one bar per day."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    totals = {
        row["day"]: row
        for row in AppealCounter.objects.filter(appeal=appeal, day__gte=first)
        .values("day")
        .annotate(**{e: Sum(F(e) * F("sample_rate")) for e, _ in CHART_SERIES})
    }
    return bar_chart(first, days, CHART_SERIES, lambda day, event: totals.get(day, {}).get(event))


def bar_chart(first, days, labelled, value):
    """Context for chart.html: one small bar chart per (key, label) of `labelled`, one bar per
    day from `first`; `value(day, key)` gives a bar's height (None: 0)."""
    width, row_height, bar_area, label_width = 620, 46, 30, 150
    step = (width - label_width) / days
    days_list = [first + timedelta(days=i) for i in range(days)]
    series = []
    for index, (event, label) in enumerate(labelled):
        values = [value(day, event) or 0 for day in days_list]
        peak = max(values) or 1
        top = index * row_height + 8
        bars = [
            {
                "x": round(label_width + i * step + 1, 1),
                "y": round(top + bar_area - v / peak * bar_area, 1),
                "height": round(v / peak * bar_area, 1),
                "value": v,
                "day": day,
            }
            for i, (day, v) in enumerate(zip(days_list, values, strict=True))
        ]
        series.append(
            {
                "event": event,
                "label": label,
                "total": sum(values),
                "peak": max(values),
                "bars": bars,
                "top": top,
                "baseline": top + bar_area,
                "label_y": top + 20,
            }
        )
    rows = [{"day": day, "values": [value(day, e) or 0 for e, _ in labelled]} for day in days_list]
    return {
        "series": series,
        "width": width,
        "height": len(labelled) * row_height + 22,
        "bar_width": round(max(step - 2, 1), 1),
        "label_width": label_width,
        "axis_y": len(labelled) * row_height + 14,
        "first": first,
        "last": days_list[-1],
        "days": days_list,
        "rows": [row for row in rows if any(row["values"])],
        "labels": [label for _, label in labelled],
    }


def variant_rows(appeal):
    """All-time results per copy (the main copy, then each variant), with click-through rates."""
    events = [event for event, _ in CHART_SERIES]
    sums = {
        row["variant"]: row
        for row in AppealCounter.objects.filter(appeal=appeal)
        .values("variant")
        .annotate(**{e: Sum(F(e) * F("sample_rate")) for e in events})
    }
    copies = [(None, "Main copy", appeal.control_weight)] + [
        (variant.pk, variant.name, variant.weight) for variant in appeal.variants.all()
    ]
    total_weight = sum(weight for *_, weight in copies) or 1
    rows = []
    for pk, name, weight in copies:
        row = sums.get(pk, {})
        values = {e: row.get(e) or 0 for e in events}
        rows.append(
            {
                "name": name,
                "share": f"{weight / total_weight:.0%}",
                **values,
                "ctr": ctr(values["clicked"], values["seen"]),
            }
        )
    return rows


def overlapping(appeal):
    """Other live appeals in the same placement whose windows and targeting overlap this one."""
    if appeal.pk is None or appeal.status != Appeal.Status.LIVE:
        return []
    others = (
        Appeal.objects.filter(status=Appeal.Status.LIVE, placement=appeal.placement)
        .exclude(pk=appeal.pk)
        .exclude(ends_at__lte=appeal.starts_at)
        .prefetch_related("include_sections", "exclude_sections", "include_tags", "exclude_tags")
    )
    if appeal.ends_at:
        others = others.filter(starts_at__lt=appeal.ends_at)
    mine = targeting_sets(appeal)
    every_section = set(Section.objects.values_list("pk", flat=True))
    return [
        other for other in others if targets_overlap(mine, targeting_sets(other), every_section)
    ]


def targeting_sets(appeal):
    return {
        name: {item.pk for item in getattr(appeal, name).all()}
        for name in ("include_sections", "exclude_sections", "include_tags", "exclude_tags")
    }


def targets_overlap(a, b, every_section):
    """Could one story match both? Sections: a story has one; tags: it may have several."""
    sections_a = (a["include_sections"] or every_section) - a["exclude_sections"]
    sections_b = (b["include_sections"] or every_section) - b["exclude_sections"]
    if not sections_a & sections_b:
        return False
    # Each side needs one of its tags (if it names any) that the other side does not exclude.
    if a["include_tags"] and not a["include_tags"] - b["exclude_tags"]:
        return False
    return not (b["include_tags"] and not b["include_tags"] - a["exclude_tags"])


def overlap_message(appeal, other):
    if appeal.priority == other.priority:
        outcome = "they have the same priority, so the one that started later shows"
    else:
        winner = appeal if appeal.priority > other.priority else other
        outcome = f"“{winner}” shows (higher priority)"
    return (
        f"“{appeal}” overlaps the live appeal “{other}” in the same placement "
        f"({appeal.get_placement_display().lower()}) and targeting: where both fit, {outcome}."
    )
