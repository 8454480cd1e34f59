"""The services some tests need (Redis), and skipping or failing when one is missing."""

import os
from urllib.parse import urlsplit

import pytest


def worker_redis_url(url):
    """`url` with this pytest-xdist worker's own Redis database: the database `url` names plus
    the worker's number (gw0, gw1…), so CI's db 14 gives 14 and 15. Every test clears the
    cache, which empties the whole database (no KEY_PREFIX), so workers must not share one."""
    parts = urlsplit(url)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    return parts._replace(path=f"/{int(parts.path.strip('/') or 0) + worker}").geturl()


# The Redis tests' keys carry a per-process prefix and are cleared by it, so they may share a
# database with anything that does not empty it: with REDIS_URL, the worker's own database.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL") or (
    worker_redis_url(os.environ["REDIS_URL"])
    if os.environ.get("REDIS_URL")
    else "redis://127.0.0.1:6379/15"
)


def unavailable(reason, required_by):
    """Skip a test whose service or tool is missing, or fail it when the environment variable
    `required_by` says it must run (CI sets REQUIRE_BROWSER_TESTS and REQUIRE_REDIS)."""
    if os.environ.get(required_by):
        pytest.fail(f"{required_by} is set but {reason}")
    pytest.skip(reason)


def redis_cache_settings():
    """CACHES for the shared Redis cache of production, or a skip (a failure with REQUIRE_REDIS,
    as in CI) when no Redis answers at REDIS_TEST_URL. Keys get a per-run prefix."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        unavailable(
            f"this test needs Redis at {REDIS_TEST_URL} ({error}); set REDIS_TEST_URL",
            "REQUIRE_REDIS",
        )
    return {
        "default": {
            "BACKEND": "newsroom.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": f"newsroom-test-{os.getpid()}",
        }
    }
