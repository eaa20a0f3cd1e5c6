from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "ficshelf.social"
    label = "social"

    def ready(self) -> None:
        # Posted and viewed works (works.signals), and the counts kept as kudos, comments
        # and bookmarks change.
        from ficshelf.social import receivers  # noqa: F401
