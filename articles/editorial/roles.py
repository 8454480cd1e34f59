"""The newsroom's roles, as auth groups, and the permissions each one holds.

Permissions are granted by codename pattern ("articles.*_appeal*") rather than by a fixed list,
so a model added later (appeal variants, counters, quotes) is covered without a new data
migration: `sync_roles` runs from the roles data migration, after every `migrate` (post_migrate)
and as the `sync_roles` command. It only adds: permissions an administrator grants by hand are
kept, and removing one from a role is a deliberate act in the admin.
"""

from fnmatch import fnmatchcase

REPORTER, EDITOR, APPEALS, ADMIN = "Reporter", "Editor", "Appeals staff", "Admin"

ROLES = {
    # Creates stories and edits their own drafts; the admin enforces "own" and "draft".
    REPORTER: (
        "articles.view_story", "articles.add_story", "articles.change_story",
        "articles.*_byline", "articles.view_section", "articles.view_tag", "articles.add_tag",
        "articles.view_author", "articles.add_author",
        "articles.view_source", "articles.add_source", "articles.change_source",
        "articles.*_quote", "articles.view_revision", "articles.view_transition",
        "articles.view_correction", "articles.*_relatedstory",
        # The media library: upload and describe images (deleting is for editors).
        "articles.view_image", "articles.add_image", "articles.change_image",
    ),
    # Everything editorial, including publish_story (it matches "*_story") and corrections.
    EDITOR: (
        "articles.*_story", "articles.*_byline", "articles.*_section", "articles.*_tag",
        "articles.*_author", "articles.*_source", "articles.*_quote",
        "articles.view_revision", "articles.view_transition", "articles.*_correction",
        "articles.*_image",
        # Self-identification: the form's questions and the links sent (never the answers).
        "articles.*_consentrequest", "articles.*_selfidcategory", "articles.*_selfidoption",
        "articles.view_selfidsurvey", "articles.change_selfidsurvey",
        # The front page (its picks are proxies: lead, top, section block), pins, related
        # stories and the breaking strip.
        "articles.*_frontpage", "articles.*pick", "articles.*_sectionpin",
        "articles.*_relatedstory", "articles.*_breakingnews",
    ),
    # Donation appeals, their variants, counters, donations and reminder addresses; sections
    # and tags only to target them.
    APPEALS: ("articles.*_appeal*", "articles.*_donation", "articles.*_reminder",
              "articles.view_section", "articles.view_tag"),
    # Also sees and clears sign-in lockouts (django-axes' access attempts).
    ADMIN: ("articles.*", "auth.*_user", "auth.*_group", "auth.view_permission",
            "axes.view_accessattempt", "axes.delete_accessattempt"),
}  # fmt: skip


# Revisions and the review history are an audit trail: written by the workflow, by nobody else.
NEVER_GRANTED = ("articles.add_revision", "articles.change_revision", "articles.delete_revision",
                 "articles.add_transition", "articles.change_transition",
                 "articles.delete_transition")  # fmt: skip


def grants(role, name):
    """Does `role` hold the permission `name` ("app_label.codename")?"""
    return name not in NEVER_GRANTED and any(fnmatchcase(name, p) for p in ROLES[role])


def sync_roles(apps=None, using="default"):
    """Create the role groups and grant each the permissions its patterns match.

    `apps` is the migration state's app registry in migrations and post_migrate; it defaults to
    the real one. Returns {role: number of permissions granted now}.
    """
    if apps is None:
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(using).values_list("pk", "content_type__app_label", "codename")
    )
    granted = {}
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = {
            pk for pk, app_label, codename in permissions if grants(role, f"{app_label}.{codename}")
        }
        held = set(group.permissions.values_list("pk", flat=True))
        group.permissions.add(*(wanted - held))
        granted[role] = len(wanted - held)
    return granted


def sync_roles_after_migrate(sender, using="default", apps=None, **kwargs):
    """post_migrate receiver: auth has just created permissions for any new model.

    `migrate` passes its app registry; `flush` (as in transactional tests) passes none.
    After migrating backwards (unapplying the roles, say) it leaves the groups alone.
    """
    if any(backwards for _, backwards in kwargs.get("plan") or ()):
        return
    sync_roles(apps=apps, using=using)
