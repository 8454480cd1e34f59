"""Colleagues in the admin: a role is what lets someone sign in (see editorial/staff.py).

The user form shows "Admin access" (derived from the roles, not a box to tick) and calls the
groups "Roles"; saving it keeps `is_staff` in step, superuser status included.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from ..editorial import staff
from ..editorial.roles import ROLES

User = get_user_model()


def _without_is_staff(fieldsets):
    return tuple(
        (name, {**options, "fields": tuple(
            "admin_access" if field == "is_staff" else field for field in options["fields"]
        )})
        for name, options in fieldsets
    )  # fmt: skip


admin.site.unregister(User)


@admin.register(User)
class ColleagueAdmin(UserAdmin):
    fieldsets = _without_is_staff(UserAdmin.fieldsets)
    readonly_fields = ("admin_access",)
    list_display = ("username", "email", "first_name", "last_name", "role_names", "is_staff")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label = "Roles"
            field.help_text = (
                f"{', '.join(ROLES)}: being in a role is what lets someone sign in to the "
                "admin, with what the role may do; out of every role, they cannot sign in."
            )
        return field

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        staff.keep_in_step(User.objects.filter(pk=form.instance.pk))  # a superuser tick too

    @admin.display(description="Admin access")
    def admin_access(self, obj):
        roles = [group.name for group in obj.groups.all()] if obj.pk else []
        if not obj.is_staff:
            return "No: put them in a role below to let them sign in."
        if obj.is_superuser:
            return "Yes: superuser."
        if roles:
            return f"Yes, as {', '.join(roles)}."
        return "Yes, though in no role (set by hand): the next change of roles decides."

    @admin.display(description="Roles")
    def role_names(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or "—"
