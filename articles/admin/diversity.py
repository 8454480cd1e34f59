"""The self-identification form as staff configure it, and the links sent to sources.

Answers have no admin: nobody sees them per person. The sourcing report shows them only as
shares of groups of five or more."""

from django.contrib import admin, messages
from django.utils import timezone

from ..models import ConsentRequest, SelfIdCategory, SelfIdOption, SelfIdSurvey


class SelfIdOptionInline(admin.TabularInline):
    model = SelfIdOption
    extra = 3
    fields = ("label", "position")


@admin.register(SelfIdCategory)
class SelfIdCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "question", "position", "active")
    list_editable = ("position", "active")
    inlines = (SelfIdOptionInline,)


@admin.register(SelfIdSurvey)
class SelfIdSurveyAdmin(admin.ModelAdmin):
    """One row: the form's introduction, consent text and how long links work."""

    list_display = ("__str__", "link_days")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SelfIdSurvey.objects.exists()


@admin.register(ConsentRequest)
class ConsentRequestAdmin(admin.ModelAdmin):
    """The links sent: when, by whom, and whether they were used. Never the answers."""

    list_display = ("source", "created", "created_by", "expires_at", "state")
    list_select_related = ("source", "created_by")
    search_fields = ("source__name",)
    readonly_fields = (
        "source", "created", "created_by", "expires_at", "used_at", "revoked_at",
        "answers_deleted_at",
    )  # fmt: skip
    fields = readonly_fields
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False  # links are created from the source's page, which shows them once

    @admin.display(description="State")
    def state(self, request_):
        return request_.get_state_display()

    @admin.action(description="Withdraw the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(used_at=None, revoked_at=None).update(revoked_at=timezone.now())
        self.message_user(request, f"Withdrew {count} link(s).", messages.SUCCESS)
