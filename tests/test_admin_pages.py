"""Every admin page an editor can reach renders: changelist, add and change form of each model."""

import pytest
from django.contrib import admin
from django.urls import reverse

from articles.demo import load_demo

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"articles", "auth", "axes"}
)


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_changelist_add_and_change_pages_render_with_demo_content(editor_client, app, model):
    load_demo()
    base = f"admin:{app}_{model}"
    # The front page is one row: its list opens it (a redirect to the change form).
    changelist = editor_client.get(reverse(f"{base}_changelist"), follow=True)
    assert changelist.status_code == 200
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.model_name == model)
    if model_admin.has_add_permission(changelist.wsgi_request):
        assert editor_client.get(reverse(f"{base}_add")).status_code == 200
    obj = model_admin.model._default_manager.first()
    if obj is not None:
        response = editor_client.get(reverse(f"{base}_change", args=[obj.pk]))
        assert response.status_code == 200


def test_every_articles_model_is_in_the_admin_or_deliberately_not():
    from django.apps import apps

    in_admin = set(admin.site._registry)
    missing = {
        m._meta.model_name
        for m in apps.get_app_config("articles").get_models()
        if m not in in_admin and not m._meta.auto_created
    }
    # Edited inline on their parent, or written only by the system.
    assert missing <= {
        "byline",
        "appealvariant",
        "appealcounter",
        "correction",
        "revision",
        "transition",
        "sourcelisting",  # a lookup table the database's triggers keep (articles/models/)
        "quotematch",  # written by the record check, shown on the quote
        "quoteshingle",  # the record check's index
        "selfidoption",  # inline on its question
        "selfidentification",  # sources' own answers: nobody sees them per person
        "selfidanswer",
        "formeraddress",  # written by the workflow; listed on the story's form (History)
        "storysnapshot",  # rendered pages, rebuilt by the system (articles/snapshots)
        "generation",  # the snapshots' change counters
        "liveupdate",  # the story's live-blog desk (admin/live.py)
        "autosave",  # private to its writer, offered back on the story's form
        "frontpick",  # the front page's picks, inline on it through the three proxies below
        "leadpick",
        "toppick",
        "sectionblockpick",
        "sectionpin",  # inline on its section
        "relatedstory",  # inline on its story
        "facetlisting",  # a lookup table the database's triggers keep, as sourcelisting
        "listingcount",  # the listings' stored counts, kept by triggers (listing/window.py)
        "counterbatch",  # the beacon flush's record of batches applied (appeals/tally.py)
        "tagpaircount",  # the tag facets' stored counts, kept by triggers as listingcount
        "imageuse",  # kept in step with story bodies; listed on the image's page (Used in)
    }
