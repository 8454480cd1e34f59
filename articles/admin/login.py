"""Admin login throttling: slow password guessing down without locking real editors out for long.

Failed attempts are counted in the shared cache per account name and per client address; after
`MAX_FAILURES` within `WINDOW` seconds further attempts are refused until the window passes,
with a message that says so. A successful login clears the account's count.
"""

import hashlib

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

MAX_FAILURES = 5
WINDOW = 15 * 60


def _key(kind, value):
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def client_address(request):
    # Behind a proxy the last hop it appends is the one we can trust; locally REMOTE_ADDR.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        keys = [
            _key("user", self.data.get("username", "")),
            _key("addr", client_address(self.request)),
        ]
        if any(cache.get(key, 0) >= MAX_FAILURES for key in keys):
            raise ValidationError(
                "Too many failed sign-in attempts. Please wait 15 minutes and try again.",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            for key in keys:
                cache.add(key, 0, WINDOW)
                cache.incr(key)
            raise
        cache.delete(keys[0])
        return cleaned
