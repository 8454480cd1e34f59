from django.urls import path, register_converter

from . import views


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class FourDigits(TwoDigits):
    regex = "[0-9]{4}"


register_converter(TwoDigits, "dd")
register_converter(FourDigits, "yyyy")

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/", views.story_detail, name="story-detail"),
    path("preview/<int:pk>/", views.story_preview, name="story-preview"),
    path("sections/<slug:slug>/", views.section_detail, name="section-detail"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag-detail"),
    path("authors/<slug:slug>/", views.author_detail, name="author-detail"),
]
