"""The newsroom's admin site: Django's, with the editors' dashboard on its front page.

Kept apart from articles/admin/ so that creating the site does not import the modules that
register on it (admin.site is built on first use, which those registrations are).
"""

from django.contrib import admin


class NewsroomAdminSite(admin.AdminSite):
    index_template = "admin/dashboard.html"

    def index(self, request, extra_context=None):
        from articles.admin.dashboard import desk

        return super().index(request, {"desk": desk(self, request), **(extra_context or {})})
