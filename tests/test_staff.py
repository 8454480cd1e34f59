"""Admin access comes with the roles: joining one is all it takes to sign in, and leaving every
role takes it away, however the membership changes (articles/editorial/staff.py)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.urls import reverse

from articles.editorial.roles import APPEALS, EDITOR, REPORTER
from tests.admin_forms import admin_form_data
from tests.factories import make_staff, make_story

pytestmark = pytest.mark.django_db


def role(name):
    return Group.objects.get(name=name)


def staff(user):
    user.refresh_from_db()
    return user.is_staff


def test_joining_a_role_makes_an_account_staff_and_leaving_every_role_undoes_it():
    nina = User.objects.create_user("nina")
    assert not nina.is_staff
    nina.groups.add(role(REPORTER))
    assert nina.is_staff and staff(nina)
    nina.groups.add(role(EDITOR))
    nina.groups.remove(role(REPORTER))
    assert staff(nina)  # still an editor
    nina.groups.remove(role(EDITOR))
    assert not nina.is_staff and not staff(nina)
    nina.groups.set([role(APPEALS)])
    assert staff(nina)
    nina.groups.clear()
    assert not staff(nina)


def test_membership_changed_from_the_group_side_counts_too():
    nina, omar = User.objects.create_user("nina"), User.objects.create_user("omar")
    reporters = role(REPORTER)
    reporters.user_set.add(nina, omar)
    assert staff(nina) and staff(omar)
    reporters.user_set.remove(omar)
    assert not staff(omar)
    reporters.user_set.clear()
    assert not staff(nina)


def test_deleting_a_role_takes_access_from_those_it_alone_let_in():
    desk = Group.objects.create(name="Photo desk")
    only_desk, also_editor = User.objects.create_user("pia"), make_staff("eli", EDITOR)
    desk.user_set.add(only_desk, also_editor)
    desk.delete()
    assert not staff(only_desk) and staff(also_editor)


def test_superusers_keep_access_without_a_role():
    boss = User.objects.create_superuser("boss", "boss@example.com", None)
    boss.groups.add(role(EDITOR))
    boss.groups.clear()
    assert staff(boss)


def test_the_user_form_gives_access_through_roles_not_a_staff_tick(client):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", None))
    nina = User.objects.create_user("nina")
    url = reverse("admin:auth_user_change", args=[nina.pk])
    page = client.get(url)
    assert "Roles" in page.text and "No: put them in a role below" in page.text
    assert 'name="is_staff"' not in page.text
    ticked = admin_form_data(page, is_staff="on")
    assert client.post(url, ticked).status_code == 302
    assert not staff(nina)  # the tick is not a way in
    page = client.get(url)
    data = admin_form_data(page, groups=[str(role(REPORTER).pk)])
    assert client.post(url, data).status_code == 302
    assert staff(nina)
    assert "Yes, as Reporter." in client.get(url).text
    page = client.get(url)
    assert client.post(url, admin_form_data(page, groups=[])).status_code == 302
    assert not staff(nina)
    page = client.get(url)
    assert client.post(url, admin_form_data(page, is_superuser="on")).status_code == 302
    assert staff(nina)


def test_a_new_colleague_in_a_role_can_preview_a_draft(client):
    nina = User.objects.create_user("nina")
    nina.groups.add(role(REPORTER))
    client.force_login(nina)
    draft = make_story(status="draft", published_at=None, created_by=nina)  # her own
    assert client.get(reverse("articles:story-preview", args=[draft.pk])).status_code == 200


def test_signing_in_with_the_right_password_but_no_role_says_so_and_is_not_a_guess(client):
    User.objects.create_user("nina", password="right-password-1")
    login = reverse("admin:login")
    for _ in range(6):  # more than MAX_FAILURES: the right password is never throttled
        response = client.post(login, {"username": "nina", "password": "right-password-1"})
    text = response.text
    assert "has no access to the newsroom" in text and "in a role" in text
    assert "correct username and password" not in text and "Too many" not in text
    wrong = client.post(login, {"username": "nina", "password": "wrong"})
    assert "correct username and password" in wrong.text


def test_the_migration_gives_role_members_their_access():
    nina = User.objects.create_user("nina")
    User.groups.through.objects.create(user=nina, group=role(REPORTER))  # no signal
    loner = User.objects.create_user("loner")
    assert not staff(nina)
    migration = importlib.import_module("articles.migrations.0022_staff_from_roles")
    migration.staff_for_role_members(apps, None)
    assert staff(nina) and not staff(loner)
