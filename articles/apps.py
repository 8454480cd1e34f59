from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from .editorial.roles import sync_roles_after_migrate

        # Grants the roles' permissions for models added after the roles migration ran.
        post_migrate.connect(sync_roles_after_migrate, sender=self)

        from .navigation import connect

        connect()  # the cached navigation sections are dropped when a section changes

        from .caching import connect_invalidation

        connect_invalidation()  # pages and validators follow every change readers can see
