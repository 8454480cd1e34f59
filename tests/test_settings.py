"""Settings come from the environment, with safe failures for production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsroom.settings import database_from_url, mailer_from_url
from tests.services import redis_cache_settings

ROOT = Path(__file__).resolve().parent.parent


def run_settings(show="s.DEBUG, s.ALLOWED_HOSTS", **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "MEDIA_URL"}}
    return subprocess.run(
        [sys.executable, "-c", f"import newsroom.settings as s; print({show})"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
    )


def test_missing_secret_key_with_debug_off_fails_loudly():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_on_works_without_a_secret_key_for_local_development():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")


def test_images_from_a_media_cdn_are_allowed_by_the_content_security_policy():
    show = '" ".join(s.SECURE_CSP["img-src"])'
    assert run_settings(show, DEBUG="1").stdout.split() == ["'self'", "data:"]
    on_cdn = run_settings(show, DEBUG="1", MEDIA_URL="https://media.example/newsroom/")
    assert on_cdn.stdout.split() == ["'self'", "data:", "https://media.example"]


def test_postgres_url_becomes_a_persistent_health_checked_connection():
    db = database_from_url("postgres://news:p%40ss@db.example:6432/newsroom?sslmode=require")
    assert db["ENGINE"] == "newsroom.postgresql"  # Django's, health-checked without a query
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("newsroom", "news", "p@ss")
    assert (db["HOST"], db["PORT"]) == ("db.example", "6432")
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert db["CONN_MAX_AGE"] > 0 and db["CONN_HEALTH_CHECKS"] is True


def test_sqlite_url_gives_a_file_path():
    assert database_from_url("sqlite:////tmp/news.db")["NAME"] == "/tmp/news.db"


def test_unknown_database_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://root@localhost/news")


def test_redis_url_gives_every_process_the_shared_redis_cache():
    """REDIS_URL must work as documented: the backend and its client library are installed."""
    redis_url = redis_cache_settings()["default"]["LOCATION"]  # skips when no Redis answers
    show = "isinstance(c, RedisCache), c.set('settings-test', 42) or c.get('settings-test')"
    code = (
        "import django; django.setup(); from django.core.cache import caches; "
        "from django.core.cache.backends.redis import RedisCache; "
        f"c = caches['default']; print({show})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ | {"DEBUG": "1", "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "42"]


@pytest.mark.parametrize("debug", ["1", "0"])
def test_a_warning_is_printed_once_under_make_run_and_in_production(debug):
    """Django's "django" logger printed to the console and passed the record to the root's
    console handler too: `make run` showed every "Not Found" twice."""
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: /probe'); "
        "logging.getLogger('articles').warning('An app warning'); "
        "logging.getLogger('django.db').info('Routine detail')"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_LEVEL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean
        | {"DEBUG": debug, "SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Not Found: /probe") == 1
    assert result.stderr.count("An app warning") == 1
    assert ("Routine detail" in result.stderr) == (debug == "1")  # details only locally


def test_email_url_smtp_sends_with_starttls_and_the_credentials_it_carries():
    mailer = mailer_from_url("smtp://news%40example.org:s%2Fcret@mail.example.org")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "mail.example.org", "port": 587, "username": "news@example.org",
        "password": "s/cret", "use_ssl": False, "use_tls": True, "timeout": 10,
    }  # fmt: skip


def test_email_url_smtps_uses_tls_from_the_start_and_a_local_relay_can_skip_it():
    implicit = mailer_from_url("smtps://u:p@mail.example.org")["OPTIONS"]
    assert (implicit["port"], implicit["use_ssl"], implicit["use_tls"]) == (465, True, False)
    relay = mailer_from_url("smtp://localhost:25?tls=0&timeout=3")["OPTIONS"]
    assert (relay["port"], relay["use_tls"], relay["timeout"]) == (25, False, 3)


def test_email_goes_to_the_console_unless_told_otherwise():
    result = run_settings('s.MAILERS["default"]["BACKEND"]', DEBUG="1")
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
    with pytest.raises(Exception, match="smtp://, smtps:// or console:"):
        mailer_from_url("sendmail://localhost")


def test_real_mail_needs_the_site_address_for_its_links():
    env = {"SECRET_KEY": "x", "DEBUG": "0", "EMAIL_URL": "smtp://mail.example.org"}
    result = run_settings("s.SITE_URL", **env)
    assert result.returncode != 0 and "SITE_URL must be set" in result.stderr
    result = run_settings("s.SITE_URL", **env, SITE_URL="https://news.example/")
    assert result.stdout.strip() == "https://news.example"
