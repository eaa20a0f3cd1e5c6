from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ficshelf.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every change that a listing or search shows queues the work for reindexing.
        from ficshelf.search import signals  # noqa: F401
        from ficshelf.search.health import register_search_checks

        register_search_checks()
