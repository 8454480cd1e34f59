"""The editors' CMS: stories, bylines, sections, tags and authors."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, Count, Q, When
from django.urls import reverse
from django.utils.html import format_html

from ..editorial.workflow import (
    PUBLISH_PERMISSION,
    PUBLISHER_STATUSES,
    change_status,
    publication_fields,
)
from ..images import ACCEPT
from ..listing import search
from ..models import Author, Byline, Section, Story, Tag
from .actions import BOTH_LOCATIONS
from .quotes import QuoteInline, extract_quotes
from .workflow import ScheduleFilter, StoryWorkflowAdmin, StoryWorkflowForm


class StoryCountAdmin(admin.ModelAdmin):
    """A changelist column with how many stories each row is filed under (one query), and a
    search (the story form's autocomplete too) that lists names starting with the words
    first: "Rus" offers Russia before Belarus."""

    story_count_lookup = Count("stories")

    def get_queryset(self, request):
        # The count's GROUP BY drops Meta.ordering (Django leaves it out of aggregate
        # queries), and a paginated autocomplete warns about an unordered list: order here.
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=self.story_count_lookup)
            .order_by(*self.get_ordering(request) or self.model._meta.ordering)
        )

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete view passes its term on unchecked; PostgreSQL refuses a NUL.
        search_term = search_term.replace("\x00", "")
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            first = Case(
                When(name__istartswith=term, then=0),
                When(name__icontains=f" {term}", then=1),  # a later word starts so
                default=2,
            )
            ordering = results.query.order_by or self.model._meta.ordering
            results = results.order_by(first, *ordering)
        return results, may_have_duplicates

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


@admin.register(Section)
class SectionAdmin(StoryCountAdmin):
    list_display = ("name", "slug", "position", "story_count")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(StoryCountAdmin):
    list_display = ("name", "slug", "story_count")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(StoryCountAdmin):
    list_display = ("name", "job_title", "user", "story_count")
    search_fields = ("name", "job_title")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)
    story_count_lookup = Count("bylines__story", distinct=True)


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 1
    autocomplete_fields = ("author",)
    fields = ("author", "role", "position")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "author":
            # Add a guest contributor or fix a name from here; deleting or viewing an author
            # is for the authors' own page, and the row stays narrow enough for a phone.
            field.widget.can_delete_related = field.widget.can_view_related = False
        return field


class StoryAdminForm(StoryWorkflowForm):
    class Meta:
        model = Story
        fields = (
            "headline", "slug", "standfirst", "dateline", "body", "section", "tags",
            "status", "published_at", "withdraw_at", "updated_at", "seo_description",
            "image", "image_alt", "image_caption", "image_credit",
        )  # fmt: skip
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 2}),
            "image": forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        }

    def clean_status(self):
        status = self.cleaned_data["status"]
        changed = self.instance.pk is None or status != self.instance.status
        if changed and status in PUBLISHER_STATUSES and not self.can_publish:
            raise forms.ValidationError(
                "Only editors with the publish permission can publish or withdraw a story. "
                "Submit it for review instead."
            )
        return status

    def clean(self):
        cleaned = super().clean()
        cleaned |= publication_fields(
            cleaned.get("status"), cleaned.get("published_at"), cleaned.get("withdraw_at")
        )
        return cleaned


@admin.register(Story)
class StoryAdmin(StoryWorkflowAdmin):
    form = StoryAdminForm
    list_display = ("headline", "status", "schedule", "section", "byline_names")
    list_editable = ("status",)
    list_filter = ("status", ScheduleFilter, "section", "tags")
    list_select_related = ("section",)
    search_fields = ("headline", "standfirst", "slug", "bylines__author__name")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("section", "tags")
    inlines = (BylineInline, QuoteInline)
    actions = ("publish", "withdraw", extract_quotes)
    readonly_fields = ("created", "created_by", "modified", "version", "image_preview")

    class Media:
        css = {"all": ("articles/admin.css",)}

    fieldsets = (
        (
            None,
            {"fields": ("headline", "slug", "standfirst", "dateline", "body", "loaded_version")},
        ),
        (
            "Lead image",
            {"fields": ("image_preview", "image", "image_alt", "image_caption", "image_credit")},
        ),
        ("Filing", {"fields": ("section", "tags")}),
        (
            "Publication",
            {"fields": ("status", "published_at", "withdraw_at", "updated_at", "workflow_note")},
        ),
        ("Search and social", {"fields": ("seo_description",), "classes": ("collapse",)}),
        (
            "History",
            {"fields": ("created", "created_by", "modified", "version"), "classes": ("collapse",)},
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    def get_search_results(self, request, queryset, search_term):
        """The fields above (slug and bylines too), or the public search's match on headline,
        standfirst and body: full text on PostgreSQL, folded words elsewhere."""
        search_term = search_term.replace("\x00", "")  # PostgreSQL refuses a NUL
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search.words(search_term) or len(search_term) > search.MAX_QUERY_LENGTH:
            return results, may_have_duplicates
        in_fields = Q(pk__in=results.values("pk"))  # a subquery: no joins, no duplicates
        return queryset.filter(search.matches(queryset, search_term) | in_fields), False

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def view_on_site(self, obj):
        """Public stories link to their page; anything else to the staff-only preview."""
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("articles:story-preview", args=[obj.pk])

    @admin.display(description="Current image")
    def image_preview(self, obj):
        if not obj or not obj.image:
            return "No lead image yet."
        return format_html(
            '<img class="lead-image-preview" src="{}" alt="{}" width="{}" height="{}">',
            obj.image.url,
            obj.image_alt,
            obj.image_width or "",
            obj.image_height or "",
        )

    @admin.display(description="Bylines")
    def byline_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all())

    @admin.action(
        description="Publish (now, unless a later time is set)",
        permissions=["publish"],
        location=BOTH_LOCATIONS,
    )
    def publish(self, request, queryset):
        count = change_status(queryset, Story.Status.PUBLISHED, request.user)
        self.message_user(request, f"Published {count} {pluralize_story(count)}.", messages.SUCCESS)

    @admin.action(
        description="Withdraw from the site", permissions=["publish"], location=BOTH_LOCATIONS
    )
    def withdraw(self, request, queryset):
        count = change_status(queryset, Story.Status.WITHDRAWN, request.user)
        self.message_user(request, f"Withdrew {count} {pluralize_story(count)}.", messages.SUCCESS)


def pluralize_story(count):
    return "story" if count == 1 else "stories"
