from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModerationConfig(AppConfig):
    name = "ficshelf.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from ficshelf.moderation import receivers  # noqa: F401
        from ficshelf.moderation.roles import sync_roles

        # After every app's migrate: the permissions an app defines exist by its own.
        post_migrate.connect(sync_roles, dispatch_uid="ficshelf.moderation.sync_roles")
