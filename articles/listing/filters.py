"""Which published stories the listing shows: `StoryFilter`, and how it treats bad input.

Rules for invalid input (each is tested in tests/test_listing.py). The page always answers 200
and lists the stories of the filters that *were* valid, with a notice per ignored filter
saying which and why; it never fails and never shows an empty list because of bad input.

- An unknown or malformed section, tag, author or source slug: that filter is ignored.
- A malformed or out-of-range date (before 1800, after 2200): that date is ignored.
  "From" later than "To": the two are swapped (the reader surely meant the range).
- `ordering` not one of newest/oldest/relevance: newest (relevance when searching).
  `ordering=relevance` without search words: newest.
- `q` longer than MAX_QUERY_LENGTH characters, or holding a NUL character: the search is
  ignored (not truncated: a cut-off query would answer a question nobody asked).
  `q` with no searchable word (only stop words or punctuation): the search is ignored.
- A single-valued parameter given several times: the first value is used.
  More than MAX_TAGS tags: the first MAX_TAGS are used. A repeated tag counts once.
- Unknown parameters: ignored with a notice, except tracking parameters (utm_*, fbclid,
  gclid …) which links from elsewhere carry and which are ignored silently.
- `page`: see listing.py (not a number or below 1: page 1; past the end: the last page).
- The one 400: more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) parameters, which Django
  refuses before any view runs; templates/400.html says why and links back to the list.
"""

import copy
import re
from datetime import date, datetime, time, timedelta
from functools import cache
from types import SimpleNamespace

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections
from django.db.models import Exists, F, OuterRef, Subquery, Sum, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from .. import navigation
from ..links import TRACKING
from ..models import (
    Author,
    Byline,
    FacetListing,
    ListingCount,
    Quote,
    Source,
    SourceListing,
    Story,
    Tag,
)
from ..snapshots.prepared import Prepared
from . import search

MAX_TAGS = 5
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")
PARAMETERS = (
    "q",
    "section",
    "tag",
    "author",
    "source",
    "published_after",
    "published_before",
    "ordering",
    "page",
)
LABELS = {
    "q": "search",
    "section": "section",
    "tag": "tag",
    "author": "author",
    "source": "source",
    "published_after": "“from” date",
    "published_before": "“to” date",
    "ordering": "order",
    "page": "page",
}
ORDERING = [("newest", "Newest first"), ("oldest", "Oldest first"), ("relevance", "Relevance")]
ORDER_BY = {
    "newest": ("-published_at", "-pk"),
    "oldest": ("published_at", "pk"),
    "relevance": ("-rank", "-published_at", "-pk"),
}
# What SourceListing and FacetListing can answer alone, besides their own facet (see
# StoryFilter.in_order).
LISTING_FILTERS = {"section", "published_after", "published_before", "ordering"}
# Facet models looked up by slug, in one query for the whole request (see `_resolve`).
LOOKUPS = {"tag": Tag, "author": Author, "source": Source}


def _text(expression):
    return Cast(expression, output_field=TextField())


def _tag_stories():
    """A tag's standing stories, from ListingCount (PostgreSQL; none on SQLite): which of
    several chosen tags is the rarest (StoryFilter.rarest_first)."""
    counts = ListingCount.objects.filter(kind="tag", facet_id=OuterRef("pk")).order_by()
    return Subquery(counts.values("facet_id").annotate(n=Sum("stories")).values("n")[:1])


# What a facet page shows about its subject, fetched in the same UNION (same column types); a
# tag's "info" is its number of stories.
DETAIL_FIELDS = {"tag": (), "author": ("job_title", "bio"), "source": ("role", "description")}
DETAILS = {
    "tag": {"info": _text(_tag_stories()), "about": _text(Value(""))},
    "author": {"info": _text(F("job_title")), "about": _text(F("bio"))},
    "source": {"info": _text(F("role")), "about": _text(F("description"))},
}
DATE_LIMITS = [
    MinValueValidator(date(1800, 1, 1), "Dates before 1800 cannot be used."),
    MaxValueValidator(date(2200, 12, 31), "Dates after 2200 cannot be used."),
]
DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD, for example 2024-03-01."}


