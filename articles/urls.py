from django.urls import path, register_converter

from . import feeds, views
from .appeals.donations import donation_webhook
from .appeals.events import appeal_events, appeal_token
from .appeals.reminders import reminder_confirm, reminder_create, reminder_stop
from .caching import public_page
from .sources import consent


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
    path("feed/", public_page(feeds.LatestStoriesFeed()), name="feed"),
    path("sections/<slug:slug>/feed/", public_page(feeds.SectionFeed()), name="section-feed"),
    path("tags/<slug:slug>/feed/", public_page(feeds.TagFeed()), name="tag-feed"),
    path("authors/<slug:slug>/feed/", public_page(feeds.AuthorFeed()), name="author-feed"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/", views.story_detail, name="story-detail"),
    path("preview/<int:pk>/", views.story_preview, name="story-preview"),
    path("live/<int:pk>/updates/", views.live_updates, name="story-live-updates"),
    path("live/<int:pk>/older/", views.live_older, name="story-live-older"),
    path("stories/", views.story_list, name="story-list"),
    path("corrections/", views.correction_list, name="correction-list"),
    path("sections/<slug:slug>/", views.section_detail, name="section-detail"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag-detail"),
    path("authors/<slug:slug>/", views.author_detail, name="author-detail"),
    path("appeals/events/", appeal_events, name="appeal-events"),
    path("appeals/token/", appeal_token, name="appeal-token"),
    path("appeals/remind/", reminder_create, name="reminder-create"),
    path("appeals/remind/confirm/<str:token>/", reminder_confirm, name="reminder-confirm"),
    path("appeals/remind/stop/<str:token>/", reminder_stop, name="reminder-stop"),
    path("donations/webhook/", donation_webhook, name="donation-webhook"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("consent/done/", consent.consent_thanks, name="consent-thanks"),
    path("consent/<path:token>/", consent.consent_form, name="consent-form"),
]
