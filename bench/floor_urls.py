"""Reference pages for bench/pages.py: how fast can any page of ours be, before it does its work?

Each one adds a single cost to the one before, so the figures show what the framework, one
database query and the site's layout cost on their own (a ceiling for every real page):

- `/_floor/view/`: a view through the whole middleware stack, no query, no template;
- `/_floor/query/`: the same plus one indexed query through the ORM (a story by its slug);
- `/_floor/layout/`: the site's layout (base.html, navigation from the cache), no query.

They are served only by the benchmark's own server (bench/floor_settings.py), never by the site.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from articles.caching import public_page
from articles.models import Story
from newsroom.urls import urlpatterns as site_urlpatterns

SEED_SLUG = "putin-hails-russia-china-ties-as-example-for-the-21st-century"
BODY = "<p>" + "A paragraph of a story. " * 400 + "</p>"  # about a story page's size


@public_page
def bare_view(request):
    return HttpResponse(BODY)


@public_page
def one_query(request):
    story = Story.objects.published().get(slug=SEED_SLUG)
    return HttpResponse(f"<h1>{story.headline}</h1>{BODY}")


@public_page
def layout(request):
    return render(request, "base.html", {})


urlpatterns = [
    *site_urlpatterns,
    path("_floor/view/", bare_view),
    path("_floor/query/", one_query),
    path("_floor/layout/", layout),
]
