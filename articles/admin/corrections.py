"""Corrections in the admin: added on their story (tied to the save that made the change),
listed and reworded here."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from ..models import Correction, Revision, Story


class CorrectionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        adding = any(
            form.has_changed() and not form.cleaned_data.get("DELETE")
            for form in self.forms
            if hasattr(form, "cleaned_data")
        )
        if adding and self.instance.status != Story.Status.PUBLISHED:
            raise forms.ValidationError(
                "Corrections are for published stories; a draft can simply be edited."
            )


class CorrectionInline(admin.StackedInline):
    model = Correction
    formset = CorrectionFormSet
    extra = 0
    fields = ("kind", "text", "published_at", "revision", "revision_link")
    readonly_fields = ("revision_link",)
    verbose_name_plural = "corrections and clarifications (shown to readers)"
    classes = ("corrections-inline",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["revision"]
        field.queryset = Revision.objects.filter(story=obj) if obj else Revision.objects.none()
        field.label_from_instance = lambda r: (
            f"Revision {r.number} · {timezone.localtime(r.created):%d %b %Y %H:%M}"
        )
        return formset

    @admin.display(description="What changed")
    def revision_link(self, obj):
        if not obj.revision_id:
            return "—"
        return format_html(
            '<a href="{}">Compare with the version before</a>', obj.revision.get_absolute_url()
        )


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """The corrections log. New corrections are added on the story's page, where the change
    itself is made, so each one is tied to the revision that made it."""

    list_display = ("story", "kind", "published_at", "short_text", "revision_link")
    list_filter = ("kind",)
    search_fields = ("text", "story__headline")
    date_hierarchy = "published_at"
    list_select_related = ("story", "revision")
    fields = ("story", "kind", "text", "published_at", "revision_link")
    readonly_fields = ("story", "revision_link")

    def has_add_permission(self, request):
        return False

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    revision_link = CorrectionInline.revision_link
