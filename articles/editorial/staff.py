"""Admin access comes with the roles: joining one is all it takes to sign in, leaving them all
takes the access away.

Django lets into the admin only accounts with `is_staff`, and checks it in several places (the
admin site, its login form, `staff_member_required`). Rather than teach each of them a new rule,
`is_staff` is kept in step with group membership: whoever is in a role group (or is a superuser)
is staff, nobody else. Memberships change through the user form, a group's deletion or code
(`user.groups.add(...)`), so the receivers here listen to the membership table itself.

`connect()` wires them up; call it once at start-up (articles/admin/users.py does, until the
app's signals module does it from `ready()`).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import m2m_changed, post_delete, pre_delete


def keep_in_step(users):
    """Make `is_staff` true for the superusers and role members among `users`, false for the
    rest. Returns the number of accounts changed."""
    member = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"))
    may = Q(is_superuser=True) | Q(Exists(member))
    return users.filter(may, is_staff=False).update(is_staff=True) + users.filter(
        ~may, is_staff=True
    ).update(is_staff=False)


def _memberships_changed(sender, instance, action, reverse, pk_set, **kwargs):
    User = get_user_model()
    if reverse and action == "pre_clear":  # group.user_set.clear(): who is about to leave
        instance._leaving = list(instance.user_set.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # user.groups changed
        keep_in_step(User.objects.filter(pk=instance.pk))
        instance.is_staff = User.objects.values_list("is_staff", flat=True).get(pk=instance.pk)
    else:  # group.user_set changed
        pks = getattr(instance, "_leaving", []) if action == "post_clear" else pk_set
        keep_in_step(User.objects.filter(pk__in=pks))


def _group_deleting(sender, instance, **kwargs):
    instance._leaving = list(instance.user_set.values_list("pk", flat=True))


def _group_deleted(sender, instance, **kwargs):
    keep_in_step(get_user_model().objects.filter(pk__in=getattr(instance, "_leaving", [])))


def connect():
    memberships = get_user_model().groups.through
    m2m_changed.connect(_memberships_changed, sender=memberships, dispatch_uid="staff-in-step")
    pre_delete.connect(_group_deleting, sender=Group, dispatch_uid="staff-group-deleting")
    post_delete.connect(_group_deleted, sender=Group, dispatch_uid="staff-group-deleted")
