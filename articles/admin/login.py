"""Admin login throttling: slow password guessing down without locking real editors out for long.

Failed attempts are counted in the shared cache per account name and per client address; after
`MAX_FAILURES` within `WINDOW` seconds further attempts are refused until the window passes,
with a message that says so. A successful login clears the account's count. The right password
for an account without a role is told so plainly (and is not counted as a guess).
"""

import hashlib

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.text import get_text_list

from ..editorial.roles import ROLES

MAX_FAILURES = 5
WINDOW = 15 * 60


def _key(kind, value):
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def client_address(request):
    # Behind a proxy the last hop it appends is the one we can trust; locally REMOTE_ADDR.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


NO_ACCESS = (
    "This account has no access to the newsroom's admin yet. Ask an administrator to put you "
    f"in a role ({get_text_list(list(ROLES), 'or')}), then sign in again."
)


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        """The password was right: say the account lacks a role, not that it was mistyped."""
        AuthenticationForm.confirm_login_allowed(self, user)  # inactive accounts
        if not user.is_staff:
            raise ValidationError(NO_ACCESS, code="no_access")

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
        except ValidationError as error:
            if getattr(error, "code", None) == "no_access":
                raise  # not a guess: the password was right
            for key in keys:
                cache.add(key, 0, WINDOW)
                cache.incr(key)
            raise
        cache.delete(keys[0])
        return cleaned