def _quote(value, limit=40):
    value = "".join(ch if ch.isprintable() else "�" for ch in value)
    return f"“{value[:limit]}…”" if len(value) > limit else f"“{value}”"


class StoryFilter(django_filters.FilterSet):
    """The listing's filters over `Story.objects.published()`.

    `fixed` pins facets for the section, tag and author pages, e.g. {"tag": "energy"}: the
    page is the listing with that filter applied, whatever the query string says.
    """

    q = django_filters.CharFilter(
        label="Search stories",
        method="filter_q",
        max_length=search.MAX_QUERY_LENGTH,
        error_messages={
            "max_length": "Search text can be at most %(limit_value)d characters long "
            "(it has %(show_value)d)."
        },
    )
    section = django_filters.ChoiceFilter(
        label="Section", method="filter_section", empty_label="All sections"
    )
    tag = django_filters.MultipleChoiceFilter(label="Tags", method="filter_tag")
    author = django_filters.ChoiceFilter(label="Author", method="filter_author")
    source = django_filters.ChoiceFilter(label="Quoted source", method="filter_source")
    published_after = django_filters.DateFilter(
        label="From",
        method="filter_after",
        input_formats=["%Y-%m-%d"],
        validators=DATE_LIMITS,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_before = django_filters.DateFilter(
        label="To",
        method="filter_before",
        input_formats=["%Y-%m-%d"],
        validators=DATE_LIMITS,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ordering = django_filters.ChoiceFilter(
        label="Order",
        choices=ORDERING,
        method="filter_nothing",
        empty_label=None,
        error_messages={
            "invalid_choice": "“%(value)s” is not one of the orders offered "
            "(newest, oldest, relevance)."
        },
    )

    class Meta:
        model = Story
        fields = []

    def __init__(self, data, queryset=None, *, fixed=None, sections=None):
        self.notices = []
        self.now = timezone.now()  # one time for every query of the request
        self.missing_fixed = None  # set to the facet name when a pinned slug does not exist
        self.fixed = dict(fixed or {})
        if queryset is None:  # made public in filter_queryset, when a query needs it
            queryset = Story.objects.all()
        data = self._normalise(data)
        self.resolved = self._resolve(data, navigation.sections() if sections is None else sections)
        super().__init__(MultiValueDict(data), queryset=queryset)
        self.check()

    # --- The form: made once per process, its choices per request ---

    def get_form_class(self):
        return StoryFilterForm

    @property
    def form(self):
        """The bound form; the section, tag, author and source fields are per-request copies
        offering what this request resolved (the only choices it can be given: unknown slugs
        were taken out with a notice in `_resolve`)."""
        if not hasattr(self, "_form"):
            form = super().form
            for name in ("section", *LOOKUPS):
                choices = [(o.slug, o.name) for o in self.resolved[name].values()]
                form.fields[name] = _offering(form.fields[name], choices)
        return self._form

    # --- Input hygiene, before any form validation ---

    def _normalise(self, data):
        """A plain dict of lists with unknown, repeated and surplus values removed, noted."""
        clean, unknown = {}, []
        for key in data:
            values = [v for v in data.getlist(key) if v != ""]
            if key not in PARAMETERS:
                if not TRACKING.match(key):
                    unknown.append(key)
                continue
            if key == "tag":
                values = list(dict.fromkeys(values))
                if len(values) > MAX_TAGS:
                    self.notices.append(
                        f"At most {MAX_TAGS} tags can be combined; the first {MAX_TAGS} are used."
                    )
                    values = values[:MAX_TAGS]
            elif len(set(values)) > 1:
                self.notices.append(
                    f"Only one {LABELS[key]} can be chosen at a time; "
                    f"{_quote(values[0])} is used and the rest ignored."
                )
            if values:
                clean[key] = values if key == "tag" else values[:1]
        for key in unknown[:3]:
            self.notices.append(f"{_quote(key)} is not a filter on this page, so it was ignored.")
        if len(unknown) > 3:
            self.notices.append(f"{len(unknown) - 3} more unknown parameters were ignored.")
        for key, value in self.fixed.items():
            given = clean.get(key, [])
            if key == "tag":
                clean[key] = [value, *[v for v in given if v != value]][:MAX_TAGS]
            else:
                clean[key] = [value]
        return clean

    def _resolve(self, data, sections):
        """{"section": {slug: Section}, "tag": {…}, …} for the slugs asked for; notes unknown ones.

        Sections come from the navigation cache. Tags, authors and sources share one UNION
        query, so a page with every facet still costs one lookup query.
        """
        resolved = {"section": {s.slug: s for s in sections}}
        wanted = {}
        for name in ("section", *LOOKUPS):
            for slug in data.get(name, []):
                if not SLUG.match(slug):
                    self._unknown(data, name, slug, "is not a valid name")
                elif name != "section":
                    wanted.setdefault(name, set()).add(slug)
        for name in LOOKUPS:
            resolved[name] = {}
        if wanted:
            shape = tuple((name, len(slugs)) for name, slugs in wanted.items())
            values = {
                f"{name}{i}": slug
                for name, slugs in wanted.items()
                for i, slug in enumerate(sorted(slugs))
            }
            for row in _lookup_query(shape).rows(**values):
                kind = row["facet_kind"]
                fields = dict(zip(DETAIL_FIELDS[kind], (row["info"], row["about"]), strict=False))
                found = resolved[kind][row["slug"]] = LOOKUPS[kind](
                    pk=row["pk"], slug=row["slug"], name=row["name"], **fields
                )
                if kind == "tag":
                    found.standing = int(row["info"] or 0)
        for name in ("section", *LOOKUPS):
            for slug in list(data.get(name, [])):
                if SLUG.match(slug) and slug not in resolved[name]:
                    self._unknown(data, name, slug, "does not exist")
        return resolved

    def _unknown(self, data, name, slug, why):
        data[name] = [v for v in data[name] if v != slug]
        if not data[name]:
            del data[name]
        if self.fixed.get(name) == slug:
            self.missing_fixed = name
        self.notices.append(f"The {LABELS[name]} {_quote(slug)} {why}, so it was ignored.")

    # --- Filtering ---

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset.published(self.now))
        return queryset.order_by(*self.order_by())

    def check(self):
        """Validate the form and note what was ignored or corrected: the cleaned data then
        holds what the listing uses (done on creation, so the stories' queryset is built
        only when a query needs it)."""
        self.form.errors  # noqa: B018 (validates the form)
        cleaned = self.form.cleaned_data
        after, before = cleaned.get("published_after"), cleaned.get("published_before")
        if after and before and after > before:
            cleaned["published_after"], cleaned["published_before"] = before, after
            self.notices.append("The “from” date was after the “to” date; the two were swapped.")
        for name, errors in self.form.errors.items():
            self.notices.append(f"The {LABELS[name]} was ignored: {' '.join(errors)}")
        if cleaned.get("q") and not search.words(cleaned["q"]):
            self.notices.append(
                f"The search {_quote(cleaned['q'])} has no words specific enough to search "
                "for, so it was ignored."
            )
            cleaned["q"] = ""
        if cleaned.get("ordering") == "relevance" and not cleaned.get("q"):
            self.notices.append(
                "Ordering by relevance needs search words; newest first is used instead."
            )

    def filter_q(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_section(self, queryset, name, value):
        return queryset.filter(section_id=self.resolved["section"][value].pk)

    # Facets through link tables are `pk IN (uncorrelated subquery)`: PostgreSQL plans it as
    # a semi-join either way, and SQLite then reads the link rows once instead of per story.

    def filter_tag(self, queryset, name, value):
        through = Story.tags.through.objects
        for slug in value:
            tagged = through.filter(tag_id=self.resolved["tag"][slug].pk).values("story_id")
            queryset = queryset.filter(pk__in=tagged)
        return queryset

    def filter_author(self, queryset, name, value):
        bylines = Byline.objects.filter(author_id=self.resolved["author"][value].pk)
        return queryset.filter(pk__in=bylines.values("story_id"))

    def filter_source(self, queryset, name, value):
        """Stories with a *confirmed* quote from the source; suggestions are not public."""
        quotes = Quote.objects.confirmed().filter(source_id=self.resolved["source"][value].pk)
        return queryset.filter(pk__in=quotes.values("story_id"))

    def filter_after(self, queryset, name, value):
        return queryset.filter(published_at__gte=_start_of(value))

    def filter_before(self, queryset, name, value):
        # "To" includes its whole day.
        return queryset.filter(published_at__lt=_start_of(value + timedelta(days=1)))

    def filter_nothing(self, queryset, name, value):
        return queryset  # ordering is applied last, in filter_queryset()

    # --- What the page needs to know ---

    @property
    def search_text(self):
        """The search words in effect ("" when none or when they were ignored)."""
        return self.form.cleaned_data.get("q") or ""

    @property
    def ordering_value(self):
        """newest, oldest or relevance: what the list is actually ordered by."""
        cleaned = self.form.cleaned_data
        asked = cleaned.get("ordering") or ("relevance" if cleaned.get("q") else "newest")
        return "newest" if asked == "relevance" and not cleaned.get("q") else asked

    def in_order(self, *, ids_only=False):
        """Every result as (story id, section id, publication time), newest or oldest first.

        For the newest/oldest orders only (relevance ranks in articles/listing.py). With
        `ids_only`, just the story ids, as a one-column queryset to use as a subquery.

        A listing narrowed by one source, tag or author, and otherwise by nothing but a section
        and dates (the facet pages, or that one filter), is read from SourceListing or
        FacetListing alone (on PostgreSQL, which keeps them): one index holds the facet's
        stories in date order with their section, so counting and paging cost what the facet's
        own stories cost, not what the archive's do; with several tags, the first tag's rows,
        each checked for the others. Every other listing reads the stories.
        Both give the same rows (tests/test_source_listing.py, tests/test_front.py).
        """
        cleaned = self.form.cleaned_data
        way = "" if self.ordering_value == "oldest" else "-"
        rows = self._lookup_rows(cleaned)
        if rows is not None:
            # The lookup tables name their copies of the story's columns as Story does.
            for name, narrow in (
                ("section", self.filter_section),
                ("published_after", self.filter_after),
                ("published_before", self.filter_before),
            ):
                if cleaned.get(name):
                    rows = narrow(rows, name, cleaned[name])
            rows = rows.order_by(f"{way}published_at", f"{way}story_id")
            return (
                rows.values("story_id")
                if ids_only
                else rows.values_list("story_id", "section_id", "published_at")
            )
        rows = self.qs.order_by(f"{way}published_at", f"{way}pk")
        return (
            rows.values("pk") if ids_only else rows.values_list("pk", "section_id", "published_at")
        )

    def in_order_sql(self, limit):
        """(sql, params) of the first `limit` rows of `in_order()`; with no search and no
        dates, from SQL compiled once per process for listings of the same shape (which
        filters, how many tags, the order), its values (ids, the time) put in place."""
        cleaned = self.form.cleaned_data
        in_effect = {name: value for name, value in cleaned.items() if value}
        if set(in_effect) - {"section", *LOOKUPS, "ordering"}:
            return self.in_order()[:limit].query.sql_with_params()
        values = {"now": self.now}
        for name, value in in_effect.items():
            if name != "ordering":
                # Tags rarest first: the compiled query reads the stories of tag0.
                for i, slug in enumerate(self.rarest_first() if name == "tag" else [value]):
                    values[f"{name}{i}"] = self.resolved[name][slug].pk
        shape = (self.ordering_value, limit, connections[self.queryset.db].vendor, *values)
        return _in_order_query(shape, self).sql(**values)

    def _twin(self, values):
        """A copy of this filterset for the same listing with other `values` (see
        in_order_sql): its own time, resolved ids and filters, the same cleaned data."""
        twin = copy.copy(self)
        twin.__dict__.pop("_qs", None)
        twin.now = values["now"]
        twin.resolved = {name: dict(found) for name, found in self.resolved.items()}
        cleaned = self.form.cleaned_data
        for name in ("section", *LOOKUPS):
            value = cleaned.get(name)
            for i, slug in enumerate((value if name == "tag" else [value]) if value else []):
                twin.resolved[name][slug] = SimpleNamespace(pk=values[f"{name}{i}"])
        twin.filters = copy.deepcopy(self.base_filters)
        for filter_ in twin.filters.values():
            filter_.parent = twin
        return twin

    def _lookup_rows(self, cleaned):
        """The public rows of SourceListing or FacetListing for a listing narrowed by one
        source, tags or one author and otherwise only by a section and dates; None for any
        other listing, or on SQLite (which keeps neither table)."""
        if connections[self.queryset.db].vendor != "postgresql":
            return None
        in_effect = {name for name, value in cleaned.items() if value}
        facets = in_effect - LISTING_FILTERS
        if len(facets) != 1:
            return None
        (name,) = facets
        if name == "source":
            pk = self.resolved["source"][cleaned["source"]].pk
            return SourceListing.objects.published(self.now).filter(source_id=pk)
        if name == "author":
            pk = self.resolved["author"][cleaned["author"]].pk
            return FacetListing.objects.published(self.now).filter(kind=name, facet_id=pk)
        if name != "tag":  # a search
            return None
        # Several tags: the rarest one's stories in date order, matched with each other tag's
        # on (story, time) too, so that PostgreSQL merges the tags' ranges of the date index,
        # both read in the same order, rather than probing the link table once a row.
        first, *others = (self.resolved["tag"][slug].pk for slug in self.rarest_first())
        rows = FacetListing.objects.published(self.now).filter(kind=name, facet_id=first)
        for pk in others:
            also = FacetListing.objects.filter(
                kind=name,
                facet_id=pk,
                status=Story.Status.PUBLISHED,
                story_id=OuterRef("story_id"),
                published_at=OuterRef("published_at"),
            )
            rows = rows.filter(Exists(also))
        return rows

    def counted(self):
        """(kind, facet id, section id or None, second tag id or None) when stored counts hold
        this listing's count: no search and no dates, and at most a section and one tag,
        author or source (ListingCount) or two tags (TagPairCount); else None. Kind "all"
        (facet 0) is the whole archive."""
        cleaned = self.form.cleaned_data
        in_effect = {name for name, value in cleaned.items() if value} - {"ordering"}
        facets = in_effect - {"section"}
        section = (
            self.resolved["section"][cleaned["section"]].pk if "section" in in_effect else None
        )
        if not facets:
            return ("all", 0, section, None)
        if len(facets) > 1 or facets == {"tag"} and len(cleaned["tag"]) > 2:
            return None
        (name,) = facets
        if name not in LOOKUPS:  # a search or a date
            return None
        if name == "tag":
            first, *also = (self.resolved["tag"][slug].pk for slug in self.rarest_first())
            return ("tag", first, section, also[0] if also else None)
        return (name, self.resolved[name][cleaned[name]].pk, section, None)

    def rarest_first(self):
        """The chosen tags' slugs, the tag with the fewest stories first (stored counts, on
        PostgreSQL; as given on SQLite, or among equals): several tags are read from the
        first one's stories, each checked for the others."""
        tags = self.resolved["tag"]
        return sorted(
            self.form.cleaned_data.get("tag") or [],
            key=lambda slug: getattr(tags[slug], "standing", 0),
        )

    def order_by(self):
        return ORDER_BY[self.ordering_value]

    def active(self):
        """The filters in effect, as (parameter, value, label) in a stable order."""
        cleaned, items = self.form.cleaned_data, []
        if cleaned.get("q"):
            items.append(("q", cleaned["q"], f"Search: {_quote(cleaned['q'], 60)}"))
        if cleaned.get("section"):
            items.append(
                ("section", cleaned["section"], self.resolved["section"][cleaned["section"]].name)
            )
        for slug in cleaned.get("tag") or []:
            items.append(("tag", slug, f"Tag: {self.resolved['tag'][slug].name}"))
        for name, prefix in (("author", "By"), ("source", "Quoting")):
            if cleaned.get(name):
                items.append(
                    (name, cleaned[name], f"{prefix} {self.resolved[name][cleaned[name]].name}")
                )
        if cleaned.get("published_after"):
            value = cleaned["published_after"]
            items.append(("published_after", value.isoformat(), f"From {value.day} {value:%b %Y}"))
        if cleaned.get("published_before"):
            value = cleaned["published_before"]
            items.append(("published_before", value.isoformat(), f"To {value.day} {value:%b %Y}"))
        return items


IN_ORDER_QUERIES = {}  # shape: Prepared; a few hundred shapes at the most


def _in_order_query(shape, storyfilter):
    """StoryFilter.in_order_sql's query for `shape`. The first listing of that shape makes
    it: `storyfilter` is used for the compiling only, on copies with the sample values."""
    if shape not in IN_ORDER_QUERIES:
        _, limit, _, *names = shape

        def build(**values):
            return storyfilter._twin(values).in_order()[:limit]

        kinds = {name: datetime if name == "now" else int for name in names}
        IN_ORDER_QUERIES[shape] = Prepared(build, **kinds)
    return IN_ORDER_QUERIES[shape]


@cache
def _lookup_query(shape):
    """The UNION of `_resolve` for `shape`, ((facet, number of slugs), …), compiled once per
    process: its values are the slugs, named facet0, facet1 … (tag0, author0 …)."""

    def build(**slugs):
        queries = [
            LOOKUPS[name]
            .objects.filter(slug__in=[slugs[f"{name}{i}"] for i in range(count)])
            .order_by()
            .annotate(facet_kind=_text(Value(name)), **DETAILS[name])
            .values_list("facet_kind", "pk", "slug", "name", *DETAILS[name])
            for name, count in shape
        ]
        return queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]

    return Prepared(build, **{f"{name}{i}": str for name, count in shape for i in range(count)})


class SharedFilters(dict):
    """A filterset's filters, copied for each request without a deep copy.

    django-filter deep-copies every filter (and the form field each holds) per filterset. The
    listing's filters hold nothing a request changes, so a shallow copy, bound to its own
    filterset through `method`, does: the fields stay shared.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, original in self.items():
            copies[name] = copy.copy(original)
            copies[name].method = original.method  # a FilterMethod of the copy, not of `original`
        return copies


class SharedFields(dict):
    """A form's fields, shared by its instances: Django deep-copies a form's fields (and their
    widgets) for each instance, so that one form may change its own. The listing's form changes
    only its choice fields, and replaces those with copies (`_offering`)."""

    def __deepcopy__(self, memo):
        return dict(self)


def _offering(field, choices):
    """A copy of the choice `field` offering `choices`, leaving the shared one as it was."""
    field = copy.copy(field)
    field.widget = copy.copy(field.widget)
    field.choices = choices
    return field


StoryFilter.base_filters = SharedFilters(StoryFilter.base_filters)
# One form class for every request (django-filter makes a new class per filterset otherwise).
StoryFilterForm = type(
    "StoryFilterForm",
    (StoryFilter._meta.form,),
    {name: filter_.field for name, filter_ in StoryFilter.base_filters.items()},
)
StoryFilterForm.base_fields = SharedFields(StoryFilterForm.base_fields)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))
