from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from articles.caching import public_page
from articles.caching.invalidation import SITE, STORIES
from articles.sitemaps import SITEMAPS, news_sitemap, robots_txt, sitemap_index

lazy_static = lazy(static_url, str)

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom CMS"
admin.site.index_title = "Stories, sources and appeals"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        public_page(sitemap_index, surfaces=[STORIES]),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap, surfaces=[STORIES], params=["p"]),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("news-sitemap.xml", public_page(news_sitemap, surfaces=[STORIES]), name="news-sitemap"),
    # Browsers and crawlers ask for /favicon.ico whatever the page links: the hashed file.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy_static("articles/favicon.ico"), permanent=True),
        name="favicon",
    ),
    path("robots.txt", public_page(robots_txt, surfaces=[SITE]), name="robots-txt"),
    path("", include("articles.urls")),
]
# Uploaded images, for local work only: in production the proxy serves MEDIA_URL (README).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
