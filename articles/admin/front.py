"""The front page editors arrange, section pins, related stories and the breaking strip.

The front page is one row with three lists of picks (lead, top stories, section blocks), each
ordered by dragging (django-admin-sortable2) and chosen by typing a headline (autocomplete).
"Preview" shows the arranged page in a new tab without saving it: the admin saves inside a
transaction, the page is rendered from it, and the transaction is rolled back.
"""

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers

from .. import front
from ..models import (
    BreakingNews,
    FrontPage,
    LeadPick,
    RelatedStory,
    SectionBlockPick,
    SectionPin,
    TopPick,
)


def story_state(pick):
    """What readers see of the picked story now."""
    story = pick.story if pick.story_id else None
    if story is None:
        return "—"
    if story.is_public:
        shown = "On the site"
    elif story.is_scheduled:
        at = formats.date_format(timezone.localtime(story.published_at), "DATETIME_FORMAT")
        shown = f"Scheduled for {at}: shown from then"
    else:
        shown = f"{story.get_status_display()}: not shown until published"
    if getattr(pick, "expires_at", None) and pick.expires_at <= timezone.now():
        shown += "; expired, the newest story shows instead"
    return shown


# django-admin-sortable2 2.3 ships inline templates up to Django 6.0 and names them by the
# running version; 6.0's tabular inline is what 6.1 renders too.
SORTABLE_TABULAR = "adminsortable2/edit_inline/tabular-django-6.0.html"


class PickInline(SortableTabularInline):
    template = SORTABLE_TABULAR
    fields = ("story", "expires_at", "state")
    readonly_fields = ("state",)
    autocomplete_fields = ("story",)
    extra = 0

    @admin.display(description="Readers see it?")
    def state(self, pick):
        return story_state(pick)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("story")


class LeadPickInline(PickInline):
    model = LeadPick
    max_num = 1
    extra = 1
    verbose_name_plural = "Lead story (empty: the newest story leads)"


class TopPickInline(PickInline):
    model = TopPick
    max_num = front.TOP_STORIES
    verbose_name_plural = (
        f"Top stories (up to {front.TOP_STORIES}; the newest stories fill the rest)"
    )


class SectionBlockPickInline(PickInline):
    model = SectionBlockPick
    fields = ("section", "story", "expires_at", "state")
    verbose_name_plural = (
        f"Section blocks (each shows {front.PER_SECTION}: these first, then the section's newest)"
    )


@admin.register(FrontPage)
class FrontPageAdmin(SortableAdminBase, admin.ModelAdmin):
    inlines = (LeadPickInline, TopPickInline, SectionBlockPickInline)
    change_form_template = "admin/articles/frontpage/change_form.html"

    class Media:
        css = {"all": ("articles/admin.css",)}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """There is one front page: the list opens it."""
        page = FrontPage.get()
        return redirect(reverse("admin:articles_frontpage_change", args=[page.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or "_preview" not in request.POST:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if response.status_code == 302:  # valid: render what was saved, then undo it
                from ..views import render_front

                # The admin's "changed" message belongs to a save that is about to be undone.
                list(messages.get_messages(request))
                response = render_front(request, front.arrangement(), preview=True)
                response["X-Robots-Tag"] = "noindex, nofollow"
                add_never_cache_headers(response)
            transaction.set_rollback(True)
        return response


class SectionPinInline(SortableTabularInline):
    template = SORTABLE_TABULAR
    model = SectionPin
    fields = ("story", "expires_at", "state")
    readonly_fields = ("state",)
    autocomplete_fields = ("story",)
    extra = 0
    verbose_name_plural = "Pinned stories (at the top of the section's page, in this order)"

    @admin.display(description="Readers see it?")
    def state(self, pin):
        return story_state(pin)


class RelatedStoryInline(SortableTabularInline):
    template = SORTABLE_TABULAR
    model = RelatedStory
    fk_name = "story"
    fields = ("related",)
    autocomplete_fields = ("related",)
    extra = 0
    max_num = front.RELATED
    verbose_name_plural = (
        f"Related stories (shown first under the story; up to {front.RELATED}, "
        "stories sharing its tags and sources fill the rest)"
    )


@admin.register(BreakingNews)
class BreakingNewsAdmin(admin.ModelAdmin):
    list_display = ("text", "starts_at", "ends_at", "showing")
    fields = ("text", "url", "starts_at", "ends_at")
    actions = ("end_now",)
    search_fields = ("text",)

    @admin.display(boolean=True, description="Showing now")
    def showing(self, strip):
        return strip.is_showing

    @admin.action(description="End the selected strips now")
    def end_now(self, request, queryset):
        now = timezone.now()
        ended = 0
        for strip in queryset.not_ended(now):
            # A strip still to come ends before it starts: it is taken off the schedule.
            if strip.starts_at >= now:
                strip.delete()
            else:
                strip.ends_at = now
                strip.save(update_fields=["ends_at"])
            ended += 1
        self.message_user(
            request,
            f"{ended} strip{'s' if ended != 1 else ''} ended." if ended else "Nothing to end.",
            messages.SUCCESS if ended else messages.INFO,
        )
