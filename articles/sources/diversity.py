"""Who we quote, by the sources' own answers: shares per section, author and month.

The one rule: a share is shown only for a group of at least ``MIN_GROUP`` sources who
answered (no small-cell disclosure), and never per person. Sources who did not answer, or
chose "Prefer not to say" for a question, count as that: nothing is ever guessed (from a
name or anything else).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F
from django.db.models.functions import TruncMonth

from ..models import Quote, SelfIdAnswer, SelfIdCategory, SelfIdentification

MIN_GROUP = 5
GROUPINGS = {  # label -> how a confirmed quote's story is grouped
    "section": F("story__section__name"),
    "author": F("story__bylines__author__name"),
    "month": TruncMonth("story__published_at"),
}


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: float


@dataclass
class Group:
    """One row of the report: a section, an author, a month, or all of them."""

    label: object
    quoted: int  # distinct named sources quoted
    answered: int  # of them, how many answered the form
    categories: list[tuple[str, list[Share]]] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_GROUP


def diversity_report(stories) -> dict:
    """{"categories": [...], "total": Group, "section": [Group], "author": [...], "month":
    [...]} for the confirmed quotes of ``stories`` (published stories, already filtered)."""
    quotes = Quote.objects.confirmed().filter(story__in=stories, source__isnull=False)
    categories = list(SelfIdCategory.objects.prefetch_related("options"))
    answered = set(
        SelfIdentification.objects.filter(source__in=quotes.values("source_id")).values_list(
            "source_id", flat=True
        )
    )
    answers = defaultdict(dict)  # source -> {category: option label}
    for source, category, label in SelfIdAnswer.objects.filter(
        identification__source_id__in=answered
    ).values_list("identification__source_id", "category_id", "option__label"):
        answers[source][category] = label
    all_sources = set(quotes.values_list("source_id", flat=True).distinct())
    report = {"categories": categories, "min_group": MIN_GROUP}
    report["total"] = _group("All published stories", all_sources, answered, answers, categories)
    for name, key in GROUPINGS.items():
        members = defaultdict(set)
        for group, source in (
            quotes.annotate(group=key).values_list("group", "source_id").distinct().order_by()
        ):
            if group is not None:
                members[group].add(source)
        rows = [
            _group(group, sources, answered, answers, categories)
            for group, sources in members.items()
        ]
        reverse = name == "month"
        report[name] = sorted(rows, key=lambda g: g.label, reverse=reverse)
    report["tables"] = [(name, report[name]) for name in GROUPINGS]
    return report


def _group(label, sources, answered, answers, categories) -> Group:
    respondents = sources & answered
    group = Group(label, len(sources), len(respondents))
    if not group.shown:
        return group  # too few to show anything about them
    for category in categories:
        counts = defaultdict(int)
        for source in respondents:
            counts[answers[source].get(category.pk, "")] += 1
        shares = [
            Share(option.label, counts[option.label], _pct(counts[option.label], len(respondents)))
            for option in category.options.all()
        ]
        unanswered = counts[""]
        shares.append(Share("Prefer not to say", unanswered, _pct(unanswered, len(respondents))))
        group.categories.append((category.name, shares))
    return group


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
