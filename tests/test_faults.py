"""Faults: the site keeps answering when its shared cache (Redis) goes away, and recovers by
itself when it comes back; nothing readers or staff send is lost meanwhile."""

import json
import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches

from articles.caching import surfaces
from articles.models import Appeal, AppealCounter
from tests.factories import make_story
from tests.services import unavailable

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test can stop and start."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def private_redis(settings):
    if not shutil.which("redis-server"):
        unavailable("fault tests need redis-server (apt-get install redis-server)", "REQUIRE_REDIS")
    server = PrivateRedis()
    server.start()
    configured = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.SharedClientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PAGE_CACHE_SECONDS = 60
    yield server
    caches["default"].close()
    settings.CACHES = configured  # before the server goes: the suite's own cache is cleared next
    if server.process.poll() is None:
        server.stop()


def served_without_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return not queries


def beacon(client, appeal, kind="seen"):
    """One page view's beacon: its token first, as appeals.js does."""
    origin = {"origin": "http://testserver"}
    token = client.post("/appeals/token/", headers=origin).json()["token"]
    return client.post(
        "/appeals/events/",
        json.dumps({"token": token, "events": [{"appeal": appeal.pk, "variant": None,
                                                "type": kind}]}),
        content_type="text/plain",
        headers=origin,
    )  # fmt: skip


def test_a_redis_outage_is_a_cache_miss_and_the_site_recovers_by_itself(
    client, private_redis, caplog, monkeypatch
):
    monkeypatch.setattr(surfaces, "RETRY_SECONDS", 0.2)
    story = make_story(headline="Still here")
    appeal = Appeal.objects.create(name="Drive", body="<p>Give.</p>", status=Appeal.Status.LIVE,
                                   donation_url="https://donate.example.org/")  # fmt: skip
    urls = ["/", story.get_absolute_url(), "/stories/", story.section.get_absolute_url()]
    for url in urls:
        client.get(url)
        assert served_without_queries(client, url), url

    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="articles.caching.surfaces"):
        for _ in range(3):
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200 and "Still here" in response.text, url
            assert beacon(client, appeal).status_code == 204
        story.headline = "Still here, edited while Redis was down"
        story.save()  # a change during the outage is not lost either
    failures = [r for r in caplog.records if "The cache failed" in r.getMessage()]
    assert len(failures) == 1, [r.getMessage() for r in caplog.records]  # once per outage
    assert AppealCounter.objects.filter(appeal=appeal).totals()["seen"] == 3

    private_redis.start()
    time.sleep(0.3)  # past the retry pause
    with caplog.at_level(logging.WARNING, logger="articles.caching.surfaces"):
        assert "edited while Redis was down" in client.get(story.get_absolute_url()).text
    assert any("answers again" in r.getMessage() for r in caplog.records)
    assert served_without_queries(client, story.get_absolute_url())
