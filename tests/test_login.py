"""Admin sign-in throttling (django-axes): who is locked, from where, for how long, and by whom
a lockout is cleared.

A username and address pair is locked after AXES_FAILURE_LIMIT failures; an address after
LOGIN_FAILURES_PER_ADDRESS failures across usernames. The account key is the username as
Django's login form reads it (NFKC), case-folded; the address is REMOTE_ADDR unless
TRUSTED_PROXY_COUNT proxies are configured (newsroom/client_address.py).
"""

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from articles.editorial.roles import ADMIN
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
# The limits the README states: an account from one address, and one address across accounts.
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
LOCKED = "Too many failed sign-in attempts"


@pytest.fixture
def ed(django_user_model):
    return django_user_model.objects.create_superuser("ed", "ed@example.com", "right-password")


def attempt(username, password="wrong", address="198.51.100.7", **headers):
    """One sign-in from `address`, in a fresh client (no session carried over)."""
    return Client(REMOTE_ADDR=address).post(
        LOGIN, {"username": username, "password": password}, headers=headers
    )


def signed_in(response):
    return response.status_code == 302  # a failed sign-in is a 200, a locked one a 429


def fail(username, times, address="198.51.100.7", **headers):
    for _ in range(times):
        assert attempt(username, address=address, **headers).status_code in (200, 429)


def test_sign_in_is_locked_after_repeated_failures_with_a_clear_message(ed):
    for _ in range(PAIR_LIMIT - 1):
        response = attempt("ed")
        assert "Please enter the correct username and password" in response.text
    assert attempt("ed").status_code == 429  # the failure that locks says so at once
    response = attempt("ed", "right-password")
    assert response.status_code == 429
    assert LOCKED in response.text
    assert "15 minutes" in response.text and "administrator" in response.text
    assert "Sign in to Newsroom" not in response.text  # the lockout page, not a login error


def test_a_fullwidth_or_capitalised_username_counts_as_the_same_account(ed):
    """Issue 11: after 5 failures on `ed`, `ｅｄ` (fullwidth, which the form reads as `ed`)
    signed in and the guessing went on."""
    # A new X-Forwarded-For each time, as the attacker sent: it must not matter either.
    for n, name in enumerate(["ｅｄ", "ｅｄ", "ED", "Ｅd"] + ["ed"] * (PAIR_LIMIT - 4)):
        fail(name, 1, x_forwarded_for=f"10.0.0.{n}")
    assert not signed_in(attempt("ｅｄ", "right-password", x_forwarded_for="10.0.1.1"))
    assert not signed_in(attempt("ed", "right-password", x_forwarded_for="10.0.1.2"))


def test_an_attacker_elsewhere_cannot_lock_a_colleague_out(ed):
    """Issue 11: five bad guesses from anywhere locked an editor out for 15 minutes."""
    fail("ed", PAIR_LIMIT * 3, address="203.0.113.9")
    assert not signed_in(attempt("ed", "right-password", address="203.0.113.9"))
    assert signed_in(attempt("ed", "right-password", address="198.51.100.7"))


def test_an_address_guessing_across_usernames_is_throttled(ed):
    for n in range(ADDRESS_LIMIT):
        fail(f"user{n}", 1, address="203.0.113.9")
    assert not signed_in(attempt("ed", "right-password", address="203.0.113.9"))
    assert signed_in(attempt("ed", "right-password", address="198.51.100.7"))


def test_a_forged_forwarded_for_header_does_not_change_the_address_without_a_proxy(ed):
    """Issue 11: the address was the last X-Forwarded-For entry, which any client sets."""
    for n in range(ADDRESS_LIMIT):
        fail(f"user{n}", 1, address="203.0.113.9", x_forwarded_for=f"10.0.{n}.1")
    response = attempt("ed", "right-password", address="203.0.113.9", x_forwarded_for="192.0.2.200")
    assert response.status_code == 429


def test_a_success_clears_the_accounts_failures_from_that_address(ed):
    fail("ed", PAIR_LIMIT - 1)
    assert signed_in(attempt("ed", "right-password"))
    fail("ed", PAIR_LIMIT - 1)
    assert signed_in(attempt("ed", "right-password"))


def test_a_lockout_ends_after_the_cool_off(ed):
    from axes.models import AccessAttempt

    fail("ed", PAIR_LIMIT)
    assert not signed_in(attempt("ed", "right-password"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert signed_in(attempt("ed", "right-password"))


def test_staff_see_and_clear_lockouts_in_the_admin(ed):
    from django.contrib.admin import helpers

    fail("ed", PAIR_LIMIT)
    admin_client = Client(REMOTE_ADDR="192.0.2.50")
    admin_client.force_login(make_staff("ada", ADMIN))
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "198.51.100.7" in listing.text and "Locked until" in listing.text
    from axes.models import AccessAttempt

    response = admin_client.post(
        "/admin/axes/accessattempt/",
        {
            "action": "clear_lockouts",
            helpers.ACTION_CHECKBOX_NAME: list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert "Cleared 1 lockout" in response.text
    assert signed_in(attempt("ed", "right-password"))


# --- The client's address ---


def address_of(remote="198.51.100.7", forwarded=None):
    from newsroom.client_address import client_address

    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_address_is_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address_of(forwarded="203.0.113.9") == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a client-set entry is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer hops than proxies: the farthest one
        (1, "", "198.51.100.7"),  # no header: the peer
        (1, "not-an-address", "198.51.100.7"),
        (1, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),  # IPv6: the /64
    ],
)
def test_with_trusted_proxies_the_address_is_what_the_nearest_proxies_saw(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    assert address_of(forwarded=forwarded) == expected
