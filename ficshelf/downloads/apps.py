from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "ficshelf.downloads"
    label = "downloads"
    verbose_name = "Downloads"

    def ready(self) -> None:
        from ficshelf.downloads import receivers  # noqa: F401
        from ficshelf.downloads.checks import register_downloads_checks

        register_downloads_checks()

        from ficshelf.core.recovery import register
        from ficshelf.downloads.recovery import recover_downloads

        # Markers and half-written files of a worker that died making a download.
        register("downloads", recover_downloads)
