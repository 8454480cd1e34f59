"""The sourcing report: who our published stories quote, per section, author and month."""

import csv
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import Quote, Section, Source, Story

NO_BYLINE = "(no byline)"
KINDS = Source.Kind.choices


@dataclass(frozen=True)
class ReportRow:
    month: datetime | None
    section: str
    author: str
    stories: int
    sources: int
    quotes: int
    sources_by_kind: dict  # kind value -> distinct sources of that kind

    def share(self, kind):
        """Share of this row's distinct sources that are of `kind`, in per cent."""
        return round(100 * self.sources_by_kind[kind] / self.sources, 1) if self.sources else 0.0

    @property
    def shares(self):
        return [(label, self.share(kind)) for kind, label in KINDS]


class ReportFilterForm(forms.Form):
    start = forms.DateField(
        label="From month", required=False, input_formats=["%Y-%m"], widget=forms.DateInput(
            attrs={"type": "month"}, format="%Y-%m"
        )
    )  # fmt: skip
    end = forms.DateField(
        label="To month", required=False, input_formats=["%Y-%m"], widget=forms.DateInput(
            attrs={"type": "month"}, format="%Y-%m"
        )
    )  # fmt: skip
    section = forms.ModelChoiceField(
        Section.objects.all(), required=False, empty_label="All sections", to_field_name="slug"
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError("“To month” is before “From month”.")
        return cleaned

    def stories(self):
        """The published stories the report covers (call after is_valid())."""
        stories = Story.objects.published()
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        if data.get("start"):
            first = datetime(data["start"].year, data["start"].month, 1, tzinfo=tz)
            stories = stories.filter(published_at__gte=first)
        if data.get("end"):
            year, month = data["end"].year + data["end"].month // 12, data["end"].month % 12 + 1
            stories = stories.filter(published_at__lt=datetime(year, month, 1, tzinfo=tz))
        if data.get("section"):
            stories = stories.filter(section=data["section"])
        return stories


def _counts():
    confirmed = Q(quotes__status=Quote.Status.CONFIRMED)
    counts = {
        "n_stories": Count("pk", distinct=True),
        "n_sources": Count("quotes__source", distinct=True, filter=confirmed),
        "n_quotes": Count("quotes", distinct=True, filter=confirmed),
    }
    for kind, _ in KINDS:
        counts[f"kind_{kind}"] = Count(
            "quotes__source", distinct=True, filter=confirmed & Q(quotes__source__kind=kind)
        )
    return counts


def _row(values, month=None, section="", author=""):
    return ReportRow(
        month=month,
        section=section,
        author=author,
        stories=values["n_stories"],
        sources=values["n_sources"],
        quotes=values["n_quotes"],
        sources_by_kind={kind: values[f"kind_{kind}"] for kind, _ in KINDS},
    )


def sourcing_report(stories):
    """Rows per month, section and author (newest month first), and a totals row.

    A story with two authors counts for each of them; the totals count it once.
    """
    grouped = (
        stories.annotate(month=TruncMonth("published_at"))
        .values("month", "section__name", "bylines__author__name")
        .annotate(**_counts())
        .order_by("-month", "section__name", "bylines__author__name")
    )
    rows = [
        _row(
            values,
            values["month"],
            values["section__name"],
            values["bylines__author__name"] or NO_BYLINE,
        )
        for values in grouped
    ]
    totals = _row(stories.order_by().aggregate(**_counts()))
    return rows, totals


def write_csv(rows, totals, out):
    writer = csv.writer(out)
    kinds = [kind for kind, _ in KINDS]
    writer.writerow(
        ["month", "section", "author", "stories", "distinct_sources", "quotes"]
        + [f"{kind}_sources" for kind in kinds]
        + [f"{kind}_share_pct" for kind in kinds]
    )
    for row in [*rows, totals]:
        writer.writerow(
            [
                f"{row.month:%Y-%m}" if row.month else "total",
                row.section,
                row.author,
                row.stories,
                row.sources,
                row.quotes,
                *(row.sources_by_kind[kind] for kind in kinds),
                *(row.share(kind) for kind in kinds),
            ]
        )
