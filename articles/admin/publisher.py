"""The publisher's policy links (the Trust Project fields of the JSON-LD): one row."""

from django.contrib import admin

from ..models import PublisherPolicies


@admin.register(PublisherPolicies)
class PublisherPoliciesAdmin(admin.ModelAdmin):
    list_display = ("__str__", "publishing_principles", "corrections_policy")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PublisherPolicies.objects.exists()
