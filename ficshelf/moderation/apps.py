from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "ficshelf.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from ficshelf.moderation import receivers  # noqa: F401
