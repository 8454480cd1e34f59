"""The newsroom's admin site: Django's, with the editors' dashboard on its front page.

Kept apart from articles/admin/ so that creating the site does not import the modules that
register on it (admin.site is built on first use, which those registrations are).
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.text import get_text_list

from articles.editorial.roles import ROLES

NO_ACCESS = (
    "This account has no access to the newsroom's admin yet. Ask an administrator to put you "
    f"in a role ({get_text_list(list(ROLES), 'or')}), then sign in again."
)


class SignInForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        """The password was right: say the account lacks a role, not that it was mistyped."""
        AuthenticationForm.confirm_login_allowed(self, user)  # inactive accounts
        if not user.is_staff:
            raise ValidationError(NO_ACCESS, code="no_access")


class NewsroomAdminSite(admin.AdminSite):
    index_template = "admin/dashboard.html"
    login_form = SignInForm

    def index(self, request, extra_context=None):
        from articles.admin.dashboard import desk

        return super().index(request, {"desk": desk(self, request), **(extra_context or {})})
