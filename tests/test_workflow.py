"""Roles and review, through the admin as logged-in users of each role.

A reporter cannot publish by any path (form, buttons, actions, crafted POST); an editor can,
and a move that needs a note asks for one; appeals staff cannot open a story at all.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.editorial.roles import ADMIN, APPEALS, EDITOR, REPORTER
from articles.models import Story, Transition
from tests.admin_forms import admin_form_data
from tests.factories import make_author, make_staff, make_story

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_story_changelist")


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])


@pytest.fixture
def reporter():
    return make_staff("rita", REPORTER)


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture
def desk_editor():
    return make_staff("eddie", EDITOR)


@pytest.fixture
def desk_client(client, desk_editor):
    client.force_login(desk_editor)
    return client


@pytest.fixture
def own_draft(reporter):
    return draft(created_by=reporter)


def draft(**overrides):
    """A draft with a byline (the story form requires one)."""
    overrides.setdefault("status", Story.Status.DRAFT)
    overrides.setdefault("published_at", None)
    return make_story(authors=[make_author()], **overrides)


def group_perms(role):
    return {
        f"{app}.{code}"
        for app, code in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


# --- The roles themselves ---


def test_roles_are_groups_with_the_right_permissions():
    reporter, editor = group_perms(REPORTER), group_perms(EDITOR)
    appeals, admin = group_perms(APPEALS), group_perms(ADMIN)
    assert {"articles.add_story", "articles.change_story"} <= reporter
    assert "articles.publish_story" not in reporter and "articles.delete_story" not in reporter
    assert {"articles.publish_story", "articles.add_correction", "articles.change_story"} <= editor
    assert not any("appeal" in name for name in reporter | editor)
    assert {"articles.change_appeal", "articles.view_appealvariant"} <= appeals
    assert not any(name.endswith("_story") for name in appeals)
    assert {"articles.publish_story", "auth.change_user", "articles.delete_appeal"} <= admin
    # Revisions and the review history are written by the system, never edited by hand.
    assert not {"articles.change_revision", "articles.delete_transition"} & (editor | admin)


def test_sync_roles_grants_permissions_for_models_added_later():
    content_type = ContentType.objects.get_or_create(app_label="articles", model="appealreport")[0]
    new = Permission.objects.create(
        content_type=content_type, codename="view_appealreport", name="Can view appeal report"
    )
    editors = Group.objects.get(name=EDITOR)
    editors.permissions.remove(Permission.objects.get(codename="publish_story"))
    call_command("sync_roles", verbosity=0)
    assert "articles.view_appealreport" in group_perms(APPEALS)
    assert "articles.view_appealreport" not in group_perms(EDITOR)
    assert "articles.publish_story" in group_perms(EDITOR)
    assert new.pk


# --- A reporter cannot publish, whatever the path ---


def test_reporter_cannot_publish_from_the_form(reporter_client, own_draft):
    page = reporter_client.get(change_url(own_draft))
    response = reporter_client.post(
        change_url(own_draft), admin_form_data(page, status="published")
    )
    assert response.status_code == 200
    assert "Only editors with the publish permission" in response.text
    own_draft.refresh_from_db()
    assert own_draft.status == Story.Status.DRAFT and own_draft.published_at is None


def test_reporter_cannot_publish_a_new_story_from_the_add_form(reporter_client, reporter):
    author = make_author()
    add_url = reverse("admin:articles_story_add")
    page = reporter_client.get(add_url)
    data = admin_form_data(
        page,
        headline="Straight to the front page",
        slug="straight-to-the-front-page",
        section=make_story().section.pk,
        status="published",
        **{"bylines-0-author": author.pk},
    )
    response = reporter_client.post(add_url, data)
    assert "Only editors with the publish permission" in response.text
    assert not Story.objects.filter(slug="straight-to-the-front-page").exists()
    assert 'name="_submit_for_review"' in page.text
    data["status"] = "draft"
    data["_submit_for_review"] = "1"
    response = reporter_client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Story.objects.get(slug="straight-to-the-front-page")
    assert story.status == Story.Status.IN_REVIEW and story.created_by == reporter
    assert story.transitions.get().to_status == "review" and story.revisions.count() == 1


def test_reporter_cannot_publish_with_the_list_action(reporter_client, own_draft):
    reporter_client.post(CHANGELIST, {"action": "publish", "_selected_action": [own_draft.pk]})
    own_draft.refresh_from_db()
    assert own_draft.status == Story.Status.DRAFT
    assert not Story.objects.published().exists()


def test_publish_action_on_the_story_page_is_for_editors_only(client, reporter, desk_editor):
    story = draft(created_by=reporter)
    action = {"CHANGE_FORM-action": "publish", "_selected_action": [story.pk]}
    client.force_login(reporter)
    client.post(change_url(story), action)
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    client.force_login(desk_editor)
    assert client.post(change_url(story), action).status_code == 302
    story.refresh_from_db()
    assert story.is_public and story.transitions.get().user == desk_editor


def test_the_story_list_has_no_editable_status_column(desk_client, reporter_client, own_draft):
    """Status changes on the list go through actions, which ask for a note where one is needed."""
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": own_draft.pk,
        "form-0-status": "published",
        "_save": "Save",
    }
    for client in (reporter_client, desk_client):
        assert client.post(CHANGELIST, data).status_code == 200
    own_draft.refresh_from_db()
    assert own_draft.status == Story.Status.DRAFT
    assert 'name="form-0-status"' not in desk_client.get(CHANGELIST).text


def test_reporter_cannot_schedule_with_a_crafted_post(reporter_client, own_draft):
    """The schedule fields are disabled for reporters: posted values are ignored."""
    page = reporter_client.get(change_url(own_draft))
    data = admin_form_data(
        page, published_at_0="2020-01-01", published_at_1="10:00:00", headline="Still a draft"
    )
    assert reporter_client.post(change_url(own_draft), data).status_code == 302
    own_draft.refresh_from_db()
    assert own_draft.headline == "Still a draft" and own_draft.published_at is None


def test_reporter_cannot_edit_or_unpublish_someone_elses_published_story(reporter_client):
    story = make_story(headline="Live story")
    page = reporter_client.get(change_url(story))
    assert page.status_code == 200 and "You can read this story but not change it" in page.text
    assert 'name="_save"' not in page.text
    crafted = {"headline": "Vandalised", "status": "draft", "loaded_version": story.version}
    assert reporter_client.post(change_url(story), crafted).status_code == 403
    reporter_client.post(CHANGELIST, {"action": "withdraw", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.headline == "Live story" and story.is_public


def test_reporter_s_save_of_her_published_story_is_only_a_pending_version(
    reporter_client, reporter
):
    """Her changes go to review (tests/test_live_stories.py); the status stays the desk's."""
    story = make_story(headline="Live story", created_by=reporter, authors=[make_author()])
    page = reporter_client.get(change_url(story))
    crafted = admin_form_data(page, headline="Vandalised", status="draft")
    reporter_client.post(change_url(story), crafted)
    story.refresh_from_db()
    assert story.headline == "Live story" and story.is_public
    reporter_client.post(CHANGELIST, {"action": "withdraw", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.headline == "Live story" and story.is_public


def test_reporter_cannot_see_or_edit_someone_elses_draft(reporter_client):
    other = make_story(status=Story.Status.DRAFT, published_at=None, headline="Colleague's scoop")
    assert "Colleague&#x27;s scoop" not in reporter_client.get(CHANGELIST).text
    response = reporter_client.post(change_url(other), {"headline": "Mine now"})
    assert response.status_code == 302  # "does not exist" redirect: not in their queryset
    other.refresh_from_db()
    assert other.headline == "Colleague's scoop"


def test_reporter_can_edit_a_draft_carrying_their_byline(reporter_client, reporter):
    author = make_author(name="Rita Reporter", user=reporter)
    story = make_story(status=Story.Status.DRAFT, published_at=None, authors=[author])
    page = reporter_client.get(change_url(story))
    response = reporter_client.post(change_url(story), admin_form_data(page, headline="Byline"))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Byline"


def test_enter_in_a_field_of_a_saved_story_saves_it_rather_than_running_no_action(
    desk_client, own_draft
):
    """A browser submits the form's first button, the action bar's Run, on Enter."""
    page = desk_client.get(change_url(own_draft))
    data = admin_form_data(page, headline="Typed, then Enter", index="0")
    response = desk_client.post(change_url(own_draft), data, follow=True)
    assert "No action selected" not in response.text
    own_draft.refresh_from_db()
    assert own_draft.headline == "Typed, then Enter"


def test_a_review_button_saves_even_with_an_action_left_chosen(reporter_client, own_draft):
    page = reporter_client.get(change_url(own_draft))
    data = admin_form_data(
        page, headline="Chosen, then submitted", _submit_for_review="1",
        **{"CHANGE_FORM-action": "extract_quotes"},
    )  # fmt: skip
    response = reporter_client.post(change_url(own_draft), data, follow=True)
    assert "submitted for review" in response.text
    own_draft.refresh_from_db()
    assert (own_draft.status, own_draft.headline) == ("review", "Chosen, then submitted")
    assert not own_draft.quotes.exists()  # the action did not run


# --- Review ---


def test_reporter_submits_for_review_and_an_editor_sends_it_back(
    client, reporter, desk_editor, own_draft
):
    client.force_login(reporter)
    page = client.get(change_url(own_draft))
    assert 'name="_submit_for_review"' in page.text
    data = admin_form_data(page, workflow_note="Ready; figures checked.", _submit_for_review="1")
    assert client.post(change_url(own_draft), data).status_code == 302
    own_draft.refresh_from_db()
    assert own_draft.status == Story.Status.IN_REVIEW
    # In review, the reporter can no longer change it.
    assert 'name="_save"' not in client.get(change_url(own_draft)).text

    client.force_login(desk_editor)
    queue = client.get(reverse("admin:articles_story_review"))
    assert own_draft.headline in queue.text and "Ready; figures checked." in queue.text
    page = client.get(change_url(own_draft))
    refused = client.post(change_url(own_draft), admin_form_data(page, _send_back="1"))
    assert "Say what needs doing" in refused.text
    data = admin_form_data(page, _send_back="1", workflow_note="Needs a second source.")
    assert client.post(change_url(own_draft), data).status_code == 302
    own_draft.refresh_from_db()
    assert own_draft.status == Story.Status.DRAFT

    steps = list(own_draft.transitions.order_by("created", "pk"))
    assert [(t.from_status, t.to_status, t.user) for t in steps] == [
        ("draft", "review", reporter),
        ("review", "draft", desk_editor),
    ]
    assert steps[1].note == "Needs a second source."
    client.force_login(reporter)
    page = client.get(change_url(own_draft))
    assert "Sent back" in page.text and "Needs a second source." in page.text
    assert "Workflow history" in page.text


def in_review(reporter, **overrides):
    story = draft(created_by=reporter, status=Story.Status.IN_REVIEW, **overrides)
    Transition.objects.create(story=story, user=reporter, from_status="draft", to_status="review")
    return story


def test_sending_back_with_the_status_field_needs_a_note_too(client, reporter, desk_editor):
    story = in_review(reporter)
    client.force_login(desk_editor)
    page = client.get(change_url(story))
    refused = client.post(change_url(story), admin_form_data(page, status="draft"))
    assert refused.status_code == 200
    assert "Say what needs doing" in refused.text
    assert refused.context["adminform"].form["status"].value() == "draft"  # kept as chosen
    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW and story.transitions.count() == 1

    data = admin_form_data(page, status="draft", workflow_note="Call the council back.")
    response = client.post(change_url(story), data, follow=True)
    assert "was sent back to Rita with your note" in response.text
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    assert story.transitions.first().note == "Call the council back."
    client.force_login(reporter)
    notice = client.get(change_url(story)).text
    assert "Sent back" in notice and "Call the council back." in notice


def test_unpublishing_to_draft_is_a_send_back_and_needs_a_note(desk_client):
    story = make_story(authors=[make_author()])
    page = desk_client.get(change_url(story))
    refused = desk_client.post(change_url(story), admin_form_data(page, status="draft"))
    assert "Say what needs doing" in refused.text
    story.refresh_from_db()
    assert story.is_public


def test_a_note_saved_later_without_a_status_change_is_kept_and_the_reporter_sees_it(
    client, reporter, desk_editor
):
    story = in_review(reporter)
    client.force_login(desk_editor)
    page = client.get(change_url(story))
    client.post(change_url(story), admin_form_data(page, _send_back="1", workflow_note="Cut it."))
    page = client.get(change_url(story))
    data = admin_form_data(page, workflow_note="And find a second source.")
    assert client.post(change_url(story), data).status_code == 302
    assert [t.note for t in story.transitions.all()][:2] == ["And find a second source.", "Cut it."]
    client.force_login(reporter)
    html = client.get(change_url(story)).text
    assert "Sent back" in html and "Cut it." in html and "And find a second source." in html


def test_sending_back_from_the_list_asks_for_a_note_and_skips_stories_not_in_review(
    desk_client, reporter
):
    waiting, live = in_review(reporter, headline="Waiting"), make_story(headline="Live one")
    chosen = {"action": "send_back", "index": "0", "_selected_action": [waiting.pk, live.pk]}
    page = desk_client.post(CHANGELIST, chosen)
    assert page.status_code == 200 and "What needs doing" in page.text
    assert "Left as they are (not in review): “Live one”" in page.text
    refused = desk_client.post(CHANGELIST, {**chosen, "confirm": "Send back", "note": " "})
    assert "Say what needs doing" in refused.text
    waiting.refresh_from_db()
    assert waiting.status == Story.Status.IN_REVIEW

    response = desk_client.post(
        CHANGELIST, {**chosen, "confirm": "Send back", "note": "Needs a photo."}, follow=True
    )
    assert "“Waiting” was sent back to Rita with your note." in response.text
    waiting.refresh_from_db()
    live.refresh_from_db()
    assert waiting.status == Story.Status.DRAFT and live.is_public
    assert waiting.transitions.first().note == "Needs a photo."


def test_reporters_cannot_send_back_from_the_list(reporter_client, reporter):
    story = in_review(reporter)
    data = {"action": "send_back", "_selected_action": [story.pk], "confirm": "1", "note": "x"}
    reporter_client.post(CHANGELIST, data)
    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW


def test_review_queue_is_for_editors_only(reporter_client):
    assert reporter_client.get(reverse("admin:articles_story_review")).status_code == 403


def test_review_queue_lists_stories_in_review_longest_waiting_first(desk_client, reporter):
    first = make_story(status=Story.Status.IN_REVIEW, published_at=None, headline="Waiting long")
    second = make_story(status=Story.Status.IN_REVIEW, published_at=None, headline="Just in")
    Transition.objects.create(story=second, user=reporter, from_status="draft", to_status="review")
    Transition.objects.create(story=first, user=reporter, from_status="draft", to_status="review")
    Transition.objects.filter(story=first).update(
        created=timezone.now() - timezone.timedelta(hours=3)
    )
    make_story(headline="Already out")
    html = desk_client.get(reverse("admin:articles_story_review")).text
    assert html.index("Waiting long") < html.index("Just in")
    assert "Already out" not in html and "3\xa0hours" in html


# --- An editor can ---


def test_editor_publishes_from_the_form_and_it_is_recorded(desk_client, desk_editor):
    story = draft(status=Story.Status.IN_REVIEW)
    page = desk_client.get(change_url(story))
    data = admin_form_data(page, status="published", workflow_note="Legal cleared it.")
    assert desk_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.is_public
    transition = story.transitions.get()
    assert (transition.to_status, transition.user, transition.note) == (
        "published",
        desk_editor,
        "Legal cleared it.",
    )


def test_editor_publishes_withdraws_and_republishes_with_list_actions(desk_client):
    story = make_story(status=Story.Status.DRAFT, published_at=None)
    desk_client.post(CHANGELIST, {"action": "publish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.is_public and story.version == 2
    withdraw = {"action": "withdraw", "_selected_action": [story.pk], "confirm": "Withdraw"}
    desk_client.post(CHANGELIST, {**withdraw, "note": "Wrong figures."})
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    desk_client.post(CHANGELIST, {"action": "publish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.is_public
    assert [t.to_status for t in story.transitions.order_by("created", "pk")] == [
        "published",
        "withdrawn",
        "published",
    ]
    assert story.revisions.count() >= 3


def test_editor_schedules_publication_and_withdrawal(desk_client):
    story = draft()
    page = desk_client.get(change_url(story))
    data = admin_form_data(
        page,
        status="published",
        published_at_0="2031-05-01",
        published_at_1="09:00:00",
        withdraw_at_0="2031-05-08",
        withdraw_at_1="09:00:00",
    )
    assert desk_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.is_scheduled and not Story.objects.published().exists()
    html = desk_client.get(CHANGELIST).text
    assert "Scheduled" in html and "01 May 2031 09:00" in html and "08 May 2031 09:00" in html
    html = desk_client.get(CHANGELIST, {"schedule": "scheduled"}).text
    assert story.headline in html


def test_withdrawal_must_come_after_publication(desk_client):
    story = draft()
    page = desk_client.get(change_url(story))
    data = admin_form_data(
        page,
        published_at_0="2031-05-08",
        published_at_1="09:00:00",
        withdraw_at_0="2031-05-01",
        withdraw_at_1="09:00:00",
    )
    response = desk_client.post(change_url(story), data)
    assert "must be after the publication time" in response.text
    story.refresh_from_db()
    assert story.published_at is None


# --- Appeals staff ---


def test_appeals_staff_cannot_open_stories_but_can_manage_appeals(client):
    client.force_login(make_staff("amy", APPEALS))
    story = make_story()
    assert client.get(change_url(story)).status_code == 403
    assert client.get(CHANGELIST).status_code == 403
    assert client.post(change_url(story), {"headline": "x"}).status_code == 403
    assert client.get(reverse("admin:articles_appeal_changelist")).status_code == 200
    assert client.get(reverse("admin:articles_appeal_add")).status_code == 200


# --- Scheduling, at query time ---


def test_scheduled_withdrawal_takes_a_story_off_the_site_with_no_job(client):
    now = timezone.now()
    leaving = make_story(headline="Leaving later", withdraw_at=now + timezone.timedelta(hours=1))
    gone = make_story(
        headline="Already gone",
        published_at=now - timezone.timedelta(days=2),
        withdraw_at=now - timezone.timedelta(minutes=1),
    )
    assert set(Story.objects.published()) == {leaving}
    assert leaving.is_public and not leaving.is_scheduled
    assert not gone.is_public and gone.is_expired and not gone.is_scheduled
    assert client.get(leaving.get_absolute_url()).status_code == 200
    assert client.get(gone.get_absolute_url()).status_code == 410


def test_future_story_is_scheduled_until_its_time(client):
    soon = make_story(published_at=timezone.now() + timezone.timedelta(minutes=5))
    assert soon.is_scheduled and not soon.is_public
    assert client.get(soon.get_absolute_url()).status_code == 404
    Story.objects.filter(pk=soon.pk).update(
        published_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    soon.refresh_from_db()
    assert client.get(soon.get_absolute_url()).status_code == 200


def test_publish_action_after_a_search_across_bylines(desk_client):
    """The admin makes a byline search DISTINCT; the action must still lock and publish."""
    story = draft(headline="Searchable draft")
    story.bylines.update(author=make_author(name="Zelda Searchable"))
    desk_client.post(
        CHANGELIST + "?q=Zelda",
        {"action": "publish", "_selected_action": [story.pk], "select_across": "1"},
    )
    story.refresh_from_db()
    assert story.is_public


# --- The preview follows the change view ---


def preview_url(story):
    return reverse("articles:story-preview", args=[story.pk])


@pytest.mark.parametrize("role", [APPEALS, "no role"])
def test_staff_who_may_not_open_stories_cannot_preview_a_draft(client, django_user_model, role):
    story = draft(headline="Embargoed scoop")
    if role == "no role":
        user = django_user_model.objects.create_user("stan", is_staff=True)
    else:
        user = make_staff("amy", role)
    client.force_login(user)
    assert client.get(change_url(story)).status_code == 403
    response = client.get(preview_url(story))
    assert response.status_code == 403
    assert "Embargoed scoop" not in response.text


def test_reporter_cannot_preview_another_reporters_draft(reporter_client):
    other = draft(headline="Colleague's scoop")
    response = reporter_client.get(preview_url(other))
    assert response.status_code == 404
    assert "Colleague" not in response.text


def test_preview_shows_what_the_change_view_shows(reporter_client, own_draft, desk_editor):
    published = make_story(headline="Out there")
    for story in (own_draft, published):
        assert reporter_client.get(change_url(story)).status_code == 200
        assert reporter_client.get(preview_url(story)).status_code == 200
    reporter_client.force_login(desk_editor)
    colleague = draft(headline="Someone else's draft")
    assert reporter_client.get(preview_url(colleague)).status_code == 200


def test_the_list_rules_are_the_object_rules(reporter, desk_editor):
    """`openable` and `editable` (queries) say what the story admin's queryset and `may_edit`
    say of each story, so lists and forms agree."""
    from articles.editorial.ownership import editable, may_edit, openable

    author = make_author(user=reporter)
    stories = [
        draft(created_by=reporter),
        make_story(status=Story.Status.DRAFT, published_at=None, authors=[author]),
        draft(),
        make_story(created_by=reporter),
        make_story(),
        make_story(status=Story.Status.IN_REVIEW, published_at=None, created_by=reporter),
        make_story(status=Story.Status.WITHDRAWN, created_by=reporter),
    ]
    for user in (reporter, desk_editor):
        assert set(Story.objects.filter(editable(user))) == {
            s for s in stories if may_edit(user, s)
        }
    assert set(Story.objects.filter(openable(reporter))) == {
        stories[0],
        stories[1],
        stories[3],
        stories[4],
        stories[5],
        stories[6],
    }
    assert set(Story.objects.filter(openable(desk_editor))) == set(stories)


# --- Withdrawing: a confirmation and a reason ---


def test_the_status_field_cannot_withdraw_a_story(desk_client):
    story = make_story(authors=[make_author()])
    page = desk_client.get(change_url(story))
    choices = [value for value, _ in page.context["adminform"].form.fields["status"].choices]
    assert "withdrawn" not in choices and 'name="_withdraw"' in page.text
    data = admin_form_data(page, status="withdrawn", workflow_note="Crafted.")
    assert "Select a valid choice" in desk_client.post(change_url(story), data).text
    story.refresh_from_db()
    assert story.is_public


def test_the_withdraw_button_keeps_the_edits_then_asks_for_the_reason(desk_client):
    story = make_story(headline="Before", authors=[make_author()])
    page = desk_client.get(change_url(story))
    data = admin_form_data(page, headline="After", _withdraw="1")
    response = desk_client.post(change_url(story), data)
    withdraw_url = reverse("admin:articles_story_withdraw", args=[story.pk])
    assert response.status_code == 302 and response["Location"] == withdraw_url
    story.refresh_from_db()
    assert story.headline == "After" and story.is_public
    page = desk_client.get(withdraw_url)
    assert "Why it is withdrawn" in page.text and "live on the site" in page.text
    refused = desk_client.post(withdraw_url, {"confirm": "Withdraw", "note": ""})
    assert "Say why the story is withdrawn" in refused.text
    story.refresh_from_db()
    assert story.is_public
    confirmed = {"confirm": "Withdraw", "note": "Legal.", "show_note": "on"}
    done = desk_client.post(withdraw_url, confirmed)
    assert done["Location"] == change_url(story)
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    withdrawal = story.transitions.first()
    assert (withdrawal.note, withdrawal.shown_to_readers) == ("Legal.", True)


def test_reporters_cannot_open_the_withdraw_page(reporter_client, reporter):
    story = make_story(created_by=reporter)
    url = reverse("admin:articles_story_withdraw", args=[story.pk])
    assert reporter_client.get(url).status_code == 403
    assert reporter_client.post(url, {"confirm": "1", "note": "x"}).status_code == 403
    story.refresh_from_db()
    assert story.is_public


def test_withdrawing_from_the_story_page_action_menu_asks_for_the_reason_too(desk_client):
    story = make_story()
    action = {"CHANGE_FORM-action": "withdraw", "_selected_action": [story.pk]}
    page = desk_client.post(change_url(story), action)
    assert page.status_code == 200 and "Why it is withdrawn" in page.text
    story.refresh_from_db()
    assert story.is_public
    desk_client.post(change_url(story), {**action, "confirm": "Withdraw", "note": "Duplicate."})
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    assert not story.transitions.first().shown_to_readers


def test_change_status_refuses_a_move_that_needs_a_note_without_one(desk_editor):
    from articles.editorial.workflow import change_status

    story = make_story()
    with pytest.raises(ValueError, match="Say why"):
        change_status(Story.objects.filter(pk=story.pk), Story.Status.WITHDRAWN, desk_editor)
    story.refresh_from_db()
    assert story.is_public and not story.transitions.exists()


# --- Publishing a scheduled story: say when, and publish now ---


def scheduled(**overrides):
    return draft(status=Story.Status.PUBLISHED, published_at=timezone.now() + timedelta(days=2),
                 **overrides)  # fmt: skip


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_publish_on_a_scheduled_story_says_when_it_goes_live_and_how_to_publish_now(desk_client):
    story = scheduled(headline="Harbour tram")
    response = desk_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [story.pk]}, follow=True
    )
    (message,) = messages_of(response)
    assert message.startswith("“Harbour tram” is scheduled to go live on ")
    assert "Publish now" in message and "Published 0" not in message
    story.refresh_from_db()
    assert story.is_scheduled and story.version == 1  # nothing was changed


def test_publishing_a_draft_with_a_later_time_says_it_is_scheduled_not_published(desk_client):
    story = draft(published_at=timezone.now() + timedelta(hours=3))
    response = desk_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [story.pk]}, follow=True
    )
    assert "is scheduled to go live on" in " ".join(messages_of(response))
    story.refresh_from_db()
    assert story.is_scheduled


def test_publish_now_brings_a_scheduled_story_forward(desk_client, desk_editor):
    story, live = scheduled(headline="Early"), make_story(headline="Already out")
    data = {"action": "publish_now", "_selected_action": [story.pk, live.pk]}
    response = desk_client.post(CHANGELIST, data, follow=True)
    assert messages_of(response) == ["2 stories are live."]
    story.refresh_from_db()
    assert story.is_public and timezone.now() - story.published_at < timedelta(minutes=1)
    assert story.revisions.first().summary == "Published now, ahead of its schedule"
    assert story.revisions.first().user == desk_editor
    assert not live.revisions.exists()  # untouched: it was live already


def test_the_publish_now_button_saves_the_edits_and_publishes_a_scheduled_story(desk_client):
    story = scheduled()
    page = desk_client.get(change_url(story))
    assert 'name="_publish_now"' in page.text and "Publish now, not at" in page.text
    data = admin_form_data(page, headline="Out early", _publish_now="1")
    response = desk_client.post(change_url(story), data, follow=True)
    assert "“Out early” is live." in messages_of(response)
    story.refresh_from_db()
    assert story.is_public and story.headline == "Out early"


def test_the_publish_now_button_publishes_a_new_story_at_once(desk_client):
    add_url = reverse("admin:articles_story_add")
    page = desk_client.get(add_url)
    data = admin_form_data(
        page, headline="Breaking", slug="breaking", section=make_story().section.pk,
        _publish_now="1", **{"bylines-0-author": make_author().pk},
    )  # fmt: skip
    assert desk_client.post(add_url, data).status_code == 302
    assert Story.objects.get(slug="breaking").is_public


def test_reporters_cannot_publish_now(reporter_client, own_draft):
    page = reporter_client.get(change_url(own_draft))
    assert 'name="_publish_now"' not in page.text
    response = reporter_client.post(change_url(own_draft), admin_form_data(page, _publish_now="1"))
    assert "Only editors with the publish permission can publish" in response.text
    own_draft.refresh_from_db()
    assert own_draft.status == Story.Status.DRAFT
