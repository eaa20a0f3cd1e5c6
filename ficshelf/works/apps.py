from django.apps import AppConfig


class WorksConfig(AppConfig):
    name = "ficshelf.works"
    label = "works"

    def ready(self) -> None:
        # A closing account's works are orphaned or deleted (accounts.signals).
        from ficshelf.works import receivers  # noqa: F401
