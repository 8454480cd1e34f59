"""Admin access comes with the roles (articles/editorial/staff.py): accounts already in a role
group get `is_staff`, which used to be a separate tick. Nobody loses access here; from now on
leaving every role takes it away."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def staff_for_role_members(apps, schema_editor):
    User = apps.get_model("auth", "User")
    member = User.groups.through.objects.filter(user_id=OuterRef("pk"))
    User.objects.filter(Exists(member), is_staff=False).update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_former_addresses"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(staff_for_role_members, migrations.RunPython.noop, elidable=True),
    ]
