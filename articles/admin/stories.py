"""The editors' CMS: stories, bylines, sections, tags and authors."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from ..models import Author, Byline, Section, Story, Tag

PUBLISH_PERMISSION = "articles.publish_story"
# Statuses only people with the publish permission may set.
PUBLISHER_STATUSES = {Story.Status.PUBLISHED, Story.Status.WITHDRAWN}
# Publish and withdraw work on the changelist and, for one story, on its change form.
BOTH_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "story_count")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "story_count")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("stories"))

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "job_title", "user", "story_count")
    search_fields = ("name", "job_title")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Count("bylines__story", distinct=True))
        )

    @admin.display(description="Stories", ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 1
    autocomplete_fields = ("author",)
    fields = ("author", "role", "position")


class StoryAdminForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = (
            "headline", "slug", "standfirst", "dateline", "body", "section", "tags",
            "status", "published_at", "updated_at", "seo_description",
        )  # fmt: skip
        widgets = {"standfirst": forms.Textarea(attrs={"rows": 2})}

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
        if cleaned.get("status") == Story.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        return cleaned


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    form = StoryAdminForm
    list_display = ("headline", "status_label", "section", "byline_names", "published_at")
    list_filter = ("status", "section", "tags")
    list_select_related = ("section",)
    search_fields = ("headline", "standfirst", "slug", "bylines__author__name")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("section", "tags")
    inlines = (BylineInline,)
    actions = ("publish", "withdraw")
    readonly_fields = ("created", "modified")

    class Media:
        css = {"all": ("articles/admin.css",)}

    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "dateline", "body")}),
        ("Filing", {"fields": ("section", "tags")}),
        ("Publication", {"fields": ("status", "published_at", "updated_at")}),
        ("Search and social", {"fields": ("seo_description",), "classes": ("collapse",)}),
        ("History", {"fields": ("created", "modified"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.can_publish = request.user.has_perm(PUBLISH_PERMISSION)
        return form

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def view_on_site(self, obj):
        """Public stories link to their page; anything else to the staff-only preview."""
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("articles:story-preview", args=[obj.pk])

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at).strftime("%d %b %Y %H:%M")
            return format_html("Scheduled<br><small>{}</small>", when)
        return obj.get_status_display()

    @admin.display(description="Bylines")
    def byline_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all())

    @admin.action(
        description="Publish (now, unless a later time is set)",
        permissions=["publish"],
        location=BOTH_LOCATIONS,
    )
    def publish(self, request, queryset):
        now = timezone.now()
        unscheduled = queryset.filter(published_at__isnull=True)
        unscheduled.update(published_at=now)
        count = queryset.update(status=Story.Status.PUBLISHED, modified=now)
        self.message_user(request, f"Published {count} {pluralize_story(count)}.", messages.SUCCESS)

    @admin.action(
        description="Withdraw from the site", permissions=["publish"], location=BOTH_LOCATIONS
    )
    def withdraw(self, request, queryset):
        count = queryset.update(status=Story.Status.WITHDRAWN, modified=timezone.now())
        self.message_user(request, f"Withdrew {count} {pluralize_story(count)}.", messages.SUCCESS)


def pluralize_story(count):
    return "story" if count == 1 else "stories"
