"""A CDN in front of the site: which surfaces a response shows, and purging them on a change.

Responses name their surfaces in `Surrogate-Key` (Fastly, space-separated) and `Cache-Tag`
(Cloudflare, comma-separated). When a change commits, the surfaces it touched are purged
through a task (off the request path) by the hook that `CDN_PURGE_URL` configures:

- `CDN_PURGE_STYLE=fastly`: POST to the URL (https://api.fastly.com/service/<id>/purge) with
  the keys in a `Surrogate-Key` header and `CDN_PURGE_TOKEN` as `Fastly-Key`;
- `cloudflare`: POST {"tags": [...]} to the URL (…/zones/<id>/purge_cache) with the token as a
  bearer token;
- `json` (the default): POST {"surrogate_keys": [...]} to the URL, for a purge service of the
  newsroom's own, with the token as a bearer token if set.

Without `CDN_PURGE_URL` nothing is sent and pages tell shared caches to keep them no longer
than browsers do; with it, `CDN_MAX_AGE` (s-maxage) lets the CDN keep them for hours.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.tasks import task

logger = logging.getLogger(__name__)


def shared_max_age():
    """Cache-Control arguments for shared caches: s-maxage only when purges reach them."""
    return {"s_maxage": settings.CDN_MAX_AGE} if settings.CDN_PURGE_URL else {}


def tag(page, names):
    page.headers += [("Surrogate-Key", " ".join(names)), ("Cache-Tag", ",".join(names))]


def purge_later(names):
    if settings.CDN_PURGE_URL:
        purge.enqueue(list(names))


@task()
def purge(names):
    """Tell the CDN to drop every page showing one of `names`."""
    style, token = settings.CDN_PURGE_STYLE, settings.CDN_PURGE_TOKEN
    headers = {"Content-Type": "application/json"}
    body = json.dumps({"surrogate_keys": names})
    if style == "fastly":
        headers = {"Surrogate-Key": " ".join(names)}
        body = ""
        if token:
            headers["Fastly-Key"] = token
    elif style == "cloudflare":
        body = json.dumps({"tags": names})
    if token and style != "fastly":
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        settings.CDN_PURGE_URL, data=body.encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        status = response.status
    if status >= 300:
        raise RuntimeError(f"The CDN refused the purge of {names}: HTTP {status}")
    return status
