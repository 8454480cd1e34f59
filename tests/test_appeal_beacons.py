"""Appeal counters nobody can inflate: a per-view token, once per token, this site's pages only,
a per-address rate limit, and beacons still answered when the cache is down.

Issue 11: one client added 50,000 "clicked" events in 2 seconds; replays were counted; a
beacon with no Origin was accepted.
"""

import json

import pytest
from django.test import Client, override_settings

from articles.models import AppealCounter
from tests.factories import make_appeal, make_story

pytestmark = pytest.mark.django_db

EVENTS_URL = "/appeals/events/"
TOKEN_URL = "/appeals/token/"
ORIGIN = "http://testserver"
DEAD_CACHE = {
    "default": {
        "BACKEND": "newsroom.redis_cache.SharedClientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: every call fails
    }
}


def reader(address="198.51.100.7"):
    return Client(REMOTE_ADDR=address)


def new_token(client):
    response = client.post(TOKEN_URL, headers={"Origin": ORIGIN})
    assert response.status_code == 200, response.text
    return response.json()["token"]


def beacon(client, events, token=None, origin=ORIGIN):
    body = {"events": events} if token is None else {"token": token, "events": events}
    headers = {"Origin": origin} if origin else {}
    return client.post(
        EVENTS_URL, json.dumps(body), content_type="text/plain;charset=UTF-8", headers=headers
    )


def count(appeal, event):
    return sum(AppealCounter.objects.filter(appeal=appeal).values_list(event, flat=True))


def test_a_beacon_without_the_page_views_token_counts_nothing():
    appeal = make_appeal()
    response = beacon(reader(), [{"appeal": appeal.pk, "type": "clicked"}])
    assert response.status_code == 400
    assert "token" in response.text
    assert count(appeal, "clicked") == 0


def test_a_forged_or_expired_token_counts_nothing(settings):
    appeal = make_appeal()
    client = reader()
    token = new_token(client)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert beacon(client, [{"appeal": appeal.pk, "type": "clicked"}], forged).status_code == 400
    settings.APPEAL_TOKEN_MAX_AGE = -1  # every token is now too old
    assert beacon(client, [{"appeal": appeal.pk, "type": "clicked"}], token).status_code == 400
    assert count(appeal, "clicked") == 0


def test_an_event_type_counts_once_per_token_and_appeal():
    appeal = make_appeal()
    client = reader()
    token = new_token(client)
    clicks = [{"appeal": appeal.pk, "type": "clicked"}] * 50
    assert beacon(client, clicks, token).status_code == 204
    assert beacon(client, [{"appeal": appeal.pk, "type": "seen"}], token).status_code == 204
    assert count(appeal, "clicked") == 1 and count(appeal, "seen") == 1
    # The next page view has its own token and counts again.
    assert beacon(client, clicks[:1], new_token(client)).status_code == 204
    assert count(appeal, "clicked") == 2


def test_a_replayed_batch_adds_nothing():
    appeal = make_appeal()
    client = reader()
    token = new_token(client)
    batch = [{"appeal": appeal.pk, "type": t} for t in ("rendered", "seen", "clicked")]
    for _ in range(5):
        assert beacon(client, batch, token).status_code == 204
    assert [count(appeal, t) for t in ("rendered", "seen", "clicked")] == [1, 1, 1]


@pytest.mark.parametrize(
    "origin", [None, "https://evil.example", "null", "https://testserver", "http://testserver:81"]
)
def test_a_beacon_or_token_request_without_this_sites_origin_is_refused(origin):
    appeal = make_appeal()
    client = reader()
    token = new_token(client)
    headers = {"Origin": origin} if origin else {}
    assert client.post(TOKEN_URL, headers=headers).status_code == 400
    response = beacon(client, [{"appeal": appeal.pk, "type": "clicked"}], token, origin=origin)
    assert response.status_code == 400
    assert "this site's own pages" in response.text
    assert count(appeal, "clicked") == 0


def test_past_the_rate_limit_an_address_gets_429_and_others_do_not(settings):
    settings.APPEAL_BEACONS_PER_MINUTE = 5
    appeal = make_appeal()
    client = reader("203.0.113.9")
    token = new_token(client)
    statuses = [
        beacon(client, [{"appeal": appeal.pk, "type": "seen"}], token).status_code for _ in range(8)
    ]
    assert statuses == [204] * 5 + [429] * 3
    limited = beacon(client, [{"appeal": appeal.pk, "type": "seen"}], token)
    assert int(limited["Retry-After"]) > 0
    other = reader("198.51.100.7")
    assert beacon(other, [{"appeal": appeal.pk, "type": "seen"}], new_token(other)).status_code == (
        204
    )


def test_tokens_are_rate_limited_per_address(settings):
    settings.APPEAL_TOKENS_PER_MINUTE = 3
    client = reader("203.0.113.9")
    statuses = [client.post(TOKEN_URL, headers={"Origin": ORIGIN}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert reader("198.51.100.7").post(TOKEN_URL, headers={"Origin": ORIGIN}).status_code == 200


def test_the_token_is_never_cached_and_the_page_stays_the_same_for_every_reader(settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_appeal()
    url = make_story().get_absolute_url()
    first, second = reader().get(url), reader("192.0.2.1").get(url)
    assert first.content == second.content  # one cached page for every reader
    assert 'data-token="/appeals/token/"' in first.text
    response = reader().post(TOKEN_URL, headers={"Origin": ORIGIN})
    assert "no-store" in response["Cache-Control"]
    assert new_token(reader()) != new_token(reader())


def test_with_the_cache_down_beacons_are_still_counted_once_never_a_500():
    appeal = make_appeal()
    with override_settings(CACHES=DEAD_CACHE):
        client = reader()
        token = new_token(client)
        batch = [{"appeal": appeal.pk, "type": "clicked"}]
        assert beacon(client, batch, token).status_code == 204
        assert beacon(client, batch, token).status_code == 204  # a replay, still refused
    assert count(appeal, "clicked") == 1


def test_a_beacon_is_answered_before_the_sites_page_machinery_and_keeps_its_security_headers():
    """articles/appeals/shortcut.py: no session, CSRF, auth, messages, page cache or content
    policy for a 204; SecurityMiddleware still runs, and the host is still checked."""
    appeal = make_appeal()
    client = reader()
    response = beacon(client, [{"appeal": appeal.pk, "type": "seen"}], new_token(client))
    assert response.status_code == 204
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware's
    assert "Content-Security-Policy" not in response and "X-Frame-Options" not in response
    assert not response.cookies and "Vary" not in response
    assert not hasattr(response.wsgi_request, "session")
    assert not hasattr(response.wsgi_request, "user")
    stranger = Client(REMOTE_ADDR="198.51.100.7", HTTP_HOST="evil.example")
    events = json.dumps({"token": new_token(client), "events": [{"appeal": appeal.pk}]})
    refused = stranger.post(EVENTS_URL, events, content_type="text/plain")
    assert refused.status_code == 400  # DisallowedHost
    assert count(appeal, "seen") == 1
