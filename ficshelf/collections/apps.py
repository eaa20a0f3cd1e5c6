from django.apps import AppConfig


class CollectionsConfig(AppConfig):
    name = "ficshelf.collections"
    label = "collections"
    verbose_name = "Collections"

    def ready(self) -> None:
        from ficshelf.collections import receivers  # noqa: F401  (connects the notices)
