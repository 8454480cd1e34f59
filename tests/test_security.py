"""Production settings pass Django's deploy checks; pages carry the security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_story

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qz!v9@Lm2$Rt5^Wp8&Xs1*Yd4(Fg6)Hj3_Nb0+Mc-Ve=Ua;Ki:Ol<Pe>Tr?Sw",
    "ALLOWED_HOSTS": "news.example",
    "DATABASE_URL": "sqlite:////tmp/newsroom-deploy-check.sqlite3",
    # Notifications need a real mail server in production (console: fails mail.E001).
    "EMAIL_URL": "smtp://desk%40news.example:secret@mail.news.example",
    "SITE_URL": "https://news.example",
}


def test_check_deploy_reports_nothing_with_production_settings():
    unwanted = {"SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the latter: browser tests
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env | PRODUCTION_ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("page_cache", [0, 60], ids=["rendered", "from the page cache"])
def test_public_pages_send_strict_security_headers(client, settings, page_cache):
    settings.PAGE_CACHE_SECONDS = page_cache
    story = make_story()
    for url in ("/", story.get_absolute_url(), "/feed/", "/admin/login/"):
        client.get(url, secure=True)  # with the page cache on, the next one is a hit
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Content-Length"] == str(len(response.content)), url
        if page_cache and not url.startswith("/admin/"):
            assert response["X-Cache"] == "hit", url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "max-age=31536000" in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client):
    story = make_story()
    for url in ("/", story.get_absolute_url(), story.section.get_absolute_url()):
        html = client.get(url).text
        for chunk in html.split("<script")[1:]:
            assert (
                'type="application/ld+json"' in chunk.split(">")[0]
                or " src=" in chunk.split(">")[0]
            ), url
        assert " style=" not in html and "<style" not in html, url


@pytest.mark.django_db
def test_the_content_security_policy_is_djangos_built_once_and_follows_its_configuration(client):
    """newsroom/csp.py: the same header Django builds; a new configuration applies at once; a
    response whose nonce was used names it, a fresh one per request."""
    from django.http import HttpResponse
    from django.test import RequestFactory, override_settings
    from django.utils.csp import build_policy

    from newsroom.csp import ContentSecurityPolicyMiddleware

    story = make_story(status="published")
    header = client.get(story.get_absolute_url())["Content-Security-Policy"]
    assert header == build_policy(settings_csp()) and "nonce-" not in header
    with override_settings(SECURE_CSP={"default-src": ["'none'"]}):
        assert client.get(story.get_absolute_url())["Content-Security-Policy"] == (
            "default-src 'none'"
        )
    assert client.get(story.get_absolute_url())["Content-Security-Policy"] == header

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("page"))
    nonces = []
    for _ in range(2):
        request = RequestFactory().get("/")
        middleware.process_request(request)
        nonces.append(str(request._csp_nonce))  # a page that uses its nonce
        policy = middleware.process_response(request, HttpResponse("page"))
        assert policy["Content-Security-Policy"] == build_policy(settings_csp(), nonces[-1])
    assert nonces[0] != nonces[1]


def settings_csp():
    from django.conf import settings

    return settings.SECURE_CSP
