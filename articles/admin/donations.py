"""Reader-revenue staff's admin for money: donations (with the CSV import of offline gifts),
reminder addresses, and each appeal's results page."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..appeals.donations import CSV_COLUMNS, MAX_CSV_ROWS, import_csv
from ..appeals.results import appeal_results
from ..models import Appeal, Donation, Reminder
from .appeals import bar_chart

RESULT_SERIES = (
    ("seen", "Seen"),
    ("clicked", "Clicked"),
    ("donations", "Donations"),
    ("revenue", "Revenue (annualised)"),
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"Columns: {', '.join(CSV_COLUMNS)} (id, date, amount and currency required; "
        f"frequency once, monthly or yearly). At most {MAX_CSV_ROWS:,} gifts.",
    )


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = (
        "received_at", "amount_display", "frequency", "annualised", "appeal", "variant",
        "placement", "holdback", "provider",
    )  # fmt: skip
    list_filter = ("provider", "frequency", "holdback", "currency", "appeal")
    search_fields = ("event_id", "reference", "note", "appeal__name")
    date_hierarchy = "received_at"
    list_select_related = ("appeal", "variant")
    readonly_fields = [field.name for field in Donation._meta.fields]
    change_list_template = "admin/articles/donation/change_list.html"

    def has_add_permission(self, request):
        return False  # they come by webhook or import, never typed in

    def has_change_permission(self, request, obj=None):
        return False  # what a provider reported stays as it reported it

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj):
        return f"{obj.amount} {obj.currency}"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", view, name="articles_donation_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload offline gifts: every line checked, and nothing stored unless all are good."""
        if not self.has_view_permission(request) or not request.user.has_perm(
            "articles.add_donation"
        ):
            raise PermissionDenied
        result = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = import_csv(form.cleaned_data["file"].read())
            if not result.errors:
                already = (
                    f" {result.already} were imported before and were left alone."
                    if result.already
                    else ""
                )
                self.message_user(
                    request, f"Imported {result.stored} offline gifts.{already}", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:articles_donation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import offline gifts",
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/articles/donation/import.html", context)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Addresses readers left for one reminder; staff may only look and delete."""

    list_display = ("email", "month", "appeal", "confirmed", "created")
    list_filter = ("month", ("confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("email",)
    readonly_fields = ("email", "month", "appeal", "variant", "consent", "created", "confirmed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Confirmed", boolean=True, ordering="confirmed_at")
    def confirmed(self, obj):
        return obj.confirmed_at is not None


def percent(value, digits=0):
    return "–" if value is None else f"{value:.{digits}%}"


def lift_text(lift):
    """'+12 % (−3 % to +28 %)' for a (low, median, high) lift, or a dash."""
    if lift is None:
        return "–"
    low, median, high = (f"{value:+.0%}".replace("-", "−") for value in lift)
    return f"{median} ({low} to {high})"


def money(value, currency):
    return f"{value:,.2f} {currency}" if value is not None else "–"


def results_view(model_admin, request, object_id):
    """/admin/articles/appeal/<id>/results/: what the appeal raised, copy by copy."""
    appeal = get_object_or_404(Appeal, pk=object_id)
    if not model_admin.has_view_permission(request, appeal):
        raise PermissionDenied
    results = appeal_results(appeal)
    currency = results.currency
    rows = [
        {
            "name": copy.name,
            "views": f"{copy.views:,}",
            "seen": f"{copy.seen:,}",
            "clicks": f"{copy.clicks:,}",
            "click_rate": percent(copy.click_rate, 1),
            "donations": f"{copy.donations:,}",
            "per_1000": "–" if copy.per_1000_seen is None else f"{copy.per_1000_seen:.2f}",
            "revenue": money(copy.revenue, currency),
            "revenue_per_1000": money(copy.revenue_per_1000_seen, currency),
            "p_best": percent(copy.conversion.p_best) if copy.conversion else "–",
            "p_best_revenue": percent(copy.money.p_best) if copy.money else "–",
            "lift": lift_text(copy.conversion.lift) if copy.conversion else "–",
            "lift_revenue": lift_text(copy.money.lift) if copy.money else "–",
            "sampled": copy.sample_rate > 1,
        }
        for copy in results.copies
    ]
    holdback = results.holdback
    days = dict(results.days)
    chart = bar_chart(
        results.days[0][0], len(results.days), RESULT_SERIES, lambda d, key: days[d][key]
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": appeal,
        "title": f"Results: {appeal}",
        "appeal": appeal,
        "results": results,
        "rows": rows,
        "holdback": holdback,
        "holdback_lift": holdback and lift_text(holdback.revenue_lift),
        "holdback_conversion_lift": holdback and lift_text(holdback.conversion_lift),
        "holdback_revenue": holdback and money(holdback.revenue, currency),
        "holdback_views": holdback and f"{holdback.views:,}",
        "holdback_shown_views": holdback and f"{holdback.shown_views:,}",
        "shown_revenue": holdback and money(holdback.shown_revenue, currency),
        "chart": chart,
        "currency": currency,
        "donations_url": reverse("admin:articles_donation_changelist")
        + f"?appeal__id__exact={appeal.pk}",
        "bandit": appeal.bandit,
        "webhook_set_up": bool(settings.DONATION_WEBHOOK_SECRET or settings.STRIPE_WEBHOOK_SECRET),
    }
    return TemplateResponse(request, "admin/articles/appeal/results.html", context)
