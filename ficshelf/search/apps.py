from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ficshelf.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every change that a listing or search shows queues the work for reindexing.
        from ficshelf.search import signals  # noqa: F401
        from ficshelf.search.checks import register_search_index_checks
        from ficshelf.search.health import register_search_checks

        register_search_checks()
        register_search_index_checks()

        from ficshelf.search.page_versions import versions_for_blurbs
        from ficshelf.works.kept_blurbs import read_page_versions_with

        # Blurbs are kept under the works' page versions, which this app keeps.
        read_page_versions_with(versions_for_blurbs)

        from ficshelf.core.recovery import register
        from ficshelf.search.recovery import recover_search

        # Half-built index folders of a rebuild that was killed.
        register("search", recover_search)
