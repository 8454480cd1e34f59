"""The appeal beacons' endpoints answered before the site's page machinery.

A beacon (and a page view's token request) is a small POST from our own script: no session,
user, CSRF token (the views are exempt), message, page cache, frame or content policy applies
to a 204 or a few bytes of JSON. Listed directly after WhiteNoise, this middleware hands those
two paths to their views at once, so none of the middleware below runs for them, nor the URL
resolver. SecurityMiddleware still runs first (TLS redirect, its headers), and the views make
every check of their own: method, content type, Origin and host, size, token, rate limit.
"""

from django.urls import reverse

from .events import appeal_events, appeal_token


class BeaconShortcut:
    def __init__(self, get_response):
        self.get_response = get_response
        self.views = None

    def __call__(self, request):
        if self.views is None:  # reverse() needs the URLconf, loaded after the middleware
            self.views = {
                reverse("articles:appeal-events"): appeal_events,
                reverse("articles:appeal-token"): appeal_token,
            }
        view = self.views.get(request.path)
        if view is None:
            return self.get_response(request)
        return view(request)
