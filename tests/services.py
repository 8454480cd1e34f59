"""The services some tests need (Redis), and skipping or failing when one is missing."""

import os

import pytest

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


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
