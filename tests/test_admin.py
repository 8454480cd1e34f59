"""The admin is the editors' CMS: every page renders, and publishing is guarded."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles.models import Author, Section, Story, Tag
from tests.factories import make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db

MODELS = {"story": Story, "section": Section, "tag": Tag, "author": Author}


@pytest.fixture
def objects():
    author, tag = make_author(name="Anna Petrova"), make_tag(name="Energy")
    story = make_story(authors=[author], tags=[tag])
    return {"story": story, "section": story.section, "tag": tag, "author": author}


@pytest.mark.parametrize("model", MODELS)
def test_changelist_add_and_change_forms_render(editor_client, objects, model):
    base = f"admin:articles_{model}"
    assert editor_client.get(reverse(f"{base}_changelist")).status_code == 200
    assert editor_client.get(reverse(f"{base}_add")).status_code == 200
    response = editor_client.get(reverse(f"{base}_change", args=[objects[model].pk]))
    assert response.status_code == 200


def test_story_changelist_shows_status_section_bylines_and_time(editor_client, objects):
    html = editor_client.get(reverse("admin:articles_story_changelist")).text
    for text in ("Published", objects["section"].name, "Anna Petrova", 'id="date-hierarchy-label"'):
        assert text in html


def test_story_changelist_search_and_filters_work(editor_client, objects):
    make_story(headline="Unrelated piece")
    url = reverse("admin:articles_story_changelist")
    html = editor_client.get(url, {"q": "Petrova"}).text
    assert objects["story"].headline in html and "Unrelated piece" not in html
    html = editor_client.get(url, {"status__exact": "draft"}).text
    assert objects["story"].headline not in html


def test_story_form_uses_the_rich_text_editor_and_autocompletes(editor_client, objects):
    html = editor_client.get(
        reverse("admin:articles_story_change", args=[objects["story"].pk])
    ).text
    assert "prose-editor" in html
    assert "admin-autocomplete" in html
    assert 'id="bylines-group"' in html


def test_view_on_site_points_drafts_to_the_staff_preview(editor_client):
    draft = make_story(status=Story.Status.DRAFT)
    html = editor_client.get(reverse("admin:articles_story_change", args=[draft.pk])).text
    assert reverse("articles:story-preview", args=[draft.pk]) in html


def _story_form_data(story, **changes):
    data = {
        "headline": story.headline,
        "slug": story.slug,
        "standfirst": story.standfirst,
        "dateline": "",
        "body": story.body,
        "section": story.section.pk,
        "status": story.status,
        "published_at_0": "",
        "published_at_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
        "seo_description": "",
        "loaded_version": story.version,
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": make_author().pk,
        "bylines-0-role": "written",
        "bylines-0-position": "0",
    }
    for prefix in ("quotes", "corrections", "transitions", "related_links"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def test_editor_can_publish_from_the_form_and_time_defaults_to_now(editor_client):
    story = make_story(status=Story.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_story_change", args=[story.pk])
    response = editor_client.post(url, _story_form_data(story, status="published"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and story.published_at <= timezone.now()
    assert story.is_public


def test_body_is_sanitised_when_saved_through_the_admin(editor_client):
    story = make_story(status=Story.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_story_change", args=[story.pk])
    body = '<p onclick="x()">Hi<script>alert(1)</script></p>'
    assert editor_client.post(url, _story_form_data(story, body=body)).status_code == 302
    story.refresh_from_db()
    assert story.body == "<p>Hi</p>"


@pytest.fixture
def reporter_client(client, django_user_model):
    user = django_user_model.objects.create_user("reporter", password="pw", is_staff=True)
    codenames = ["view_story", "add_story", "change_story", "view_byline", "add_byline",
                 "change_byline", "view_author", "view_section", "view_tag"]  # fmt: skip
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_staff_without_publish_permission_cannot_publish_by_form_or_action(reporter_client):
    reporter = reporter_client.session["_auth_user_id"]
    story = make_story(status=Story.Status.DRAFT, published_at=None, created_by_id=reporter)
    url = reverse("admin:articles_story_change", args=[story.pk])
    response = reporter_client.post(url, _story_form_data(story, status="published"))
    assert response.status_code == 200
    assert "Only editors with the publish permission" in response.text
    response = reporter_client.post(
        reverse("admin:articles_story_changelist"),
        {"action": "publish", "_selected_action": [story.pk]},
    )
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT


def test_publish_and_withdraw_actions(editor_client):
    draft = make_story(status=Story.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_story_changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public
    withdraw = {"action": "withdraw", "_selected_action": [draft.pk]}
    editor_client.post(url, withdraw)  # the confirmation page: nothing happens yet
    draft.refresh_from_db()
    assert draft.is_public
    editor_client.post(url, {**withdraw, "confirm": "Withdraw", "note": "Legal asked."})
    draft.refresh_from_db()
    assert draft.status == Story.Status.WITHDRAWN and not draft.is_public


def test_section_with_stories_cannot_be_deleted_silently(editor_client):
    section = make_section()
    make_story(section=section)
    response = editor_client.post(
        reverse("admin:articles_section_delete", args=[section.pk]), {"post": "yes"}
    )
    assert Section.objects.filter(pk=section.pk).exists()
    assert response.status_code == 200


def test_section_tag_and_author_lists_count_their_stories(editor_client):
    section, tag = make_section(name="Courts"), make_tag(name="Trials")
    author = make_author(name="Ivan Reporter")
    for _ in range(3):
        make_story(section=section, tags=[tag], authors=[author])
    for model, name in (("section", "Courts"), ("tag", "Trials"), ("author", "Ivan Reporter")):
        html = editor_client.get(reverse(f"admin:articles_{model}_changelist")).text
        row = html[html.index(name) :]
        assert '<td class="field-story_count">3</td>' in row[: row.index("</tr>")], model


# --- Search and pickers ---


def test_story_search_finds_a_word_only_in_the_body(editor_client):
    make_story(
        headline="Coal mine closes", standfirst="After a century.", body="<p>On Svalbard.</p>"
    )
    make_story(headline="Ferry timetable cut", body="<p>Nothing about islands.</p>")
    html = editor_client.get(reverse("admin:articles_story_changelist"), {"q": "svalbard"}).text
    assert "Coal mine closes" in html and "Ferry timetable cut" not in html
    assert "1 result" in html


def test_story_search_still_covers_slugs_and_bylines_and_folds_accents(editor_client, objects):
    make_story(headline="Northern lights", slug="aurora-2026", body="<p>Seen over Tromsø.</p>")
    url = reverse("admin:articles_story_changelist")
    assert "Northern lights" in editor_client.get(url, {"q": "aurora-2026"}).text
    assert "Northern lights" in editor_client.get(url, {"q": "tromso"}).text
    assert objects["story"].headline in editor_client.get(url, {"q": "Petrova"}).text


def autocomplete(client, model_name, field_name, term):
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client.get(
            reverse("admin:autocomplete"),
            {"term": term, "app_label": "articles", "model_name": model_name,
             "field_name": field_name},
        )  # fmt: skip
    assert not [w for w in caught if issubclass(w.category, UnorderedObjectListWarning)]
    return [result["text"] for result in response.json()["results"]]


def test_autocomplete_offers_names_that_start_with_the_letters_first(editor_client):
    for name in ("Belarus", "Russia", "Prussia history", "Anti-Russian sanctions"):
        make_tag(name=name)
    make_section(name="Belarus desk", slug="belarus-desk")
    make_section(name="Russia", slug="russia-section")
    make_author(name="Boris Rusakov")
    make_author(name="Rustam Aliev")
    assert autocomplete(editor_client, "story", "tags", "Rus") == [
        "Russia", "Anti-Russian sanctions", "Belarus", "Prussia history",
    ]  # fmt: skip
    assert autocomplete(editor_client, "story", "section", "rus") == ["Russia", "Belarus desk"]
    assert autocomplete(editor_client, "byline", "author", "Rus") == [
        "Rustam Aliev", "Boris Rusakov",
    ]  # fmt: skip


def test_autocomplete_without_a_term_lists_everything_in_order_without_a_warning(editor_client):
    make_tag(name="Russia")
    make_tag(name="Belarus")
    assert autocomplete(editor_client, "story", "tags", "") == ["Belarus", "Russia"]


def test_a_nul_typed_into_a_picker_is_dropped_not_a_server_error(editor_client):
    make_tag(name="Russia")
    assert autocomplete(editor_client, "story", "tags", "Rus\x00") == ["Russia"]
    make_story(headline="Border talks resume")
    assert autocomplete(editor_client, "quote", "story", "Border\x00") == ["Border talks resume"]


def test_the_story_form_puts_the_words_first_and_the_desk_work_in_the_sidebar(editor_client):
    story = make_story(body="<p>" + "word " * 500 + "</p>", authors=[make_author()])
    for url in (
        reverse("admin:articles_story_change", args=[story.pk]),
        reverse("admin:articles_story_add"),
    ):
        html = editor_client.get(url).text
        toolbar, main = html.index('class="story-toolbar"'), html.index('"story-editor__main"')
        side = html.index('<aside class="story-editor__side"')
        assert toolbar < main < html.index('id="id_body"') < side
        for field in ('id="id_status"', 'id="id_published_at_0"', 'id="id_section"',
                      'id="bylines-group"', 'id="id_lead_image"'):  # fmt: skip
            assert html.index(field) > side, field
        assert html.index('id="quotes-group"') < side  # long tables stay in the wide column
        assert 'name="_save"' in html[toolbar:main]
    change = editor_client.get(reverse("admin:articles_story_change", args=[story.pk]))
    assert "500 words · about 2 minutes to read" in change.text


def test_history_and_search_fields_start_collapsed(editor_client):
    html = editor_client.get(
        reverse("admin:articles_story_change", args=[make_story(authors=[make_author()]).pk])
    ).text
    for heading in ('fieldset-heading">History<', 'fieldset-heading">Search and social<',
                    'id="transitions-heading"'):  # fmt: skip
        start = html.index(heading)
        assert html.rfind("<details>", 0, start) > html.rfind("</details>", 0, start), heading


def test_length_reads_like_a_person_would_say_it():
    from articles.admin.stories import length_text

    assert length_text(0) == "No words yet"
    assert length_text(1) == "1 word · about 1 minute to read"
    assert length_text(1150) == "1,150 words · about 5 minutes to read"
