"""The editors' CMS: stories, bylines, sections, tags and authors."""

import re

from adminsortable2.admin import SortableAdminBase
from django import forms
from django.contrib import admin, messages
from django.db.models import Case, Count, Q, When
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from ..editorial.ownership import PUBLISH_PERMISSION, PUBLISHER_STATUSES
from ..editorial.workflow import change_status, publication_fields
from ..html import html_to_text
from ..listing import search
from ..models import Author, Byline, Section, Story, Tag
from .actions import BOTH_LOCATIONS
from .confirmations import confirm_move
from .front import RelatedStoryInline, SectionPinInline
from .media import LibraryImageWidget, image_summary
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
class SectionAdmin(SortableAdminBase, StoryCountAdmin):
    inlines = (SectionPinInline,)
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


class BylineInline(admin.StackedInline):
    model = Byline
    extra = 0
    min_num = 1
    autocomplete_fields = ("author",)
    fields = ("author", ("role", "position"))
    sidebar = True  # the story form shows it beside the body (change_form.html)

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
            "lead_image",
        )  # fmt: skip
        widgets = {"standfirst": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "headline" in self.fields:
            self.fields["headline"].widget.attrs["autofocus"] = True  # a new story starts here
        status = self.fields.get("status")
        if status is not None and self.instance.status != Story.Status.WITHDRAWN:
            # Withdrawing asks for a reason on a page of its own (the Withdraw button).
            status.choices = [c for c in status.choices if c[0] != Story.Status.WITHDRAWN]

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
            cleaned.get("status"),
            cleaned.get("published_at"),
            cleaned.get("withdraw_at"),
            publish_now=self.publish_now,
        )
        return cleaned


@admin.register(Story)
class StoryAdmin(SortableAdminBase, StoryWorkflowAdmin):
    form = StoryAdminForm
    list_display = ("headline", "status", "schedule", "section", "byline_names")
    list_filter = ("status", ScheduleFilter, "section", "tags")
    list_select_related = ("section",)
    search_fields = ("headline", "standfirst", "slug", "bylines__author__name")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("section", "tags")
    raw_id_fields = ("lead_image",)  # its magnifier opens the library as the picker
    inlines = (BylineInline, QuoteInline, RelatedStoryInline)
    actions = ("publish", "publish_now", "send_back", "withdraw", extract_quotes)
    readonly_fields = (
        "created", "created_by", "modified", "version", "image_preview", "former_addresses",
        "length",
    )  # fmt: skip
    save_on_top = True  # the workflow toolbar (change_form.html), sticky on a wide screen

    class Media:
        css = {"all": ("articles/admin.css", "articles/story_form.css", "articles/media_admin.css")}
        js = ("articles/story_form.js", "articles/autosave.js", "articles/admin_a11y.js")

    # The writing screen: the words in the main column; "side-top" and "side-bottom" fieldsets
    # (with the bylines between them) in the sidebar at 1200 px and wider (change_form.html).
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "headline",
                    "slug",
                    "standfirst",
                    "dateline",
                    "body",
                    "length",
                    "loaded_version",
                )
            },
        ),
        (
            "Publication",
            {
                "fields": ("status", "published_at", "withdraw_at", "updated_at", "workflow_note"),
                "classes": ("side-top",),
            },
        ),
        ("Filing", {"fields": ("section", "tags"), "classes": ("side-top",)}),
        (
            "Lead image",
            {
                "fields": ("image_preview", "lead_image"),
                "classes": ("side-bottom",),
            },
        ),
        ("Search and social", {"fields": ("seo_description",), "classes": ("collapse",)}),
        (
            "History",
            {
                "fields": ("created", "created_by", "modified", "version", "former_addresses"),
                "classes": ("collapse",),
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("lead_image")
            .prefetch_related("bylines__author")
        )

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
        image = obj.lead_image if obj else None
        if image is None:
            return "No lead image yet: choose one from the library (the magnifier below)."
        return image_summary(image)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_image":
            kwargs["widget"] = LibraryImageWidget(db_field.remote_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Length")
    def length(self, obj):
        """Words and reading time, kept up to date by story_form.js while the body is edited."""
        words = len(WORD.findall(html_to_text(obj.body))) if obj and obj.pk else 0
        return format_html(
            '<span class="story-length" data-words-per-minute="{}">{}</span>',
            WORDS_PER_MINUTE,
            length_text(words),
        )

    @admin.display(description="Former addresses")
    def former_addresses(self, obj):
        """Where the story was public before: those links lead readers here."""
        former = list(obj.former_addresses.all()) if obj and obj.pk else []
        if not former:
            return "None: the story has had one address."
        return format_html_join(", ", "<code>{}</code>", ((address,) for address in former))

    @admin.display(description="Bylines")
    def byline_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all())

    @admin.action(
        description="Publish (now, unless a later time is set)",
        permissions=["publish"],
        location=BOTH_LOCATIONS,
    )
    def publish(self, request, queryset):
        self._publish(request, queryset, publish_now=False)

    @admin.action(
        description="Publish now (scheduled stories too)",
        permissions=["publish"],
        location=BOTH_LOCATIONS,
    )
    def publish_now(self, request, queryset):
        self._publish(request, queryset, publish_now=True)

    def _publish(self, request, queryset, publish_now):
        """Publish, then say where each story stands: live now, or scheduled for when."""
        pks = list(queryset.values_list("pk", flat=True))
        change_status(queryset, Story.Status.PUBLISHED, request.user, publish_now=publish_now)
        stories = list(Story.objects.filter(pk__in=pks))
        live = [story for story in stories if story.is_public]
        if len(live) == 1:
            self.message_user(request, f"“{live[0]}” is live.", messages.SUCCESS)
        elif live:
            self.message_user(request, f"{len(live)} stories are live.", messages.SUCCESS)
        for story in stories:
            if story.is_scheduled:
                self.message_user(request, scheduled_message(story), messages.INFO)

    @admin.action(description="Send back to the reporter…", permissions=["publish"])
    def send_back(self, request, queryset):
        return confirm_move(self, request, queryset, Story.Status.DRAFT)

    @admin.action(
        description="Withdraw from the site…", permissions=["publish"], location=BOTH_LOCATIONS
    )
    def withdraw(self, request, queryset):
        return confirm_move(self, request, queryset, Story.Status.WITHDRAWN)


# A word, as story_form.js counts it too: letters or digits, with inner apostrophes.
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
WORDS_PER_MINUTE = 230  # a common figure for reading news on screen


def length_text(words):
    """ "312 words · about 2 minutes to read" (story_form.js writes the same)."""
    if not words:
        return "No words yet"
    minutes = max(1, round(words / WORDS_PER_MINUTE))
    return (
        f"{words:,} word{'' if words == 1 else 's'} · about {minutes} "
        f"minute{'' if minutes == 1 else 's'} to read"
    )


def scheduled_message(story):
    return (
        f"“{story}” is scheduled to go live on {when(story.published_at)}. To publish it now, "
        "press Publish now on its page, or choose “Publish now” in the list's actions."
    )


def when(moment):
    return formats.date_format(timezone.localtime(moment), r"j F Y \a\t H:i")
