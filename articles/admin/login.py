"""Admin sign-in throttling with django-axes: what is counted, when it locks, what people see.

Failed sign-ins are recorded per username and client address (axes' AccessAttempt rows, in the
database, so a cache outage does not lift them). Two limits, each over AXES_COOLOFF_TIME:

- an account from one address: AXES_FAILURE_LIMIT failures lock that pair, so an attacker
  elsewhere cannot lock a colleague out, and a colleague's typos lock only themselves;
- one address across accounts: LOGIN_FAILURES_PER_ADDRESS failures lock the address, so
  guessing one password against many names is slowed too.

The account is the username as Django's login form reads it (NFKC), case-folded, so `ａlice`
and `Alice` count as `alice`; the address comes from newsroom/client_address.py. Staff with the
Admin role see and clear lockouts under "Access attempts". The right password for an account
in no role is not a failure: the sign-in form says the account has no access yet
(newsroom/admin.py).
"""

import unicodedata

from axes.admin import AccessAttemptAdmin
from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone


def account_key(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the username as an account key, normalised and case-folded."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    if username is None:
        return None
    folded = unicodedata.normalize("NFKC", username).strip().casefold()
    return unicodedata.normalize("NFKC", folded)


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler with a limit per account and address and one per address."""

    def get_failures(self, request, credentials=None):
        """Failures for this account from this address; at least the lockout limit when the
        address itself is over its own limit (axes compares this number with one limit)."""
        totals = self._recent(request).aggregate(
            address=Coalesce(Sum("failures_since_start"), 0),
            account=Coalesce(
                Sum(
                    "failures_since_start",
                    filter=Q(username=get_client_username(request, credentials)),
                ),
                0,
            ),
        )
        if totals["address"] >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(totals["account"], settings.AXES_FAILURE_LIMIT)
        return totals["account"]

    def reset_user_attempts(self, request, credentials=None):
        """After a success, forget this account's failures from this address only: signing in
        to one's own account must not clear what an address did to others."""
        username = get_client_username(request, credentials)
        count, _ = self._attempts(request).filter(username=username).delete()
        return count

    def locked_until(self, request):
        """When the lockout of this request's address (or account from it) ends."""
        last = self._recent(request).aggregate(last=Max("attempt_time"))["last"]
        return (last or timezone.now()) + get_cool_off(request)

    @staticmethod
    def _attempts(request):
        return AccessAttempt.objects.filter(ip_address=request.axes_ip_address)

    def _recent(self, request):
        return self._attempts(request).filter(attempt_time__gte=get_cool_off_threshold(request))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the admin's own page saying what happened and what to do."""
    from axes.handlers.proxy import AxesProxyHandler

    until = AxesProxyHandler.get_implementation().locked_until(request)
    minutes = int(get_cool_off(request).total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "minutes": minutes,
        "until": timezone.localtime(until),
    }
    # Rendered now: the response leaves through the middleware, past the view's rendering.
    return render(request, "admin/locked_out.html", context, status=429)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """Failed sign-ins per username and address, whether each is locked, and a way to clear."""

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "lockout")
    list_filter = ("attempt_time",)
    actions = ("clear_lockouts",)

    def get_queryset(self, request):
        recent = AccessAttempt.objects.filter(
            ip_address=OuterRef("ip_address"), attempt_time__gte=self._threshold()
        )
        address_failures = recent.values("ip_address").annotate(n=Sum("failures_since_start"))
        return (
            super()
            .get_queryset(request)
            .annotate(address_failures=Coalesce(Subquery(address_failures.values("n")), 0))
        )

    @staticmethod
    def _threshold():
        return timezone.now() - get_cool_off()

    @admin.display(description="Lockout")
    def lockout(self, attempt):
        if attempt.attempt_time < self._threshold():
            return "Expired"
        until = timezone.localtime(attempt.attempt_time + get_cool_off()).strftime("%H:%M")
        if attempt.address_failures >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return f"Locked until {until}: the whole address"
        if attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT:
            return f"Locked until {until}: this account from this address"
        left = settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        return f"Not locked ({left} more failures lock it)"

    @admin.action(description="Clear selected lockouts", permissions=["delete"])
    def clear_lockouts(self, request, queryset):
        addresses = set(queryset.values_list("ip_address", flat=True))
        count, _ = queryset.delete()
        self.message_user(request, f"Cleared {count} lockout(s).", messages.SUCCESS)
        still = (
            AccessAttempt.objects.filter(
                ip_address__in=addresses, attempt_time__gte=self._threshold()
            )
            .values("ip_address")
            .annotate(n=Sum("failures_since_start"))
            .filter(n__gte=settings.LOGIN_FAILURES_PER_ADDRESS)
        )
        for row in still:
            self.message_user(
                request,
                f"{row['ip_address']} is still locked by {row['n']} failures for other "
                "usernames: select those too to clear it.",
                messages.WARNING,
            )
