"""The newsroom's roles as groups, with the permissions each held when they were created.

The roles as they are now live in articles/editorial/roles.py, whose `sync_roles` runs after
every `migrate` and grants what later models need; this migration keeps its own copy so that
changing that module never changes what an old migration does.
"""

from fnmatch import fnmatchcase

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Reporter": (
        "articles.view_story", "articles.add_story", "articles.change_story",
        "articles.*_byline", "articles.view_section", "articles.view_tag", "articles.add_tag",
        "articles.view_author", "articles.add_author",
        "articles.view_source", "articles.add_source", "articles.change_source",
        "articles.*_quote", "articles.view_revision", "articles.view_transition",
        "articles.view_correction",
    ),
    "Editor": (
        "articles.*_story", "articles.*_byline", "articles.*_section", "articles.*_tag",
        "articles.*_author", "articles.*_source", "articles.*_quote",
        "articles.view_revision", "articles.view_transition", "articles.*_correction",
    ),
    "Appeals staff": ("articles.*_appeal*", "articles.view_section", "articles.view_tag"),
    "Admin": ("articles.*", "auth.*_user", "auth.*_group", "auth.view_permission"),
}  # fmt: skip
NEVER_GRANTED = {
    f"articles.{verb}_{model}"
    for verb in ("add", "change", "delete")
    for model in ("revision", "transition")
}


def sync_roles(apps, using):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(using).values_list("pk", "content_type__app_label", "codename")
    )
    for role, patterns in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.add(
            *(
                pk
                for pk, app_label, codename in permissions
                if (name := f"{app_label}.{codename}") not in NEVER_GRANTED
                and any(fnmatchcase(name, pattern) for pattern in patterns)
            )
        )


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now so
    # a fresh database gets complete roles from this migration alone.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    sync_roles(apps, schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
