from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "ficshelf.social"
    label = "social"

    def ready(self) -> None:
        # Subscribers and sources' creators hear of posted works (works.signals).
        from ficshelf.social import receivers  # noqa: F401
