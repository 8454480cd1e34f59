from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom CMS"
admin.site.index_title = "Stories, sources and appeals"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]
